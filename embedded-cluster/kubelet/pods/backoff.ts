import type { Clock } from '../../util/clock.js';

/** The kubelet's restart back-off (pkg/kubelet/kubelet.go: `MaxContainerBackOff`, `backOffPeriod`). */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;

/**
 * A per-key exponential back-off as client-go's `flowcontrol.Backoff` the kubelet uses for crashing
 * containers (CrashLoopBackOff) and failing image pulls (ImagePullBackOff): the first failure waits
 * 10 s, each next one doubles it up to 5 min, and a key that has not failed for twice the maximum
 * (10 min) starts again from 10 s.
 */
export class Backoff {
  private readonly entries = new Map<string, { delayMs: number; lastUpdate: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly initialMs = BACKOFF_INITIAL_MS,
    private readonly maxMs = BACKOFF_MAX_MS,
  ) {}

  /** Record a failure at `at` (default now): the delay grows. */
  next(key: string, at = this.clock.now()): number {
    const entry = this.entries.get(key);
    if (!entry || at - entry.lastUpdate > 2 * this.maxMs) {
      this.entries.set(key, { delayMs: this.initialMs, lastUpdate: at });
      return this.initialMs;
    }
    entry.delayMs = Math.min(entry.delayMs * 2, this.maxMs);
    entry.lastUpdate = at;
    return entry.delayMs;
  }

  /** The current delay of `key` (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /**
   * Whether `key` is still backing off from a failure at `eventTime` (client-go
   * `IsInBackOffSince`): an entry not touched for 10 min before the failure no longer counts.
   */
  inBackoffSince(key: string, eventTime: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || eventTime - entry.lastUpdate > 2 * this.maxMs) return false;
    return this.clock.now() - eventTime < entry.delayMs;
  }

  /** Milliseconds left of `key`'s back-off counted from `since`, 0 when it is over. */
  remaining(key: string, since: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    return Math.max(0, since + entry.delayMs - this.clock.now());
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forget every key starting with `prefix` (a pod's uid, when the pod goes). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** A duration as Go prints it in kubelet messages: `10s`, `1m20s`, `5m0s`. */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${m}m${s}s` : `${m}m${s}s`;
}
