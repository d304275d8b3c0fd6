import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Informer,
  KubeApi,
  type FlushScheduler,
  type InformerChange,
  type InformerPhase,
  type KubeObject,
} from '../../../../src-renderer/kube/index.js';
import { FakeKube, status, until } from './fake-kube.js';

const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };

/** A flush scheduler the test runs by hand, so "one callback per window" is exact. */
function manualFlush() {
  const queue = new Set<() => void>();
  const scheduler: FlushScheduler = (flush) => {
    queue.add(flush);
    return () => queue.delete(flush);
  };
  return {
    scheduler,
    get pending() {
      return queue.size;
    },
    run() {
      const flushes = [...queue];
      queue.clear();
      for (const flush of flushes) flush();
    },
  };
}

function names(informer: Informer): string[] {
  return [...informer.items.values()].map((o) => o.metadata.name ?? '').sort();
}

function keysOf(kube: FakeKube, ...objectNames: string[]): string[] {
  return objectNames.map((n) => kube.objects.get(n)?.metadata.uid ?? `missing ${n}`);
}

let informer: Informer | undefined;
afterEach(() => {
  informer?.stop();
  informer = undefined;
  vi.useRealTimers();
});

function start(kube: FakeKube, options: Partial<ConstructorParameters<typeof Informer>[0]> = {}) {
  const flush = manualFlush();
  const phases: InformerPhase[] = [];
  const changes: InformerChange[] = [];
  informer = new Informer({
    api: kube.api(),
    type: configmaps,
    namespace: 'default',
    scheduleFlush: flush.scheduler,
    backoff: { jitter: 0 },
    watchTimeoutSeconds: () => 300,
    ...options,
  });
  informer.onStateChange((s) => {
    if (phases.at(-1) !== s.phase) phases.push(s.phase);
  });
  informer.onChange((c) => changes.push(c));
  informer.start();
  return { informer, flush, phases, changes };
}

