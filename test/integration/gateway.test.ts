import { sessionCookieName } from '../../src-main/gateway/auth.js';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubeconfigDirectory } from '../../src-main/gateway/cluster-directory.js';
import { startGateway, type RunningGateway } from '../../src-main/gateway/gateway.js';
import type { KubedeskBridge } from '../../src-main/shared/bridge.js';
import { FakeNodeStreams } from '../kubectl/streaming-fake-node.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let node: FakeNodeStreams;
let gateway: RunningGateway;
const TOKEN = 'gateway-test-token';

/** A bridge whose calls the tests can see. */
const bridge: KubedeskBridge = {
  appVersion: () => Promise.resolve('0.0.0-test'),
  environment: () =>
    Promise.resolve({ mode: 'browser', gatewayUrl: gateway.url, platform: process.platform }),
  listClusters: () => directory.list(),
  embeddedState: () =>
    Promise.resolve({ phase: 'running', runtime: 'simulated', restarts: 0, dataDir: '/tmp/x' }),
  restartEmbedded: () => Promise.reject(new Error('cannot restart in tests')),
  getSettings: () => Promise.resolve({ theme: 'system', namespaces: {} }),
  updateSettings: (changes) => Promise.resolve({ theme: 'system', namespaces: {}, ...changes }),
  openFile: () => Promise.resolve(undefined),
  saveFile: (name, text) => Promise.resolve(`${name}:${text.length}`),
  startPortForward: () => Promise.reject(new Error('no port-forwarding in tests')),
  listPortForwards: () => Promise.resolve([]),
  stopPortForward: () => Promise.resolve(),
};
let directory: ReturnType<typeof kubeconfigDirectory>;

beforeAll(async () => {
  node = new FakeNodeStreams();
  await node.start();
  cluster = await startTestCluster({
    runtime: 'simulated',
    controlPlane: true,
    nodeStreams: (name) => (name === 'kubedesk' ? node : undefined),
  });
  directory = kubeconfigDirectory({
    kubeconfigPaths: [],
    embedded: () => ({ kubeconfigPath: cluster.kubeconfigPath }),
  });
  gateway = await startGateway({ directory, bridge, token: TOKEN });
  const pods = cluster.client.resource(resources.pods);
  await pods.create({
    metadata: { name: 'web', namespace: 'default' },
    spec: { nodeName: 'kubedesk', containers: [{ name: 'web', image: 'busybox', stdin: true }] },
  });
  await vi.waitFor(
    async () => {
      const p: CoreV1.Pod = await pods.get('web', 'default');
      expect(p.status?.phase).toBe('Running');
    },
    { timeout: 15_000, interval: 50 },
  );
}, 40_000);

afterAll(async () => {
  await gateway?.close();
  await cluster?.destroy();
  await node?.stop();
});

const bearer = { authorization: `Bearer ${TOKEN}` };

