import { afterEach, describe, expect, it, vi } from 'vitest';
import { StatusError, type KubeApi } from '../../../../src-renderer/kube/index.js';
import type { WebSocketLike } from '../../../../src-renderer/streams/exec-session.js';
import { LogFollower } from '../../../../src-renderer/streams/log-follower.js';
import type { LogLine } from '../../../../src-renderer/streams/log-line.js';
import { streamPodLog } from '../../../../src-renderer/streams/log-request.js';
import {
  LOG_SOCKET_PROTOCOLS,
  pageLogSocket,
  type LogSocketTransport,
} from '../../../../src-renderer/streams/log-socket.js';
import { fakeLogApi, pod, stamped } from './fake-log-api.js';

/** A WebSocket the test scripts: open, messages (binary or text), close. */
class FakeSocket implements WebSocketLike {
  binaryType = 'blob';
  protocol = '';
  readyState = 0;
  closedWith: number | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  open(protocol = 'binary.k8s.io'): void {
    this.protocol = protocol;
    this.readyState = 1;
    this.onopen?.({});
  }
  binary(bytes: Uint8Array | string): void {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    this.onmessage?.({ data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) });
  }
  text(data: string): void {
    this.onmessage?.({ data });
  }
  /** The server (or the network) closes it. */
  end(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  send(): void {}
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
}

function fakeTransport() {
  const sockets: FakeSocket[] = [];
  const transport: LogSocketTransport = {
    root: 'ws://127.0.0.1:4000/clusters/embedded',
    createSocket: (url, protocols) => {
      const socket = new FakeSocket(url, protocols);
      sockets.push(socket);
      return socket;
    },
  };
  return { transport, sockets };
}

/** Read `pod`'s log over the fake transport; the lines so far and the outcome. */
function read(options: Parameters<typeof streamPodLog>[3], refuse: Record<string, string> = {}) {
  const { api, requests } = fakeLogApi(refuse);
  const { transport, sockets } = fakeTransport();
  const lines: LogLine[] = [];
  const abort = new AbortController();
  const done = streamPodLog(api, 'default', 'web', options, (l) => lines.push(...l), abort.signal, transport);
  const outcome = done.then(
    () => 'ended' as const,
    (error: unknown) => error,
  );
  return { lines, outcome, socket: sockets[0]!, requests, abort };
}

describe('streamPodLog over a WebSocket', () => {
  it('opens the log URL under the root with binary.k8s.io first, and reads binary messages', async () => {
    const r = read({ container: 'app', follow: true, tailLines: 10 });
    expect(r.socket.url).toBe(
      'ws://127.0.0.1:4000/clusters/embedded/api/v1/namespaces/default/pods/web/log?container=app&follow=true&tailLines=10',
    );
    expect(r.socket.protocols).toEqual(['binary.k8s.io', 'base64.binary.k8s.io']);
    expect(r.socket.protocols).toEqual([...LOG_SOCKET_PROTOCOLS]);
    expect(r.socket.binaryType).toBe('arraybuffer');
    r.socket.open();
    r.socket.binary(new Uint8Array(0)); // wsstream's first, empty, message
    // "héllo\n" split inside the two bytes of "é", then a line without its end until the close.
    const bytes = new TextEncoder().encode('héllo\nwor');
    r.socket.binary(bytes.subarray(0, 2));
    expect(r.lines).toEqual([]);
    r.socket.binary(bytes.subarray(2));
    expect(r.lines.map((l) => l.text)).toEqual(['héllo']);
    r.socket.binary('ld');
    r.socket.end(1000);
    expect(await r.outcome).toBe('ended');
    expect(r.lines.map((l) => l.text)).toEqual(['héllo', 'world']);
    expect(r.requests).toHaveLength(0);
  });

  it('reads base64.binary.k8s.io text messages, parsing timestamps when asked', async () => {
    const r = read({ timestamps: true });
    r.socket.open('base64.binary.k8s.io');
    r.socket.text('');
    r.socket.text(btoa(stamped(1, 'a') + stamped(2, 'b')));
    r.socket.end(1000);
    expect(await r.outcome).toBe('ended');
    expect(r.lines.map((l) => l.text)).toEqual(['a', 'b']);
    expect(r.lines[0]!.micros).toBeLessThan(r.lines[1]!.micros!);
  });

  it('a stream cut after it opened rejects with a StatusError saying so', async () => {
    const r = read({ follow: true });
    r.socket.open();
    r.socket.binary('x\n');
    r.socket.end(1006);
    const error = await r.outcome;
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).message).toBe(
      'GET /api/v1/namespaces/default/pods/web/log: the log stream was cut (1006)',
    );
    expect(r.lines.map((l) => l.text)).toEqual(['x']);
  });

  it('an upgrade refused: the same request over fetch, unfollowed, for the server’s Status', async () => {
    const r = read(
      { follow: true, container: 'app' },
      { web: 'container "app" in pod "web" is waiting to start: ContainerCreating' },
    );
    r.socket.end(1006);
    const error = await r.outcome;
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).code).toBe(400);
    expect((error as StatusError).message).toBe(
      'container "app" in pod "web" is waiting to start: ContainerCreating',
    );
  });

  it('an upgrade refused while the log is readable: the gateway is blamed', async () => {
    const r = read({ follow: true, tailLines: 5 });
    r.socket.end(1006);
    await vi.waitFor(() => expect(r.requests).toHaveLength(1));
    expect(r.requests[0]!.query).toEqual({ tailLines: '5', limitBytes: '1' });
    r.requests[0]!.end();
    const error = await r.outcome;
    expect((error as StatusError).message).toBe(
      'GET /api/v1/namespaces/default/pods/web/log: the log WebSocket could not be opened through the gateway',
    );
  });

  it('abort closes the socket and rejects with the AbortError', async () => {
    const r = read({ follow: true });
    r.socket.open();
    r.abort.abort();
    expect(r.socket.closedWith).toBe(1000);
    expect((await r.outcome) as Error).toMatchObject({ name: 'AbortError' });
  });
});

