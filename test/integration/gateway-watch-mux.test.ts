import { sessionCookieName } from '../../src-main/gateway/auth.js';
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { resources } from '../../embedded-cluster/client/index.js';
import { kubeconfigDirectory, type ClusterDirectory } from '../../src-main/gateway/cluster-directory.js';
import { startGateway, type RunningGateway } from '../../src-main/gateway/gateway.js';
import { UpstreamAgents } from '../../src-main/gateway/upstream.js';
import { MuxSession } from '../../src-main/gateway/watch-mux.js';
import type { KubedeskBridge } from '../../src-main/shared/bridge.js';
import {
  Informer,
  metadataOf,
  KubeApi,
  muxUrl,
  WatchMuxClient,
  type WebSocketLike,
} from '../../src-renderer/kube/index.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

/**
 * The watch multiplexer (`/app/watch`) against a real cluster: many watches over one socket,
 * refusals as `error` frames, cancel, and upstream watches aborted when the socket closes. The
 * gateway reaches the cluster through a TCP relay that counts its open connections, so the test
 * can see the upstream watches go away.
 */
let cluster: TestCluster;
let gateway: RunningGateway;
let relay: Server;
const relayed = new Set<Socket>();
const TOKEN = 'watch-mux-test-token';
const NAMESPACE = 'mux';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const bridge = {} as KubedeskBridge;

