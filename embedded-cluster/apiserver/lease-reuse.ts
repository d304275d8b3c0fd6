import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';

/** Events live for an hour (kube-apiserver's --event-ttl default). */
export const EVENT_TTL_SECONDS = 3600;
/** A lease is reused for writes within this window, so events do not cost one lease each. */
const REUSE_WINDOW_MS = 60_000;

/**
 * Hands out store leases for expiring objects, reusing one for a minute as
 * kube-apiserver's etcd3 LeaseManager does: an event then lives between 60
 * and 61 minutes.
 */
export class LeaseReuse {
  private current: { id: number; grantedAt: number } | undefined;
  private pending: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async lease(): Promise<number> {
    const now = this.clock.now();
    if (this.current && now - this.current.grantedAt < REUSE_WINDOW_MS) return this.current.id;
    this.pending ??= this.store
      .leaseGrant(EVENT_TTL_SECONDS + REUSE_WINDOW_MS / 1000)
      .then(({ id }) => {
        this.current = { id, grantedAt: now };
        return id;
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  stop(): void {
    this.current = undefined;
  }
}
