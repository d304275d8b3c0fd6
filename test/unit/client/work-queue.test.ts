import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../../embedded-cluster/client/work-queue.js';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';

/** Take every key now available, without waiting. */
async function drain(queue: WorkQueue<string>): Promise<string[]> {
  const keys: string[] = [];
  while (queue.length > 0) keys.push((await queue.get())!);
  return keys;
}

describe('WorkQueue', () => {
  it('is fair: hands keys out in the order they were added', async () => {
    const queue = new WorkQueue();
    for (const key of ['a', 'b', 'c']) queue.add(key);
    expect(await drain(queue)).toEqual(['a', 'b', 'c']);
  });

  it('is stingy: a key added many times before it is handed out is handed out once', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(await drain(queue)).toEqual(['a', 'b']);
  });

  it('never hands a key out twice at once: re-added while processing, it waits for done()', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    expect(queue.length).toBe(0);
    queue.done(key!);
    expect(await drain(queue)).toEqual(['a']);
  });

  it('wakes a waiting worker when a key arrives, and ends waiting workers on shutdown', async () => {
    const queue = new WorkQueue();
    const first = queue.get();
    const second = queue.get();
    queue.add('a');
    expect(await first).toBe('a');
    queue.shutDown();
    expect(await second).toBeUndefined();
    queue.add('b');
    expect(await queue.get()).toBeUndefined();
  });

  it('adds a delayed key when its time comes; of two delays for one key the earlier wins', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    queue.addAfter('a', 1000);
    queue.addAfter('a', 100);
    clock.advance(99);
    expect(queue.length).toBe(0);
    clock.advance(1);
    expect(await drain(queue)).toEqual(['a']);
    clock.advance(2000);
    expect(queue.length).toBe(0);
  });

  /** Rate-limit `key` once and answer how many ms pass before it is handed out. */
  async function delayOf(queue: WorkQueue<string>, clock: ManualClock, key: string): Promise<number> {
    queue.addRateLimited(key);
    let waited = 0;
    while (queue.length === 0) {
      clock.advance(1);
      waited++;
    }
    queue.done((await queue.get())!);
    return waited;
  }

  it('backs a failing key off exponentially from 5 ms, and forget() starts over', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock, burst: 1000 });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) delays.push(await delayOf(queue, clock, 'a'));
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues('a')).toBe(4);
    queue.forget('a');
    expect(await delayOf(queue, clock, 'a')).toBe(5);
  });

  it('caps the backoff at its maximum', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock, maxDelayMs: 100, burst: 1000 });
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) delays.push(await delayOf(queue, clock, 'a'));
    expect(delays).toEqual([5, 10, 20, 40, 80, 100, 100, 100]);
  });

  it('spaces a storm of failing keys with an overall token bucket past its burst', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock, qps: 10, burst: 2 });
    for (const key of ['a', 'b', 'c', 'd']) queue.addRateLimited(key);
    clock.advance(5);
    expect(await drain(queue)).toEqual(['a', 'b']);
    clock.advance(95);
    expect(await drain(queue)).toEqual(['c']);
    clock.advance(100);
    expect(await drain(queue)).toEqual(['d']);
  });
});
