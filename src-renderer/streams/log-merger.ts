import type { LogLine } from './log-line.js';

export interface LogMergerOptions {
  /** Order by the lines' timestamps within the window (else: arrival order, at once). */
  orderByTime: boolean;
  /** How long a line waits for earlier ones from other streams (default 300 ms). */
  windowMs?: number;
  now?: () => number;
}

/**
 * Merges the lines of several log streams into one sequence. In arrival order, every line is
 * ready at once. Ordered by time, a line is held for `windowMs` after it arrived, so that an
 * earlier line from a slower stream can still go before it; lines released together go out
 * sorted by timestamp (stable, so one stream's lines keep their order). A line later than the
 * window is appended as it comes: the order is exact only within the window.
 *
 * Lines without a timestamp (the dashboard's own markers) sort as the latest time seen so far.
 */
export class LogMerger {
  private readonly windowMs: number;
  private readonly now: () => number;
  private pending: { line: LogLine; at: number; key: number }[] = [];
  private latest = 0;
  orderByTime: boolean;

  constructor(options: LogMergerOptions) {
    this.orderByTime = options.orderByTime;
    this.windowMs = options.windowMs ?? 300;
    this.now = options.now ?? (() => Date.now());
  }

  /** Lines waiting to be released. */
  get size(): number {
    return this.pending.length;
  }

  /** When the oldest held line is due (ms, the clock's), or undefined when none is held. */
  get nextDueAt(): number | undefined {
    const first = this.pending[0];
    return first && this.orderByTime ? first.at + this.windowMs : undefined;
  }

  push(lines: readonly LogLine[]): void {
    const at = this.now();
    for (const line of lines) {
      if (line.micros !== undefined && line.micros > this.latest) this.latest = line.micros;
      this.pending.push({ line, at, key: line.micros ?? this.latest });
    }
  }

  /** The lines ready now, in order; `all` releases everything (the streams ended, a flush). */
  drain(all = false): LogLine[] {
    if (!this.orderByTime || all) {
      const out = this.orderByTime ? sortByKey(this.pending) : this.pending.map((p) => p.line);
      this.pending = [];
      return out;
    }
    const cutoff = this.now() - this.windowMs;
    let ready = 0;
    while (ready < this.pending.length && this.pending[ready]!.at <= cutoff) ready++;
    if (ready === 0) return [];
    const out = sortByKey(this.pending.slice(0, ready));
    this.pending = this.pending.slice(ready);
    return out;
  }

  clear(): void {
    this.pending = [];
    this.latest = 0;
  }
}

function sortByKey(entries: { line: LogLine; key: number }[]): LogLine[] {
  return entries
    .slice()
    .sort((a, b) => a.key - b.key)
    .map((e) => e.line);
}
