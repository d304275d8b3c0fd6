import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Informer,
  KubeApi,
  muxUrl,
  openWatch,
  StatusError,
  WatchMuxClient,
  type KubeObject,
  type WatchEvent,
  type WebSocketLike,
} from '../../../../src-renderer/kube/index.js';
import { FakeKube, until } from './fake-kube.js';

const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const pods = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };

interface SentFrame {
  op: 'watch' | 'cancel';
  id: string;
  cluster?: string;
  path?: string;
  accept?: string;
}

/** A WebSocket the test scripts: it opens, delivers frames and drops when told. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: SentFrame[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as SentFrame);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  frame(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  drop(code = 1006): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code, reason: '' });
  }

  watches(): SentFrame[] {
    return this.sent.filter((f) => f.op === 'watch');
  }
}

function setup(options: { backoff?: { initialMs?: number; jitter?: number } } = {}) {
  const sockets: FakeSocket[] = [];
  const client = new WatchMuxClient({
    url: muxUrl('http://127.0.0.1:4000'),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    backoff: { jitter: 0, ...options.backoff },
  });
  const kube = new FakeKube();
  const api = new KubeApi({
    baseUrl: 'https://kube.test',
    fetch: kube.fetch,
    watchTransport: client.transport('embedded'),
  });
  return {
    client,
    kube,
    api,
    sockets,
    get socket(): FakeSocket {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket');
      return socket;
    },
  };
}

const event = (type: string, name: string, resourceVersion: string): WatchEvent =>
  ({
    type,
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, resourceVersion, uid: `uid-${name}` } },
  }) as WatchEvent;

/** Read `stream` into `into` in the background; resolves to how it ended. */
function drain(stream: AsyncIterable<WatchEvent>, into: WatchEvent[]): Promise<unknown> {
  return (async () => {
    try {
      for await (const e of stream) into.push(e);
      return 'done';
    } catch (error) {
      return error;
    }
  })();
}

let informer: Informer | undefined;
afterEach(() => {
  informer?.stop();
  informer = undefined;
  vi.useRealTimers();
});