describe('LogFollower over WebSockets', () => {
  it('streams each pod over its own socket, and resumes a cut one from its last line', async () => {
    const { api, requests } = fakeLogApi();
    const { transport, sockets } = fakeTransport();
    const lines: LogLine[] = [];
    const follower = new LogFollower({
      api,
      namespace: 'default',
      settings: {},
      onLines: (batch) => lines.push(...batch),
      retryDelayMs: 10,
      socket: transport,
    });
    follower.update([pod('web-1', ['app']), pod('web-2', ['app'])]);
    expect(sockets.map((s) => new URL(s.url).pathname)).toEqual([
      '/clusters/embedded/api/v1/namespaces/default/pods/web-1/log',
      '/clusters/embedded/api/v1/namespaces/default/pods/web-2/log',
    ]);
    expect(new URL(sockets[0]!.url).searchParams.get('timestamps')).toBe('true');
    for (const s of sockets) s.open();
    sockets[0]!.binary(stamped(1, 'one'));
    sockets[1]!.binary(stamped(2, 'two'));
    expect(lines.map((l) => [l.source, l.text])).toEqual([
      [0, 'one'],
      [1, 'two'],
    ]);
    sockets[0]!.end(1006);
    await vi.waitFor(() => expect(sockets).toHaveLength(3));
    expect(new URL(sockets[2]!.url).searchParams.get('sinceTime')).toMatch(/^\d{4}-/);
    sockets[2]!.open();
    sockets[2]!.binary(stamped(1, 'one') + stamped(3, 'three'));
    expect(lines.filter((l) => !l.marker).map((l) => l.text)).toEqual(['one', 'two', 'three']);
    follower.stop();
    expect(sockets[1]!.closedWith).toBe(1000);
    expect(sockets[2]!.closedWith).toBe(1000);
    expect(requests).toHaveLength(0);
  });

  it('uses fetch when told to (socket: null), and when the page is not the gateway’s', () => {
    const { api, requests } = fakeLogApi();
    new LogFollower({ api, namespace: 'default', settings: {}, onLines: () => {}, socket: null }).update([
      pod('web-1', ['app']),
    ]);
    new LogFollower({ api, namespace: 'default', settings: {}, onLines: () => {} }).update([
      pod('web-2', ['app']),
    ]);
    return vi.waitFor(() => expect(requests.map((r) => r.pod)).toEqual(['web-1', 'web-2']));
  });
});

describe('pageLogSocket', () => {
  afterEach(() => vi.unstubAllGlobals());

  class PageSocket {
    constructor(
      readonly url: string,
      readonly protocols: string[],
    ) {}
  }

  it('on a page the gateway serves: a ws:// root on the same origin, opened with the page’s WebSocket', () => {
    vi.stubGlobal('WebSocket', PageSocket);
    vi.stubGlobal('location', { href: 'http://127.0.0.1:4000/#/c/embedded/logs?ns=default' });
    const relative = pageLogSocket({ baseUrl: '/clusters/embedded' } as KubeApi);
    expect(relative?.root).toBe('ws://127.0.0.1:4000/clusters/embedded');
    const absolute = pageLogSocket({ baseUrl: 'http://127.0.0.1:4000/clusters/context:x' } as KubeApi);
    expect(absolute?.root).toBe('ws://127.0.0.1:4000/clusters/context:x');
    const socket = absolute!.createSocket('ws://127.0.0.1:4000/x', [
      'binary.k8s.io',
    ]) as unknown as PageSocket;
    expect(socket).toBeInstanceOf(PageSocket);
    expect(socket.protocols).toEqual(['binary.k8s.io']);
  });

  it('none on another origin, without a page, or without WebSocket', () => {
    const { api } = fakeLogApi(); // http://127.0.0.1:1/clusters/embedded
    vi.stubGlobal('WebSocket', PageSocket);
    vi.stubGlobal('location', { href: 'http://127.0.0.1:4000/' });
    expect(pageLogSocket(api)).toBeUndefined();
    vi.stubGlobal('location', { href: 'file:///app/index.html' });
    expect(pageLogSocket({ baseUrl: '/clusters/embedded' } as KubeApi)).toBeUndefined();
    vi.stubGlobal('location', undefined);
    expect(pageLogSocket(api)).toBeUndefined();
    vi.stubGlobal('location', { href: 'http://127.0.0.1:1/' });
    vi.stubGlobal('WebSocket', undefined);
    expect(pageLogSocket(api)).toBeUndefined();
  });
});
