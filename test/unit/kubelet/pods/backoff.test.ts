import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../embedded-cluster/util/clock.js';
import { Backoff, goDuration } from '../../../../embedded-cluster/kubelet/pods/backoff.js';

describe('restart back-off', () => {
  it('waits 10 s, doubling to 5 min', () => {
    const backoff = new Backoff(new ManualClock(0));
    const delays = Array.from({ length: 8 }, () => backoff.next('k'));
    expect(delays.map(goDuration)).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s', '5m0s']);
  });

  it('is in back-off until the delay has passed since the failure', () => {
    const clock = new ManualClock(1_000_000);
    const backoff = new Backoff(clock);
    expect(backoff.inBackoffSince('k', clock.now())).toBe(false);
    backoff.next('k');
    clock.advance(5_000);
    const failedAt = clock.now();
    expect(backoff.inBackoffSince('k', failedAt)).toBe(true);
    clock.advance(9_999);
    expect(backoff.inBackoffSince('k', failedAt)).toBe(true);
    clock.advance(1);
    expect(backoff.inBackoffSince('k', failedAt)).toBe(false);
  });

  it('starts over after 10 minutes without failing', () => {
    const clock = new ManualClock(0);
    const backoff = new Backoff(clock);
    backoff.next('k');
    backoff.next('k');
    expect(backoff.get('k')).toBe(20_000);
    clock.advance(10 * 60_000 + 1);
    expect(backoff.inBackoffSince('k', clock.now())).toBe(false);
    expect(backoff.next('k')).toBe(10_000);
  });
});