describe('WatchMuxClient', () => {
  it('opens one socket lazily and sends each watch as a frame with its path and Accept', async () => {
    const t = setup();
    expect(t.sockets).toHaveLength(0);
    const first = openWatch(t.api, configmaps, { resourceVersion: '4', namespace: 'default', table: true });
    const second = openWatch(t.api, pods, { resourceVersion: '9' });
    expect(t.sockets).toHaveLength(1);
    expect(t.socket.url).toBe('ws://127.0.0.1:4000/app/watch');
    t.socket.open();
    await until(() => t.socket.sent.length === 2, 'two watch frames');
    const [a, b] = t.socket.watches();
    expect(a).toMatchObject({
      op: 'watch',
      cluster: 'embedded',
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    expect(a!.path).toBe(
      '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=4&allowWatchBookmarks=true&includeObject=Metadata',
    );
    expect(b).toMatchObject({ cluster: 'embedded', accept: 'application/json' });
    expect(a!.id).not.toBe(b!.id);
    t.socket.frame({ id: a!.id, opened: true });
    t.socket.frame({ id: b!.id, opened: true });
    await Promise.all([first, second]);
    expect(t.sockets).toHaveLength(1);
  });

  it('yields each watch’s events in the order the frames came, interleaved or not', async () => {
    const t = setup();
    const opening = [
      openWatch(t.api, configmaps, { resourceVersion: '1' }),
      openWatch(t.api, pods, { resourceVersion: '1' }),
    ];
    t.socket.open();
    await until(() => t.socket.sent.length === 2, 'watch frames');
    const [a, b] = t.socket.watches().map((f) => f.id);
    t.socket.frame({ id: a, opened: true });
    t.socket.frame({ id: b, opened: true });
    const [streamA, streamB] = await Promise.all(opening);
    t.socket.frame({ id: a, events: [event('ADDED', 'x', '2'), event('MODIFIED', 'x', '3')] });
    t.socket.frame({ id: b, events: [event('ADDED', 'p', '4')] });
    t.socket.frame({ id: a, events: [event('BOOKMARK', '', '5')] });
    t.socket.frame({ id: a, events: [event('DELETED', 'x', '6')] });
    t.socket.frame({ id: a, end: true });
    t.socket.frame({ id: b, end: true });
    const seenA: WatchEvent[] = [];
    const seenB: WatchEvent[] = [];
    expect(await Promise.all([drain(streamA!, seenA), drain(streamB!, seenB)])).toEqual(['done', 'done']);
    expect(seenA.map((e) => `${e.type}@${(e.object as KubeObject).metadata.resourceVersion}`)).toEqual([
      'ADDED@2',
      'MODIFIED@3',
      'BOOKMARK@5',
      'DELETED@6',
    ]);
    expect(seenB.map((e) => e.type)).toEqual(['ADDED']);
    expect(t.client.size).toBe(0);
  });

  it('rejects a refused watch with the same StatusError fetch would give (410 Expired)', async () => {
    const t = setup();
    const opening = openWatch(t.api, configmaps, { resourceVersion: '4' });
    t.socket.open();
    await until(() => t.socket.sent.length === 1, 'watch frame');
    const expired = {
      kind: 'Status',
      status: 'Failure',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 4 (90)',
    };
    t.socket.frame({ id: t.socket.sent[0]!.id, error: expired });
    const error = await opening.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).code).toBe(410);
    expect((error as StatusError).isExpired).toBe(true);
    expect((error as StatusError).message).toBe('too old resource version: 4 (90)');
  });

  it('throws an error frame after opening (an ERROR event) from the loop, after the events before it', async () => {
    const t = setup();
    const opening = openWatch(t.api, configmaps, { resourceVersion: '4' });
    t.socket.open();
    await until(() => t.socket.sent.length === 1, 'watch frame');
    const id = t.socket.sent[0]!.id;
    t.socket.frame({ id, opened: true });
    const stream = await opening;
    t.socket.frame({ id, events: [event('ADDED', 'a', '5')] });
    t.socket.frame({ id, error: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } });
    const seen: WatchEvent[] = [];
    const ended = await drain(stream, seen);
    expect(seen).toHaveLength(1);
    expect(ended).toBeInstanceOf(StatusError);
    expect((ended as StatusError).code).toBe(410);
  });

  it('fails every watch with a network StatusError when the socket drops, and reopens for the next', async () => {
    const t = setup();
    const opening = [
      openWatch(t.api, configmaps, { resourceVersion: '1' }),
      openWatch(t.api, pods, { resourceVersion: '1' }),
    ];
    const pending = openWatch(t.api, pods, { resourceVersion: '7' });
    t.socket.open();
    await until(() => t.socket.sent.length === 3, 'watch frames');
    const [a, b] = t.socket.watches().map((f) => f.id);
    t.socket.frame({ id: a, opened: true });
    t.socket.frame({ id: b, opened: true });
    const streams = await Promise.all(opening);
    const seen: WatchEvent[] = [];
    const endings = streams.map((s) => drain(s, seen));
    t.socket.drop();
    for (const ending of await Promise.all([...endings, pending.catch((e: unknown) => e)])) {
      expect(ending).toBeInstanceOf(StatusError);
      expect((ending as StatusError).code).toBe(0);
      expect((ending as StatusError).reason).toBe('NetworkError');
      expect((ending as StatusError).message).toMatch(
        /^watch (configmaps|pods): .*watch socket closed with code 1006/,
      );
    }
    expect(t.client.size).toBe(0);

    const again = openWatch(t.api, configmaps, { resourceVersion: '3' });
    expect(t.sockets).toHaveLength(2);
    t.socket.open();
    await until(() => t.socket.sent.length === 1, 'watch on the new socket');
    t.socket.frame({ id: t.socket.sent[0]!.id, opened: true });
    await again;
  });

  it('waits out a backoff before dialling again after a socket that never opened', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = setup({ backoff: { initialMs: 1000 } });
    const first = openWatch(t.api, configmaps, { resourceVersion: '1' });
    t.socket.drop(1006);
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).message).toMatch(/watch configmaps: .*closed with code 1006/);

    const second = openWatch(t.api, configmaps, { resourceVersion: '1' });
    await vi.advanceTimersByTimeAsync(999);
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sockets).toHaveLength(2);
    t.socket.open();
    await until(() => t.socket.sent.length === 1, 'watch frame');
    t.socket.frame({ id: t.socket.sent[0]!.id, opened: true });
    await second;
  });

  it('sends cancel when the signal aborts, before or after opening, and when the loop stops early', async () => {
    const t = setup();
    const before = new AbortController();
    const refusing = openWatch(t.api, configmaps, { resourceVersion: '1', signal: before.signal });
    t.socket.open();
    await until(() => t.socket.sent.length === 1, 'first watch frame');
    before.abort();
    const error = await refusing.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(t.socket.sent[1]).toEqual({ op: 'cancel', id: t.socket.sent[0]!.id });

    const after = new AbortController();
    const opening = openWatch(t.api, configmaps, { resourceVersion: '1', signal: after.signal });
    await until(() => t.socket.sent.length === 3, 'second watch frame');
    const id = t.socket.sent[2]!.id;
    t.socket.frame({ id, opened: true });
    const stream = await opening;
    t.socket.frame({ id, events: [event('ADDED', 'a', '2')] });
    const seen: WatchEvent[] = [];
    const ending = drain(stream, seen);
    await until(() => seen.length === 1, 'first event');
    after.abort();
    expect(await ending).toBe('done');
    expect(t.socket.sent[3]).toEqual({ op: 'cancel', id });
    // Frames still in flight for it are ignored.
    t.socket.frame({ id, events: [event('ADDED', 'b', '3')] });
    expect(seen).toHaveLength(1);

    const third = openWatch(t.api, configmaps, { resourceVersion: '1' });
    await until(() => t.socket.sent.length === 5, 'third watch frame');
    const thirdId = t.socket.sent[4]!.id;
    t.socket.frame({ id: thirdId, opened: true });
    t.socket.frame({ id: thirdId, events: [event('ADDED', 'a', '2'), event('ADDED', 'b', '3')] });
    for await (const e of await third) {
      expect(e.type).toBe('ADDED');
      break;
    }
    expect(t.socket.sent[5]).toEqual({ op: 'cancel', id: thirdId });
    expect(t.client.size).toBe(0);
  });
});

