import { StoreError } from '../store.js';
import type { Clock, Timer } from '../../util/clock.js';

interface Lease {
  id: number;
  ttl: number;
  /**
   * `granting` until its grant is durable, `revoking` while its revoke is
   * being written; only `live` leases take new keys.
   */
  state: 'granting' | 'live' | 'revoking';
  expiresAt: number;
  timer: Timer | undefined;
  /** Keys put with this lease; a key that moved on since is skipped at revoke. */
  keys: Set<string>;
}

/**
 * Leases and their countdowns. Expiry only reports the lease to `onExpired`;
 * revoking it (deleting its keys) is a write the store makes.
 */
export class LeaseTable {
  private readonly leases = new Map<number, Lease>();
  private lastId = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onExpired: (id: number) => void,
  ) {}

  /** Reserve an id for a grant that is being written. */
  reserve(ttl: number, requestedId: number): number {
    if (!Number.isSafeInteger(ttl) || ttl <= 0) {
      throw new StoreError(
        'InvalidArgument',
        `lease TTL must be a positive whole number of seconds, got ${ttl}`,
      );
    }
    if (requestedId !== 0 && (!Number.isSafeInteger(requestedId) || requestedId < 0)) {
      throw new StoreError('InvalidArgument', `lease ID must be a positive integer, got ${requestedId}`);
    }
    if (this.leases.has(requestedId)) throw new StoreError('InvalidArgument', 'lease already exists');
    const id = requestedId || this.nextFreeId();
    this.lastId = Math.max(this.lastId, id);
    this.leases.set(id, {
      id,
      ttl,
      state: 'granting',
      expiresAt: Infinity,
      timer: undefined,
      keys: new Set(),
    });
    return id;
  }

  /** Load a lease from disk, or make a reserved one live: its TTL starts now. */
  activate(id: number, ttl: number): void {
    const lease = this.leases.get(id) ?? {
      id,
      ttl,
      state: 'live',
      expiresAt: 0,
      timer: undefined,
      keys: new Set(),
    };
    lease.state = 'live';
    this.leases.set(id, lease);
    this.lastId = Math.max(this.lastId, id);
    this.restart(lease);
  }

  /** Drop a reserved grant that never became durable. */
  unreserve(id: number): void {
    if (this.leases.get(id)?.state === 'granting') this.leases.delete(id);
  }

  /** A live lease, or throws LeaseNotFound. */
  live(id: number): Lease {
    const lease = this.leases.get(id);
    if (!lease || lease.state !== 'live')
      throw new StoreError('LeaseNotFound', `requested lease not found: ${id}`);
    return lease;
  }

  attach(id: number, key: string): void {
    this.leases.get(id)?.keys.add(key);
  }

  startRevoke(id: number): Set<string> {
    const lease = this.live(id);
    lease.state = 'revoking';
    this.stopTimer(lease);
    return lease.keys;
  }

  /** A revoke failed to be written: the lease lives on with a fresh countdown. */
  abortRevoke(id: number): void {
    const lease = this.leases.get(id);
    if (lease?.state !== 'revoking') return;
    lease.state = 'live';
    this.restart(lease);
  }

  remove(id: number): void {
    const lease = this.leases.get(id);
    if (lease) this.stopTimer(lease);
    this.leases.delete(id);
  }

  keepAlive(id: number): number {
    const lease = this.live(id);
    this.restart(lease);
    return lease.ttl;
  }

  /** Whole seconds left, -1 if there is no such lease. */
  timeToLive(id: number): number {
    const lease = this.leases.get(id);
    if (!lease || lease.state === 'granting') return -1;
    return Math.max(0, Math.ceil((lease.expiresAt - this.clock.now()) / 1000));
  }

  /** Leases as they stand on disk (granted and not yet revoked). */
  durable(): [id: number, ttl: number][] {
    const result: [number, number][] = [];
    for (const lease of this.leases.values())
      if (lease.state !== 'granting') result.push([lease.id, lease.ttl]);
    return result;
  }

  /** Reserved grants and revokes in flight, for a rollback after a failed write. */
  rollback(): void {
    for (const lease of [...this.leases.values()]) {
      if (lease.state === 'granting') this.leases.delete(lease.id);
      else if (lease.state === 'revoking') this.abortRevoke(lease.id);
    }
  }

  stopAll(): void {
    for (const lease of this.leases.values()) this.stopTimer(lease);
  }

  get size(): number {
    return this.leases.size;
  }

  private nextFreeId(): number {
    let id = this.lastId + 1;
    while (this.leases.has(id)) id++;
    return id;
  }

  private restart(lease: Lease): void {
    this.stopTimer(lease);
    lease.expiresAt = this.clock.now() + lease.ttl * 1000;
    lease.timer = this.clock.setTimeout(() => {
      lease.timer = undefined;
      if (lease.state === 'live') this.onExpired(lease.id);
    }, lease.ttl * 1000);
    lease.timer.unref?.();
  }

  private stopTimer(lease: Lease): void {
    if (lease.timer) this.clock.clearTimeout(lease.timer);
    lease.timer = undefined;
  }
}
