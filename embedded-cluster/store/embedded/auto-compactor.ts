import type { Clock, Timer } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';

export interface AutoCompactionOptions {
  /** Keep at least this much history by age (default 5 minutes, kube-apiserver's compaction interval). */
  retentionMs?: number;
  /** Keep at most this many revisions of history (default 10,000). */
  retentionRevisions?: number;
  /** How often to check (default 10 s). */
  intervalMs?: number;
}

interface Target {
  revision(): number;
  compactRevision(): number;
  compact(revision: number): Promise<void>;
  logger: Logger;
}

/**
 * Compacts on a timer, like etcd's `--auto-compaction-mode` periodic and
 * revision modes combined: history older than `retentionMs` goes, and so
 * does history beyond the last `retentionRevisions` revisions.
 */
export class AutoCompactor {
  private readonly retentionMs: number;
  private readonly retentionRevisions: number;
  private readonly intervalMs: number;
  /** (time, revision) seen at each tick, oldest first; only the last retention window is kept. */
  private samples: { time: number; revision: number }[] = [];
  private timer: Timer | undefined;
  private running = false;
  private again = false;
  private stopped = true;

  constructor(
    private readonly clock: Clock,
    options: AutoCompactionOptions,
    private readonly target: Target,
  ) {
    this.retentionMs = options.retentionMs ?? 5 * 60_000;
    this.retentionRevisions = options.retentionRevisions ?? 10_000;
    this.intervalMs = options.intervalMs ?? 10_000;
  }

  start(): void {
    this.stopped = false;
    this.samples.push({ time: this.clock.now(), revision: this.target.revision() });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The revision to compact to now, or 0 for none. */
  due(): number {
    const now = this.clock.now();
    const current = this.target.revision();
    let byAge = 0;
    for (const sample of this.samples) if (sample.time <= now - this.retentionMs) byAge = sample.revision;
    const byCount = current - this.retentionRevisions;
    const revision = Math.min(Math.max(byAge, byCount), current);
    return revision > this.target.compactRevision() ? revision : 0;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  private tick(): void {
    this.schedule();
    const now = this.clock.now();
    this.samples.push({ time: now, revision: this.target.revision() });
    // Only the newest sample older than the retention window still matters.
    while (this.samples.length > 1 && this.samples[1]!.time <= now - this.retentionMs) this.samples.shift();
    // Ticks that come while a compaction runs fold into one more round after it.
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        const revision = this.due();
        if (revision > 0 && !this.stopped) await this.target.compact(revision);
      } while (this.again);
    } catch (error) {
      this.target.logger.warn('automatic compaction failed', { error: (error as Error).message });
    } finally {
      this.running = false;
    }
  }
}
