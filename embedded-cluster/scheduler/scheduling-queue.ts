import type { Clock, Timer } from '../util/clock.js';
import type { WorkQueue } from '../client/index.js';
import type { PluginName } from './filters/index.js';

/** Something that happened in the cluster that may make waiting pods schedulable. */
export type ClusterEvent =
  'NodeAdd' | 'NodeUpdate' | 'AssignedPodAdd' | 'AssignedPodUpdate' | 'AssignedPodDelete';

/**
 * Which rejections each event can undo (a coarse form of the plugins' `EventsToRegister`): a new
 * or changed node can undo any; a pod leaving frees resources, ports and anti-affinity; a pod
 * arriving or relabelled can satisfy affinity.
 */
const WAKES: Record<ClusterEvent, ReadonlySet<PluginName | 'NoNodes'> | 'all'> = {
  NodeAdd: 'all',
  NodeUpdate: 'all',
  AssignedPodAdd: new Set(['InterPodAffinity']),
  AssignedPodUpdate: new Set(['InterPodAffinity']),
  AssignedPodDelete: new Set(['NodeResourcesFit', 'NodePorts', 'InterPodAffinity']),
};

/** kube-scheduler's defaults: backoff 1 s doubling to 10 s; unschedulable pods retried after 5 min. */
export const INITIAL_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 10_000;
export const MAX_UNSCHEDULABLE_MS = 5 * 60_000;

/**
 * The waiting side of kube-scheduler's scheduling queue (pkg/scheduler/backend/queue): pods that
 * found no node wait in an *unschedulable* set, remembering which plugins rejected them, until an
 * event that could change that (see {@link moveOnEvent}) or until they have waited five minutes.
 * Either way they go back to the active queue (the {@link WorkQueue}) no sooner than their backoff
 * allows: 1 s after the first failure, doubling to 10 s. One timer serves the five-minute flush,
 * armed only while pods wait, so an idle scheduler costs nothing.
 */
export class SchedulingQueue {
  /** Insertion order is time order: a pod that fails again is removed and added at the end. */
  private readonly unschedulable = new Map<string, { at: number; rejectedBy: ReadonlySet<string> }>();
  private readonly attempts = new Map<string, { failures: number; lastFailure: number }>();
  private flushTimer: Timer | undefined;
  private flushDue = 0;

  constructor(
    private readonly active: WorkQueue<string>,
    private readonly clock: Clock,
  ) {}

  /** Hand the pod to the active queue now. */
  activate(key: string): void {
    this.active.add(key);
  }

  /** The pod found no node: wait for an event that may help. */
  markUnschedulable(key: string, rejectedBy: ReadonlySet<string>): void {
    this.recordFailure(key);
    this.unschedulable.delete(key);
    this.unschedulable.set(key, { at: this.clock.now(), rejectedBy });
    this.armFlush();
  }

  /** The attempt failed for another reason (an API error): try again after the backoff. */
  retryAfterBackoff(key: string): void {
    this.recordFailure(key);
    this.unschedulable.delete(key);
    this.active.addAfter(key, this.backoffRemaining(key));
  }

  isUnschedulable(key: string): boolean {
    return this.unschedulable.has(key);
  }

  /** The pod was scheduled, deleted or is no longer ours: forget everything about it. */
  done(key: string): void {
    this.unschedulable.delete(key);
    this.attempts.delete(key);
  }

  /** Move every waiting pod that `event` may help back towards the active queue. */
  moveOnEvent(event: ClusterEvent): void {
    if (this.unschedulable.size === 0) return;
    const wakes = WAKES[event];
    for (const [key, entry] of this.unschedulable) {
      if (wakes !== 'all' && ![...entry.rejectedBy].some((p) => wakes.has(p as PluginName))) continue;
      this.unschedulable.delete(key);
      this.active.addAfter(key, this.backoffRemaining(key));
    }
  }

  /** Pods waiting as unschedulable (for tests and status). */
  get waiting(): number {
    return this.unschedulable.size;
  }

  shutDown(): void {
    if (this.flushTimer) this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private recordFailure(key: string): void {
    const a = this.attempts.get(key);
    this.attempts.set(key, { failures: (a?.failures ?? 0) + 1, lastFailure: this.clock.now() });
  }

  private backoffRemaining(key: string): number {
    const a = this.attempts.get(key);
    if (!a) return 0;
    const backoff = Math.min(INITIAL_BACKOFF_MS * 2 ** (a.failures - 1), MAX_BACKOFF_MS);
    return Math.max(0, a.lastFailure + backoff - this.clock.now());
  }

  /** Arm the timer for when the longest-waiting pod is due, unless it is armed for then already. */
  private armFlush(): void {
    const oldest = this.unschedulable.values().next().value;
    if (!oldest) return;
    const due = oldest.at + MAX_UNSCHEDULABLE_MS;
    if (this.flushTimer && this.flushDue <= due) return;
    if (this.flushTimer) this.clock.clearTimeout(this.flushTimer);
    this.flushDue = due;
    this.flushTimer = this.clock.setTimeout(() => this.flush(), Math.max(0, due - this.clock.now()));
    this.flushTimer.unref?.();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const cutoff = this.clock.now() - MAX_UNSCHEDULABLE_MS;
    for (const [key, entry] of this.unschedulable) {
      if (entry.at > cutoff) break;
      this.unschedulable.delete(key);
      this.active.addAfter(key, this.backoffRemaining(key));
    }
    this.armFlush();
  }
}
