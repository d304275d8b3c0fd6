import { describe, expect, it, vi } from 'vitest';
import { status } from '../../../embedded-cluster/api/errors.js';
import { Informer } from '../../../embedded-cluster/client/informer.js';
import type { ResourceClient, WatchOptions } from '../../../embedded-cluster/client/kube-client.js';
import { resources, type KubeObjectLike } from '../../../embedded-cluster/client/resources.js';
import type { WatchEvent } from '../../../embedded-cluster/client/watch-stream.js';

type Step =
  | { list: { names: string[]; resourceVersion: string } }
  | { watch: WatchEvent<KubeObjectLike>[]; then: 'end' | 'expired' | 'hang' };

const cm = (name: string, resourceVersion: string): KubeObjectLike => ({
  metadata: { name, namespace: 'default', resourceVersion },
});

/** A list-watch source that plays `steps` in order and records where each watch started. */
function scripted(steps: Step[]) {
  const watchedFrom: string[] = [];
  const next = () => {
    const step = steps.shift();
    if (!step) throw new Error('script exhausted');
    return step;
  };
  const source = {
    ref: resources.configMaps,
    async list() {
      const step = next();
      if (!('list' in step)) throw new Error('expected a list');
      return {
        items: step.list.names.map((n) => cm(n, step.list.resourceVersion)),
        metadata: { resourceVersion: step.list.resourceVersion },
      };
    },
    async *watch(options: WatchOptions) {
      watchedFrom.push(options.resourceVersion ?? '');
      const step = next();
      if (!('watch' in step)) throw new Error('expected a watch');
      yield* step.watch;
      if (step.then === 'expired') throw status(410, 'Expired', 'too old resource version');
      if (step.then === 'hang') {
        await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
      }
    },
  };
  return { source: source as unknown as ResourceClient<KubeObjectLike>, watchedFrom };
}

function record(informer: Informer<KubeObjectLike>): string[] {
  const seen: string[] = [];
  informer.addHandler({
    added: (o) => seen.push(`added ${o.metadata?.name}`),
    updated: (_old, o) => seen.push(`updated ${o.metadata?.name}`),
    deleted: (o) => seen.push(`deleted ${o.metadata?.name}`),
  });
  return seen;
}

describe('Informer', () => {
  it('resumes a watch the server ended from the last version it saw, bookmarks included', async () => {
    const { source, watchedFrom } = scripted([
      { list: { names: ['a'], resourceVersion: '5' } },
      {
        watch: [
          { type: 'ADDED', object: cm('b', '7') },
          { type: 'BOOKMARK', object: cm('', '9') },
        ],
        then: 'end',
      },
      { watch: [], then: 'hang' },
    ]);
    const informer = new Informer(source);
    const seen = record(informer);
    informer.start();
    await vi.waitFor(() => expect(watchedFrom).toEqual(['5', '9']));
    expect(seen).toEqual(['added a', 'added b']);
    informer.stop();
  });

  it('lists again after 410 Expired and reports the difference as adds, updates and deletes', async () => {
    const { source, watchedFrom } = scripted([
      { list: { names: ['a', 'b'], resourceVersion: '5' } },
      { watch: [], then: 'expired' },
      { list: { names: ['b', 'c'], resourceVersion: '20' } },
      { watch: [], then: 'hang' },
    ]);
    const informer = new Informer(source);
    const seen = record(informer);
    informer.start();
    await vi.waitFor(() => expect(watchedFrom).toEqual(['5', '20']));
    expect(seen).toEqual(['added a', 'added b', 'updated b', 'added c', 'deleted a']);
    expect(informer.store.keys().sort()).toEqual(['default/b', 'default/c']);
    informer.stop();
  });

  it('gives a handler added after the first list every cached object', async () => {
    const { source } = scripted([
      { list: { names: ['a'], resourceVersion: '5' } },
      { watch: [], then: 'hang' },
    ]);
    const informer = new Informer(source);
    informer.start();
    await informer.synced();
    expect(record(informer)).toEqual(['added a']);
    informer.stop();
  });

  it('replays the cache as updates on resync', async () => {
    const { ManualClock } = await import('../../../embedded-cluster/util/clock.js');
    const clock = new ManualClock();
    const { source } = scripted([
      { list: { names: ['a'], resourceVersion: '5' } },
      { watch: [], then: 'hang' },
    ]);
    const informer = new Informer(source, { clock, resyncMs: 1000 });
    const seen = record(informer);
    informer.start();
    await informer.synced();
    clock.advance(1000);
    expect(seen).toEqual(['added a', 'updated a']);
    informer.stop();
  });
});