/** fetch through the gateway, signed in with the bearer token. */
function gw(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${gateway.url}${path}`, { ...init, headers: { ...bearer, ...(init.headers as object) } });
}

/** A raw request, for headers `fetch` will not send (Host) or will not show (redirects). */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ code: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway.url}${path}`, {
      method: options.method ?? 'GET',
      headers: options.headers,
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the token', () => {
  it('is required: 401 Status without it, with a wrong one, or with a wrong cookie', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { cookie: 'kubedesk_session=nope' },
    ];
    for (const headers of attempts) {
      const res = await raw('/clusters/embedded/api/v1/namespaces', { headers });
      expect(res.code).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
    expect((await raw('/?token=wrong')).code).toBe(401);
  });

  it('in the launch URL sets an HttpOnly SameSite=Strict cookie and redirects without it', async () => {
    expect(gateway.launchUrl).toBe(`${gateway.url}/?token=${TOKEN}`);
    const res = await raw(`/some/route?x=1&token=${TOKEN}`);
    expect(res.code).toBe(303);
    expect(res.headers.location).toBe('/some/route?x=1');
    expect(res.headers['set-cookie']).toEqual([
      `${sessionCookieName(Number(new URL(gateway.url).port))}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`,
    ]);
    const withCookie = await raw('/clusters/embedded/api/v1/namespaces/default', {
      headers: { cookie: `other=1; ${sessionCookieName(Number(new URL(gateway.url).port))}=${TOKEN}` },
    });
    expect(withCookie.code).toBe(200);
  });

  it('as a bearer header works, and health needs none', async () => {
    expect((await gw('/clusters/embedded/version')).status).toBe(200);
    const health = await raw('/app/healthz');
    expect(health).toMatchObject({ code: 200, body: 'ok' });
  });

  it('does not help a foreign Origin on a POST, nor a foreign Host at all', async () => {
    const post = await raw('/clusters/embedded/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { ...bearer, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'csrf' } }),
    });
    expect(post.code).toBe(403);
    expect(JSON.parse(post.body)).toMatchObject({ reason: 'Forbidden', code: 403 });
    const port = new URL(gateway.url).port;
    for (const host of [`evil.example:${port}`, '127.0.0.1:1', `127.0.0.1.nip.io:${port}`]) {
      const res = await raw('/clusters/embedded/version', { headers: { ...bearer, host } });
      expect(res.code).toBe(403);
    }
    // The gateway's own origins pass, under either loopback name.
    const ok = await raw('/clusters/embedded/version', { headers: { ...bearer, host: `localhost:${port}` } });
    expect(ok.code).toBe(200);
  });

  it('does not help a foreign Origin on a WebSocket upgrade', async () => {
    const ws = new WebSocket(
      `${gateway.url.replace('http', 'ws')}${execPath(['true'])}`,
      ['v5.channel.k8s.io'],
      {
        headers: { ...bearer, origin: 'http://evil.example' },
      },
    );
    const status = await new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('upgraded')));
      ws.on('error', reject);
    });
    expect(status).toBe(403);
  });
});

describe('forwarding to the embedded cluster', () => {
  it('lists namespaces and creates objects', async () => {
    const list = await gw('/clusters/embedded/api/v1/namespaces');
    expect(list.status).toBe(200);
    const names = ((await list.json()) as CoreV1.NamespaceList).items.map((n) => n.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system']));

    const created = await gw('/clusters/embedded/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gateway.url },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'made' },
        data: { a: '1' },
      }),
    });
    expect(created.status).toBe(201);
    const got = await gw('/clusters/embedded/api/v1/namespaces/default/configmaps/made');
    expect(((await got.json()) as CoreV1.ConfigMap).data).toEqual({ a: '1' });
  });

  it('keeps the query string and serves Table responses', async () => {
    const res = await gw(
      '/clusters/embedded/api/v1/namespaces?labelSelector=kubernetes.io%2Fmetadata.name%3Ddefault',
      {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      },
    );
    const table = (await res.json()) as { kind: string; rows: { object: { metadata: { name: string } } }[] };
    expect(table.kind).toBe('Table');
    expect(table.rows.map((r) => r.object.metadata.name)).toEqual(['default']);
  });

  it('streams a watch event by event', async () => {
    const list = await gw('/clusters/embedded/api/v1/namespaces/default/configmaps');
    const rv = ((await list.json()) as CoreV1.ConfigMapList).metadata?.resourceVersion;
    const abort = new AbortController();
    const watch = await gw(
      `/clusters/embedded/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`,
      { signal: abort.signal },
    );
    expect(watch.status).toBe(200);
    // Created after the watch opened, while the stream stays open: only streaming delivers it.
    await cluster.client
      .resource(resources.configMaps)
      .create({ metadata: { name: 'watched', namespace: 'default' }, data: {} });
    const reader = watch.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const started = Date.now();
    while (!text.split('\n').some((line) => line.includes('"ADDED"') && line.includes('"watched"'))) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += decoder.decode(value, { stream: true });
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    abort.abort();
    await reader.closed.catch(() => {});
  });

  it('passes the server’s 422 Status through unchanged', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } });
    const through = await gw('/clusters/embedded/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const direct = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = httpsRequest(`${cluster.url}/api/v1/namespaces/default/configmaps`, {
        method: 'POST',
        ca: cluster.caCert,
        headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(through.status).toBe(422);
    expect(direct.code).toBe(422);
    expect(await through.text()).toBe(direct.body);
  });

  it('never shows the cluster’s credentials to the browser', async () => {
    const responses = [
      await gw('/clusters/embedded/api/v1/namespaces'),
      await gw('/clusters/embedded/api/v1/namespaces/nope'),
      await gw('/app/bridge/listClusters', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[]',
      }),
    ];
    for (const res of responses) {
      const text = await res.text();
      expect(text).not.toContain(cluster.token);
      expect(res.headers.get('authorization')).toBeNull();
      expect(res.headers.get('set-cookie')).toBeNull();
      for (const [, value] of res.headers) expect(value).not.toContain(cluster.token);
    }
  });

  it('answers 404 Status for an unknown cluster', async () => {
    const res = await gw('/clusters/x/api/v1/namespaces');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'cluster "x" not found',
      reason: 'NotFound',
      code: 404,
    });
  });
});

