import type { Clock } from '../../util/clock.js';

/** How long a controller waits for the watch to show its own writes before it acts again anyway. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  at: number;
  /** Keys of the pods whose deletion is awaited: each is counted once, as an update or a delete. */
  deleting: Set<string>;
}

/**
 * What a controller has asked for and not yet seen through its informer: kube's
 * `UIDTrackingControllerExpectations`
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go).
 * A controller that has just created 5 pods must not create them again because its cache does not
 * show them yet; it waits until the informer reports each creation (or until the expectations
 * expire, in case a watch event was lost).
 */
export class ControllerExpectations {
  private readonly expectations = new Map<string, Expectation>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  /** Whether the controller may act on `key`: nothing is pending, or what is pending has expired. */
  satisfied(key: string): boolean {
    const e = this.expectations.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.clock.now() - e.at > this.timeoutMs;
  }

  /** Milliseconds until pending expectations for `key` expire (undefined when none are pending). */
  expiresInMs(key: string): number | undefined {
    const e = this.expectations.get(key);
    if (!e || (e.add <= 0 && e.del <= 0)) return undefined;
    return Math.max(e.at + this.timeoutMs - this.clock.now() + 1, 1);
  }

  expectCreations(key: string, count: number): void {
    this.expectations.set(key, { add: count, del: 0, at: this.clock.now(), deleting: new Set() });
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.expectations.set(key, {
      add: 0,
      del: podKeys.length,
      at: this.clock.now(),
      deleting: new Set(podKeys),
    });
  }

  creationObserved(key: string): void {
    const e = this.expectations.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    const e = this.expectations.get(key);
    if (e?.deleting.delete(podKey)) e.del--;
  }

  delete(key: string): void {
    this.expectations.delete(key);
  }
}