describe('Informer over the multiplexed socket', () => {
  function startInformer(t: ReturnType<typeof setup>) {
    informer = new Informer({
      api: t.api,
      type: configmaps,
      namespace: 'default',
      scheduleFlush: (flush) => {
        flush();
        return () => {};
      },
      backoff: { jitter: 0, initialMs: 1 },
      watchTimeoutSeconds: () => 300,
    });
    informer.start();
    return informer;
  }

  it('relists on a 410 error frame', async () => {
    const t = setup();
    t.kube.put('a');
    const inf = startInformer(t);
    await until(() => t.sockets.length === 1, 'socket');
    t.socket.open();
    await until(() => t.socket.watches().length === 1, 'watch');
    const first = t.socket.watches()[0]!;
    expect(new URL(first.path!, 'http://x').searchParams.get('resourceVersion')).toBe('11');
    t.socket.frame({ id: first.id, opened: true });
    await until(() => inf.state.phase === 'watching', 'watching');
    t.kube.put('b');
    t.socket.frame({
      id: first.id,
      error: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' },
    });
    await until(() => t.socket.watches().length === 2, 'watch after relist');
    const lists = t.kube.requests.filter((u) => !u.searchParams.has('watch'));
    expect(lists).toHaveLength(2);
    expect(new URL(t.socket.watches()[1]!.path!, 'http://x').searchParams.get('resourceVersion')).toBe('12');
    expect([...inf.items.values()].map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
  });

  it('after a drop, watches again from the last resourceVersion it saw, without relisting', async () => {
    const t = setup();
    t.kube.put('a');
    const inf = startInformer(t);
    await until(() => t.sockets.length === 1, 'socket');
    t.socket.open();
    await until(() => t.socket.watches().length === 1, 'watch');
    const id = t.socket.watches()[0]!.id;
    t.socket.frame({ id, opened: true });
    t.socket.frame({ id, events: [event('ADDED', 'b', '20'), event('BOOKMARK', '', '25')] });
    await until(() => inf.resourceVersion === '25', 'bookmark');
    t.socket.drop();
    await until(() => t.sockets.length === 2, 'reconnecting socket');
    expect(inf.state.error?.reason).toBe('NetworkError');
    t.socket.open();
    await until(() => t.socket.watches().length === 1, 'watch on the new socket');
    expect(new URL(t.socket.watches()[0]!.path!, 'http://x').searchParams.get('resourceVersion')).toBe('25');
    expect(t.kube.requests.filter((u) => !u.searchParams.has('watch'))).toHaveLength(1);
    expect(t.kube.requests.filter((u) => u.searchParams.has('watch'))).toHaveLength(0);
  });
});
