/**
 * What a controller has asked the API server for but not yet seen in its informer cache (kube's
 * `ControllerExpectations` and the Job controller's `uidTrackingExpectations`). Until they are
 * seen, a sync must not act on counts from the cache, or it would create pods twice. Stale
 * expectations expire after five minutes, in case a watch event was lost.
 */
const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Pending {
  adds: number;
  deletes: number;
  at: number;
}

export class Expectations {
  private readonly pending = new Map<string, Pending>();
  private readonly finalizerRemovals = new Map<string, Set<string>>();

  constructor(private readonly now: () => number) {}

  /** Whether every create and delete asked for under `key` has been observed (or has expired). */
  satisfied(key: string): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    return (p.adds <= 0 && p.deletes <= 0) || this.now() - p.at > EXPECTATIONS_TIMEOUT_MS;
  }

  expect(key: string, adds: number, deletes: number): void {
    this.pending.set(key, { adds, deletes, at: this.now() });
  }

  creationObserved(key: string): void {
    const p = this.pending.get(key);
    if (p) p.adds--;
  }

  deletionObserved(key: string): void {
    const p = this.pending.get(key);
    if (p) p.deletes--;
  }

  /** Pods whose tracking finalizer this controller removed but the cache still shows. */
  expectedFinalizerRemovals(key: string): ReadonlySet<string> {
    return this.finalizerRemovals.get(key) ?? new Set();
  }

  expectFinalizerRemoved(key: string, uid: string): void {
    let uids = this.finalizerRemovals.get(key);
    if (!uids) this.finalizerRemovals.set(key, (uids = new Set()));
    uids.add(uid);
  }

  finalizerRemovalObserved(key: string, uid: string): void {
    const uids = this.finalizerRemovals.get(key);
    uids?.delete(uid);
    if (uids?.size === 0) this.finalizerRemovals.delete(key);
  }

  forget(key: string): void {
    this.pending.delete(key);
    this.finalizerRemovals.delete(key);
  }
}
