import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../../embedded-cluster/client/index.js';
import { SchedulingQueue } from '../../../embedded-cluster/scheduler/scheduling-queue.js';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';

function setup() {
  const clock = new ManualClock(1_000_000);
  const active = new WorkQueue<string>({ clock });
  return { clock, active, queue: new SchedulingQueue(active, clock) };
}

describe('SchedulingQueue', () => {
  it('wakes an unschedulable pod only for events that can help it, after its backoff', () => {
    const { clock, active, queue } = setup();
    queue.markUnschedulable('default/a', new Set(['NodeResourcesFit']));
    queue.moveOnEvent('AssignedPodAdd');
    expect(queue.isUnschedulable('default/a')).toBe(true);
    queue.moveOnEvent('AssignedPodDelete');
    expect(queue.isUnschedulable('default/a')).toBe(false);
    expect(active.length).toBe(0);
    clock.advance(999);
    expect(active.length).toBe(0);
    clock.advance(1);
    expect(active.length).toBe(1);
  });

  it('doubles the backoff with each failure, up to 10 s', () => {
    const { clock, active, queue } = setup();
    for (let i = 0; i < 5; i++) {
      queue.retryAfterBackoff('default/a');
      clock.advance(10_000);
      void active.get();
      active.done('default/a');
    }
    // The sixth failure in a row: 1 s × 2⁵ would be 32 s, capped at 10 s.
    queue.retryAfterBackoff('default/a');
    clock.advance(9_999);
    expect(active.length).toBe(0);
    clock.advance(1);
    expect(active.length).toBe(1);
  });

  it('retries pods left unschedulable for five minutes, with one timer and none when idle', () => {
    const { clock, active, queue } = setup();
    queue.markUnschedulable('default/a', new Set(['TaintToleration']));
    clock.advance(60_000);
    queue.markUnschedulable('default/b', new Set(['TaintToleration']));
    clock.advance(4 * 60_000);
    expect(active.length).toBe(1);
    expect(queue.isUnschedulable('default/b')).toBe(true);
    clock.advance(60_000);
    expect(active.length).toBe(2);
    expect(queue.waiting).toBe(0);
  });

  it('forgets a pod that was scheduled or deleted', () => {
    const { clock, active, queue } = setup();
    queue.markUnschedulable('default/a', new Set(['NodeAffinity']));
    queue.done('default/a');
    queue.moveOnEvent('NodeAdd');
    clock.advance(10 * 60_000);
    expect(active.length).toBe(0);
  });
});
