import { describe, expect, it } from 'vitest';
import { PodExpectations } from '../../../../embedded-cluster/controllers/daemon-set/expectations.js';
import { ManualClock } from '../../../../embedded-cluster/util/clock.js';

describe('pod expectations', () => {
  it('hold a sync back until the cache shows the pods created and deleted', () => {
    const expectations = new PodExpectations(new ManualClock());
    const cache = new Set(['ns/old']);
    const present = (key: string) => cache.has(key);
    expect(expectations.satisfied('ns/ds', present)).toBe(true);
    expectations.expectCreated('ns/ds', 'ns/new');
    expectations.expectDeleted('ns/ds', 'ns/old');
    expect(expectations.satisfied('ns/ds', present)).toBe(false);
    cache.add('ns/new');
    expect(expectations.satisfied('ns/ds', present)).toBe(false);
    cache.delete('ns/old');
    expect(expectations.satisfied('ns/ds', present)).toBe(true);
  });

  it('are settled by informer events, even for a pod already gone again', () => {
    const expectations = new PodExpectations(new ManualClock());
    expectations.expectCreated('ns/ds', 'ns/p');
    expectations.observed('ns/p', false);
    expect(expectations.satisfied('ns/ds', () => false)).toBe(true);
  });

  it('give up after five minutes', () => {
    const clock = new ManualClock();
    const expectations = new PodExpectations(clock);
    expectations.expectCreated('ns/ds', 'ns/p');
    clock.advance(5 * 60_000 + 1);
    expect(expectations.satisfied('ns/ds', () => false)).toBe(true);
  });
});