beforeAll(async () => {
  cluster = await startTestCluster({ runtime: 'simulated' });
  const clusterPort = Number(new URL(cluster.url).port);
  relay = createServer((client) => {
    const upstream = connect(clusterPort, '127.0.0.1');
    relayed.add(client);
    client.once('close', () => relayed.delete(client));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayUrl = new URL(`https://127.0.0.1:${(relay.address() as AddressInfo).port}`);
  const base = kubeconfigDirectory({
    kubeconfigPaths: [],
    embedded: () => ({ kubeconfigPath: cluster.kubeconfigPath }),
  });
  const directory: ClusterDirectory = {
    list: () => base.list(),
    connect: async (id) => {
      const connection = await base.connect(id);
      if (!connection) return undefined;
      return { server: relayUrl, tls: connection.tls, headers: () => connection.headers() };
    },
  };
  gateway = await startGateway({ directory, bridge, token: TOKEN });
  await cluster.client.resource(resources.namespaces).create({ metadata: { name: NAMESPACE } });
}, 30_000);

afterAll(async () => {
  await gateway?.close();
  for (const socket of relayed) socket.destroy();
  await new Promise((resolve) => relay?.close(resolve));
  await cluster?.destroy();
});

interface Frame {
  id: string;
  opened?: true;
  events?: { type: string; object: Record<string, unknown> }[];
  error?: { code?: number; reason?: string; message?: string };
  end?: true;
}

/** A client of `/app/watch` that keeps every frame it receives. */
class MuxSocket {
  readonly frames: Frame[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
  }

  static async open(): Promise<MuxSocket> {
    const ws = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/app/watch`, {
      headers: {
        cookie: `${sessionCookieName(Number(new URL(gateway.url).port))}=${TOKEN}`,
        origin: gateway.url,
      },
    });
    const socket = new MuxSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return socket;
  }

  watch(id: string, path: string, accept = 'application/json', clusterId = 'embedded'): void {
    this.ws.send(JSON.stringify({ op: 'watch', id, cluster: clusterId, path, accept }));
  }

  cancel(id: string): void {
    this.ws.send(JSON.stringify({ op: 'cancel', id }));
  }

  of(id: string): Frame[] {
    return this.frames.filter((f) => f.id === id);
  }

  /** The names of the ADDED objects (or Table rows) `id` received. */
  added(id: string): string[] {
    return this.of(id).flatMap((f) =>
      (f.events ?? [])
        .filter((e) => e.type === 'ADDED')
        .flatMap((e) => {
          const rows = (e.object as { rows?: { object: { metadata: { name: string } } }[] }).rows;
          if (rows) return rows.map((r) => r.object.metadata.name);
          return [(e.object as { metadata: { name: string } }).metadata.name];
        }),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

const configmaps = resources.configMaps;
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };

/** The configmaps collection's current resourceVersion: watches from it see only what comes next. */
async function currentVersion(): Promise<string> {
  const list = await cluster.client.resource(configmaps).list({ namespace: NAMESPACE });
  return list.metadata?.resourceVersion ?? '';
}

function watchPath(resourceVersion: string, extra = ''): string {
  return `/api/v1/namespaces/${NAMESPACE}/configmaps?watch=1&resourceVersion=${resourceVersion}&allowWatchBookmarks=true${extra}`;
}

async function createConfigMap(name: string): Promise<void> {
  await cluster.client
    .resource(configmaps)
    .create({ metadata: { name, namespace: NAMESPACE }, data: { name } });
}

describe('the watch multiplexer', () => {
  it('carries 20 watches on one socket, each seeing objects created after it opened', async () => {
    const socket = await MuxSocket.open();
    const version = await currentVersion();
    const ids = Array.from({ length: 20 }, (_, i) => `w${i}`);
    ids.forEach((id, i) =>
      socket.watch(id, watchPath(version, i % 2 ? '&includeObject=Metadata' : ''), i % 2 ? TABLE : undefined),
    );
    await vi.waitFor(() => expect(ids.filter((id) => socket.of(id).some((f) => f.opened))).toHaveLength(20), {
      timeout: 10_000,
      interval: 20,
    });
    await createConfigMap('twenty-a');
    await createConfigMap('twenty-b');
    await vi.waitFor(
      () => {
        for (const id of ids) expect(socket.added(id)).toEqual(['twenty-a', 'twenty-b']);
      },
      { timeout: 10_000, interval: 20 },
    );
    // Table watches get one-row Tables; plain ones the objects.
    const table = socket.of('w1').find((f) => f.events)!.events![0]!.object;
    expect(table).toMatchObject({ kind: 'Table' });
    expect(socket.of('w0').find((f) => f.events)!.events![0]!.object).toMatchObject({ kind: 'ConfigMap' });
    expect(socket.frames.some((f) => f.error || f.end)).toBe(false);
    await socket.close();
  }, 30_000);

  it('ends a watch from a compacted resourceVersion with an error frame: 410 Expired', async () => {
    const old = await currentVersion();
    // Two writes after it, then compaction at the last: what followed `old` is partly gone.
    await createConfigMap('expire-me-1');
    await createConfigMap('expire-me-2');
    const { revision } = await cluster.store.status();
    await cluster.store.compact(revision);
    const socket = await MuxSocket.open();
    socket.watch('old', watchPath(old));
    await vi.waitFor(() => expect(socket.of('old').some((f) => f.error)).toBe(true), { timeout: 10_000 });
    const error = socket.of('old').find((f) => f.error)!.error!;
    expect(error).toMatchObject({ code: 410, reason: 'Expired' });
    // The error ends it: no ERROR event is relayed, and nothing follows.
    const frames = socket.of('old');
    expect(frames.at(-1)!.error).toBeDefined();
    expect(frames.flatMap((f) => f.events ?? [])).toEqual([]);
    await socket.close();
  }, 20_000);

  it('stops a cancelled watch while the others go on', async () => {
    const socket = await MuxSocket.open();
    const version = await currentVersion();
    socket.watch('keep', watchPath(version));
    socket.watch('drop', watchPath(version));
    await vi.waitFor(() => expect(socket.frames.filter((f) => f.opened)).toHaveLength(2), {
      timeout: 10_000,
    });
    await createConfigMap('before-cancel');
    await vi.waitFor(() => expect(socket.added('drop')).toEqual(['before-cancel']), { timeout: 10_000 });
    socket.cancel('drop');
    const cancelledAt = socket.of('drop').length;
    await createConfigMap('after-cancel-1');
    await createConfigMap('after-cancel-2');
    await vi.waitFor(
      () => expect(socket.added('keep')).toEqual(['before-cancel', 'after-cancel-1', 'after-cancel-2']),
      { timeout: 10_000 },
    );
    expect(socket.of('drop')).toHaveLength(cancelledAt);
    await socket.close();
  }, 20_000);

  it('aborts the upstream watches when the socket closes', async () => {
    const before = relayed.size;
    const socket = await MuxSocket.open();
    const version = await currentVersion();
    for (let i = 0; i < 5; i++) socket.watch(`c${i}`, watchPath(version));
    await vi.waitFor(() => expect(socket.frames.filter((f) => f.opened)).toHaveLength(5), {
      timeout: 10_000,
    });
    // Each watch holds an upstream connection of its own (idle pooled ones may add to it).
    expect(relayed.size).toBeGreaterThanOrEqual(5);
    const open = relayed.size;
    await socket.close();
    await vi.waitFor(() => expect(relayed.size).toBeLessThanOrEqual(Math.max(before, open - 5)), {
      timeout: 5000,
      interval: 20,
    });
  }, 20_000);

  it('refuses anything that is not a watch on a known cluster, as error frames', async () => {
    const socket = await MuxSocket.open();
    const version = await currentVersion();
    socket.watch('list', `/api/v1/namespaces/${NAMESPACE}/configmaps`);
    socket.watch('false', `/api/v1/namespaces/${NAMESPACE}/configmaps?watch=false`);
    socket.watch('version', '/version?watch=1');
    socket.watch('dots', `/api/v1/../../version?watch=1`);
    socket.watch('proto', watchPath(version), 'application/vnd.kubernetes.protobuf');
    socket.watch('nowhere', watchPath(version), 'application/json', 'context:nope');
    socket.watch('forbidden', '/api/v1/nothings?watch=1');
    await vi.waitFor(() => expect(socket.frames).toHaveLength(7), { timeout: 10_000 });
    const codes = Object.fromEntries(socket.frames.map((f) => [f.id, f.error?.code]));
    expect(codes).toEqual({
      list: 400,
      false: 400,
      version: 400,
      dots: 400,
      proto: 400,
      nowhere: 404,
      forbidden: 404,
    });
    expect(socket.frames.find((f) => f.id === 'list')!.error!.message).toMatch(/only watches/);
    // A frame that is not the protocol at all closes the socket.
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    socket.ws.send('not json');
    expect(await closed).toBe(1008);
  }, 20_000);

  it('refuses a foreign Origin and a missing session', async () => {
    const attempt = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/app/watch`, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('upgraded')));
        ws.on('error', reject);
      });
    expect(
      await attempt({
        cookie: `${sessionCookieName(Number(new URL(gateway.url).port))}=${TOKEN}`,
        origin: 'http://evil.example',
      }),
    ).toBe(403);
    expect(await attempt({ origin: gateway.url })).toBe(401);
  });

  it('serves the renderer’s client: an informer lists over HTTP and watches over the socket', async () => {
    const client = new WatchMuxClient({
      url: muxUrl(gateway.url),
      // Node 20 has no global WebSocket; ws's speaks the same onopen/onmessage/onclose API.
      createSocket: (url) =>
        new WebSocket(url, {
          headers: {
            cookie: `${sessionCookieName(Number(new URL(gateway.url).port))}=${TOKEN}`,
            origin: gateway.url,
          },
        }) as unknown as WebSocketLike,
    });
    const api = new KubeApi({
      baseUrl: `${gateway.url}/clusters/embedded`,
      headers: { authorization: `Bearer ${TOKEN}` },
      watchTransport: client.transport('embedded'),
    });
    const informer = new Informer({ api, type: CONFIGMAPS, namespace: NAMESPACE, mode: 'table' });
    informer.start();
    try {
      await vi.waitFor(() => expect(informer.state.phase).toBe('watching'), { timeout: 10_000 });
      expect(client.size).toBe(1);
      await createConfigMap('through-the-client');
      await vi.waitFor(
        () =>
          expect([...informer.items.values()].map((row) => metadataOf(row).name)).toContain(
            'through-the-client',
          ),
        { timeout: 10_000 },
      );
    } finally {
      informer.stop();
      client.close();
    }
  }, 20_000);
});

