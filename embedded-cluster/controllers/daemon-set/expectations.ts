import type { Clock } from '../../util/clock.js';

/** How long an expectation is waited for before the sync proceeds anyway (`ExpectationsTimeout`). */
const EXPECTATION_TTL_MS = 5 * 60_000;

/**
 * The pods a controller has just created or deleted and its cache has not shown yet
 * (`controller.ControllerExpectations`). Until the cache catches up, a sync that counted pods again
 * would create duplicates (names are generated) or delete twice, so it waits.
 *
 * Unlike client-go's counters, this remembers pod keys and asks the cache whether each has arrived
 * (or gone), so a missed or repeated informer event cannot leave a count wrong.
 */
export class PodExpectations {
  private readonly pending = new Map<string, { adds: Set<string>; deletes: Set<string>; at: number }>();

  constructor(private readonly clock: Clock) {}

  expectCreated(owner: string, podKey: string): void {
    this.entry(owner).adds.add(podKey);
  }

  expectDeleted(owner: string, podKey: string): void {
    this.entry(owner).deletes.add(podKey);
  }

  /**
   * The informer reported the pod: an add or update settles an expected creation, a delete (or a
   * deletionTimestamp) an expected deletion. Together with {@link satisfied} asking the cache,
   * a pod created and deleted between two syncs cannot leave an expectation waiting.
   */
  observed(podKey: string, gone: boolean): void {
    for (const entry of this.pending.values()) {
      entry.adds.delete(podKey);
      if (gone) entry.deletes.delete(podKey);
    }
  }

  /**
   * Whether the cache shows everything expected for `owner`. `present(key)` tells whether the
   * cache holds the pod (a terminating pod counts as gone).
   */
  satisfied(owner: string, present: (podKey: string) => boolean): boolean {
    const entry = this.pending.get(owner);
    if (!entry) return true;
    for (const key of entry.adds) if (present(key)) entry.adds.delete(key);
    for (const key of entry.deletes) if (!present(key)) entry.deletes.delete(key);
    if (
      (entry.adds.size === 0 && entry.deletes.size === 0) ||
      this.clock.now() - entry.at > EXPECTATION_TTL_MS
    ) {
      this.pending.delete(owner);
      return true;
    }
    return false;
  }

  forget(owner: string): void {
    this.pending.delete(owner);
  }

  private entry(owner: string) {
    let entry = this.pending.get(owner);
    if (!entry)
      this.pending.set(owner, (entry = { adds: new Set(), deletes: new Set(), at: this.clock.now() }));
    entry.at = this.clock.now();
    return entry;
  }
}
