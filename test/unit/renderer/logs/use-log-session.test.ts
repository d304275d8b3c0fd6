// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { effectScope, ref } from 'vue';
import type { FlushScheduler } from '../../../../src-renderer/kube/index.js';
import { useLogSession } from '../../../../src-renderer/components/logs/use-log-session.js';
import type { FollowSettings } from '../../../../src-renderer/streams/log-follower.js';
import { fakeLogApi, pod, stamped } from './fake-log-api.js';

/** A scheduler the test runs by hand, like animation frames. */
function frames() {
  const queue: (() => void)[] = [];
  const schedule: FlushScheduler = (flush) => {
    queue.push(flush);
    return () => queue.splice(queue.indexOf(flush), 1);
  };
  return {
    schedule,
    run: () => queue.splice(0).forEach((f) => f()),
    get pending() {
      return queue.length;
    },
  };
}

describe('useLogSession', () => {
  it('appends what arrived once per frame, and starts over when the settings change', async () => {
    const { api, requests } = fakeLogApi();
    const frame = frames();
    const settings = ref<FollowSettings>({ tailLines: 10 });
    const scope = effectScope();
    const session = scope.run(() =>
      useLogSession({
        api,
        namespace: 'default',
        pods: [pod('web-1', ['app'])],
        settings,
        orderByTime: false,
        scheduleFlush: frame.schedule,
      }),
    )!;
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    const before = session.version.value;
    requests[0]!.write(stamped(1, 'a') + stamped(2, 'b'));
    requests[0]!.write(stamped(3, 'error c'));
    await vi.waitFor(() => expect(frame.pending).toBe(1));
    expect(session.store.length).toBe(0);
    session.setQuery('error');
    frame.run();
    expect(session.version.value).toBeGreaterThan(before);
    expect(session.store.length).toBe(3);
    expect(session.search.count).toBe(1);
    expect(session.lastFlush.value.appended).toBe(3);

    settings.value = { tailLines: 100 };
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[0]!.aborted).toBe(true);
    expect(requests[1]!.query.tailLines).toBe('100');
    expect(session.store.length).toBe(0);
    scope.stop();
    expect(requests[1]!.aborted).toBe(true);
  });

  it('keeps only `capacity` lines', async () => {
    const { api, requests } = fakeLogApi();
    const frame = frames();
    const scope = effectScope();
    const session = scope.run(() =>
      useLogSession({
        api,
        namespace: 'default',
        pods: [pod('web-1', ['app'])],
        settings: {},
        orderByTime: false,
        capacity: 5,
        scheduleFlush: frame.schedule,
      }),
    )!;
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    requests[0]!.write(Array.from({ length: 8 }, (_, i) => stamped(i, `l${i}`)).join(''));
    await vi.waitFor(() => expect(frame.pending).toBe(1));
    frame.run();
    expect(session.store.length).toBe(5);
    expect(session.store.at(0)?.text).toBe('l3');
    expect(session.lastFlush.value.dropped).toBe(3);
    scope.stop();
  });
});