describe('back-pressure', () => {
  /** A `ws` socket stand-in whose send buffer the test fills and drains by hand. */
  class SlowSocket extends EventEmitter {
    readyState = WebSocket.OPEN;
    bufferedAmount = 0;
    readonly frames: Frame[] = [];
    private readonly callbacks: (() => void)[] = [];
    send(text: string, callback: () => void): void {
      this.frames.push(JSON.parse(text) as Frame);
      this.callbacks.push(callback);
    }
    /** The OS took everything: the buffer is empty and each send's callback runs. */
    drain(): void {
      this.bufferedAmount = 0;
      for (const callback of this.callbacks.splice(0)) callback();
    }
    close(): void {}
    terminate(): void {}
  }

  it('pauses the upstream watches while the socket is backed up, and resumes once it drains', async () => {
    // A plain-HTTP "cluster" whose watch the test writes line by line.
    let watchResponse: ServerResponse | undefined;
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      watchResponse = res;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const directory: ClusterDirectory = {
      list: () => Promise.resolve([]),
      connect: () =>
        Promise.resolve({
          server: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
          tls: { rejectUnauthorized: true },
          headers: () => Promise.resolve({}),
        }),
    };
    const agents = new UpstreamAgents();
    const ws = new SlowSocket();
    new MuxSession(
      ws as unknown as WebSocket,
      { directory, agents, highWaterBytes: 1000, lowWaterBytes: 100 },
      undefined,
    );
    try {
      const line = (name: string) => `${JSON.stringify({ type: 'ADDED', object: { metadata: { name } } })}\n`;
      ws.emit(
        'message',
        Buffer.from(
          JSON.stringify({
            op: 'watch',
            id: 'w',
            cluster: 'x',
            path: '/api/v1/pods?watch=1',
            accept: 'application/json',
          }),
        ),
        false,
      );
      await vi.waitFor(() => expect(ws.frames).toEqual([{ id: 'w', opened: true }]));
      ws.bufferedAmount = 5000; // the renderer is not reading
      watchResponse!.write(line('a'));
      await vi.waitFor(() => expect(ws.frames).toHaveLength(2));
      // Past the high-water mark: the next chunk stays upstream.
      watchResponse!.write(line('b'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ws.frames).toHaveLength(2);
      ws.drain();
      await vi.waitFor(() => expect(ws.frames).toHaveLength(3));
      expect(ws.frames[2]!.events![0]!.object).toEqual({ metadata: { name: 'b' } });
      // Closing the socket aborts the upstream request.
      const closed = new Promise((resolve) => watchResponse!.once('close', resolve));
      ws.emit('close');
      await closed;
    } finally {
      agents.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
