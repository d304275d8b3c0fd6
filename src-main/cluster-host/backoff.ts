/**
 * The delay before restarting a crashed cluster process, like the kubelet's CrashLoopBackOff
 * with shorter steps: 1 s after the first crash, doubling per crash up to 30 s, back to 1 s once
 * a process has stayed up for 60 s.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** How long a process must have run for its crash to count as the first again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/** Counts crashes in a row and says how long to wait after each. */
export class CrashBackoff {
  private crashesInARow = 0;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** Record a crash of a process that ran for `upMs`; returns the delay before the next start. */
  crashed(upMs: number): number {
    if (upMs >= this.policy.resetAfterMs) this.crashesInARow = 0;
    const delay = Math.min(this.policy.initialMs * 2 ** this.crashesInARow, this.policy.maxMs);
    this.crashesInARow++;
    return delay;
  }

  /** Forget the crashes (a restart the user asked for starts afresh). */
  reset(): void {
    this.crashesInARow = 0;
  }
}