/** The exec URL of pod `web` running `command`, with stdin and stdout. */
function execPath(command: string[]): string {
  const query = [
    ...command.map((c) => `command=${encodeURIComponent(c)}`),
    'stdin=true',
    'stdout=true',
    'stderr=true',
  ];
  return `/clusters/embedded/api/v1/namespaces/default/pods/web/exec?${query.join('&')}`;
}

describe('WebSocket upgrades', () => {
  it('carries an exec session both ways on the subprotocol the cluster chose', async () => {
    const ws = new WebSocket(
      `${gateway.url.replace('http', 'ws')}${execPath(['sh', '-c', 'cat; echo done >&2'])}`,
      ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
      {
        headers: {
          cookie: `${sessionCookieName(Number(new URL(gateway.url).port))}=${TOKEN}`,
          origin: gateway.url,
        },
      },
    );
    const frames: Buffer[] = [];
    ws.on('message', (data: Buffer) => frames.push(data));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello through the gateway\n')]));
    ws.send(Buffer.from([255, 0])); // v5: stdin is done
    await new Promise<void>((resolve) => ws.once('close', () => resolve()));
    const channel = (n: number) =>
      Buffer.concat(frames.filter((f) => f[0] === n).map((f) => f.subarray(1))).toString();
    expect(channel(1)).toBe('hello through the gateway\n');
    expect(channel(2)).toBe('done\n');
    expect(JSON.parse(channel(3))).toMatchObject({ status: 'Success' });
  });

  it('passes a refused upgrade’s status and body through', async () => {
    const ws = new WebSocket(
      `${gateway.url.replace('http', 'ws')}/clusters/embedded/api/v1/namespaces/default/pods/ghost/exec?command=true&stdout=true`,
      ['v5.channel.k8s.io'],
      { headers: bearer },
    );
    const refusal = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      ws.on('open', () => reject(new Error('upgraded')));
    });
    expect(refusal.code).toBe(404);
    expect(JSON.parse(refusal.body)).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });
});

describe('the bridge over HTTP', () => {
  const call = (method: string, body: string, type = 'application/json') =>
    gw(`/app/bridge/${method}`, { method: 'POST', headers: { 'content-type': type }, body });

  it('calls bridge methods with the JSON array as arguments', async () => {
    expect(await (await call('saveFile', '["a.yaml","hello"]')).json()).toEqual({ result: 'a.yaml:5' });
    const clusters = (await (await call('listClusters', '[]')).json()) as {
      result: { id: string; server: string }[];
    };
    expect(clusters.result).toEqual([
      expect.objectContaining({ id: 'embedded', source: 'embedded', server: cluster.url }),
    ]);
  });

  it('refuses what is not a bridge call', async () => {
    expect((await call('constructor', '[]')).status).toBe(404);
    expect((await call('__proto__', '[]')).status).toBe(404);
    expect((await call('appVersion', '{}')).status).toBe(400);
    expect((await call('appVersion', 'not json')).status).toBe(400);
    expect((await call('appVersion', '[]', 'text/plain')).status).toBe(415);
    const failed = await call('restartEmbedded', '[]');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: { message: 'cannot restart in tests' } });
    const big = await call('saveFile', JSON.stringify(['big', 'x'.repeat(9 * 1024 * 1024)]));
    expect(big.status).toBe(413);
  });
});