describe('Informer (scripted API server)', () => {
  it('lists, then watches from the list resourceVersion with bookmarks, applying events in order', async () => {
    const kube = new FakeKube();
    kube.put('a');
    kube.put('b');
    const { informer, flush, changes } = start(kube);
    await until(() => kube.watches.length === 1, 'watch opened');
    expect(informer.state.phase).toBe('watching');
    expect(kube.watch.resourceVersion).toBe('12');
    expect(kube.watch.url.searchParams.get('allowWatchBookmarks')).toBe('true');
    expect(kube.watch.url.pathname).toBe('/api/v1/namespaces/default/configmaps');
    expect(names(informer)).toEqual(['a', 'b']);

    // One object modified, deleted and recreated under the same name: order decides the end state.
    const aUid = kube.objects.get('a')!.metadata.uid!;
    kube.watch.modified(kube.put('a', { labels: { v: '2' } }));
    kube.watch.deleted(kube.remove('a'));
    const again = kube.put('a');
    kube.watch.added(again);
    await until(() => informer.resourceVersion === again.metadata.resourceVersion, 'events applied');
    expect(informer.items.has(aUid)).toBe(false);
    expect(informer.items.get(again.metadata.uid!)?.metadata.resourceVersion).toBe('15');

    flush.run();
    const last = changes.at(-1)!;
    // The first list and the three events coalesce: a's first uid was added then deleted (net nothing).
    expect([...last.added].sort()).toEqual(keysOf(kube, 'a', 'b').sort());
    expect(last.deleted.size).toBe(0);

    kube.watch.bookmark('40');
    await until(() => informer.resourceVersion === '40', 'bookmark applied');
  });

  it('delivers 100 events that arrive in one tick as one callback', async () => {
    const kube = new FakeKube();
    const { informer, flush, changes } = start(kube);
    await until(() => kube.watches.length === 1, 'watch opened');
    flush.run();
    const before = changes.length;
    const events = Array.from({ length: 100 }, (_, i) => ({ type: 'ADDED', object: kube.put(`cm-${i}`) }));
    kube.watch.send(...events);
    await until(() => informer.items.size === 100, '100 applied');
    expect(flush.pending).toBe(1);
    flush.run();
    expect(changes.length - before).toBe(1);
    expect(changes.at(-1)!.added.size).toBe(100);
  });

  it('relists on a 410 ERROR event and reports what changed while it was away', async () => {
    const kube = new FakeKube();
    kube.put('stays');
    kube.put('goes');
    kube.put('changes');
    const { informer, flush, changes, phases } = start(kube);
    await until(() => kube.watches.length === 1, 'first watch');
    flush.run();

    // Meanwhile, without events reaching the informer: one deleted, one added, one modified.
    const goneKey = kube.objects.get('goes')!.metadata.uid!;
    kube.remove('goes');
    kube.put('arrives');
    kube.put('changes', { labels: { touched: 'yes' } });
    kube.watch.expired();

    await until(() => kube.watches.length === 2, 'second watch');
    expect(kube.watch.resourceVersion).toBe(String(kube.revision));
    expect(phases).toEqual(['listing', 'watching', 'listing', 'watching']);
    expect(names(informer)).toEqual(['arrives', 'changes', 'stays']);
    expect(informer.state.synced).toBe(true);

    flush.run();
    const diff = changes.at(-1)!;
    expect([...diff.deleted]).toEqual([goneKey]);
    expect([...diff.added]).toEqual(keysOf(kube, 'arrives'));
    expect([...diff.updated]).toEqual(keysOf(kube, 'changes'));
  });

  it('relists when the watch request itself is answered 410 Gone', async () => {
    const kube = new FakeKube();
    kube.put('a');
    kube.watchRefusals.push(status(410, 'Expired', 'too old resource version: 12 (40)'));
    const { informer } = start(kube);
    await until(() => kube.watches.length === 1, 'watch after relist');
    const lists = kube.requests.filter((u) => !u.searchParams.has('watch'));
    expect(lists).toHaveLength(2);
    expect(informer.state.phase).toBe('watching');
  });

  it('reconnects a dropped watch from the last resourceVersion, with doubling backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const kube = new FakeKube();
    kube.put('a');
    const { informer, phases } = start(kube);
    await until(() => kube.watches.length === 1, 'first watch');
    kube.watch.added(kube.put('b'));
    kube.watch.bookmark('30');
    await until(() => informer.resourceVersion === '30', 'bookmark');

    // Two refusals from the gateway after the drop, then the API server is back.
    kube.watchRefusals.push(status(503, 'ServiceUnavailable', 'cluster unreachable'));
    kube.watchRefusals.push(status(503, 'ServiceUnavailable', 'cluster unreachable'));
    const dropped = Date.now();
    kube.watch.break();
    await until(() => informer.state.phase === 'disconnected', 'disconnected');
    expect(informer.state.error?.message).toMatch(/watch configmaps/);
    expect(informer.state.retryAt).toBe(dropped + 500);
    expect(informer.state.synced).toBe(true); // the map stays, stale, for the banner to sit on

    const watchRequests = () => kube.requests.filter((u) => u.searchParams.has('watch'));
    await vi.advanceTimersByTimeAsync(499);
    expect(watchRequests()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(
      () => watchRequests().length === 2 && informer.state.phase === 'disconnected',
      'second try refused',
    );
    expect(informer.state.error?.code).toBe(503);
    expect(informer.state.error?.message).toBe('cluster unreachable');
    expect(informer.state.retryAt).toBe(Date.now() + 1000);

    await vi.advanceTimersByTimeAsync(1000);
    await until(
      () => watchRequests().length === 3 && informer.state.phase === 'disconnected',
      'third try refused',
    );
    expect(informer.state.retryAt).toBe(Date.now() + 2000);
    expect(informer.state.attempts).toBe(3);

    await vi.advanceTimersByTimeAsync(2000);
    await until(() => informer.state.phase === 'watching', 'back');
    // Resumed where it left off: no relist, the watch starts after the bookmark.
    expect(kube.watch.resourceVersion).toBe('30');
    expect(kube.requests.filter((u) => !u.searchParams.has('watch'))).toHaveLength(1);
    expect(informer.state).toMatchObject({ attempts: 0, error: undefined, retryAt: undefined });
    expect(phases).toEqual([
      'listing',
      'watching',
      'disconnected',
      'reconnecting',
      'disconnected',
      'reconnecting',
      'disconnected',
      'reconnecting',
      'watching',
    ]);

    // Backoff starts over after a success.
    kube.watch.break();
    await until(() => informer.state.phase === 'disconnected', 'dropped again');
    expect(informer.state.retryAt).toBe(Date.now() + 500);
  });

  it('watches again at once when the server ends a watch at its timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const kube = new FakeKube();
    const { informer } = start(kube);
    await until(() => kube.watches.length === 1, 'first watch');
    kube.watch.added(kube.put('a'));
    await until(() => informer.items.size === 1, 'event');
    kube.watch.end();
    await until(() => kube.watches.length === 2, 'second watch');
    expect(kube.watch.resourceVersion).toBe('11');
    expect(informer.state.phase).toBe('watching');
  });

  it('lists in pages of pageSize, showing the first page before the last arrives', async () => {
    const kube = new FakeKube();
    for (let i = 0; i < 25; i++) kube.put(`cm-${String(i).padStart(2, '0')}`);
    const { informer } = start(kube, { pageSize: 10 });
    await until(() => kube.watches.length === 1, 'watch');
    const lists = kube.requests.filter((u) => !u.searchParams.has('watch'));
    expect(lists.map((u) => [u.searchParams.get('limit'), u.searchParams.get('continue')])).toEqual([
      ['10', null],
      ['10', '10'],
      ['10', '20'],
    ]);
    expect(informer.items.size).toBe(25);
  });

  it('starts the list over when its continue token expires', async () => {
    const kube = new FakeKube();
    for (let i = 0; i < 5; i++) kube.put(`cm-${i}`);
    let expired = false;
    const fetchWithExpiry = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      if (!expired && url.searchParams.has('continue')) {
        expired = true;
        return status(410, 'Expired', 'The provided continue parameter is too old');
      }
      return kube.fetch(input, init);
    }) as typeof fetch;
    const { informer } = start(kube, {
      api: new KubeApi({ baseUrl: 'https://kube.test', fetch: fetchWithExpiry }),
      pageSize: 2,
    });
    await until(() => kube.watches.length === 1, 'watch after the restarted list');
    const pages = kube.requests.filter((u) => !u.searchParams.has('watch'));
    // The refused second page never reached the collection; the list then started over.
    expect(pages.map((u) => u.searchParams.get('continue'))).toEqual([null, null, '2', '4']);
    expect(informer.items.size).toBe(5);
    expect(informer.state.phase).toBe('watching');
  });

  it('keeps retrying a failing first list, reporting the server message', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const kube = new FakeKube();
    kube.listRefusals.push(status(403, 'Forbidden', 'configmaps is forbidden: User "x" cannot list'));
    const { informer } = start(kube);
    await until(() => informer.state.phase === 'disconnected', 'refused');
    expect(informer.state.error?.reason).toBe('Forbidden');
    expect(informer.state.synced).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    await until(() => informer.state.phase === 'watching', 'listed on retry');
    expect(informer.state.synced).toBe(true);
  });

  it('stops: the watch is cancelled and no callback follows', async () => {
    const kube = new FakeKube();
    const { informer, flush, changes } = start(kube);
    await until(() => kube.watches.length === 1, 'watch');
    const watch = kube.watch;
    watch.added(kube.put('late') as KubeObject);
    await until(() => informer.items.size === 1, 'event');
    informer.stop();
    expect(informer.state.phase).toBe('stopped');
    expect(flush.pending).toBe(0);
    await until(() => watch.closed, 'stream closed');
    expect(changes).toHaveLength(0);
  });
});
