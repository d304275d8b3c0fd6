import type { LogLine } from './log-line.js';

/** How `LineStore.toText` writes lines out. */
export interface LineTextOptions {
  timestamps?: boolean;
  /** The prefix of a line from a source (merged logs), e.g. `[web-1/app] `. */
  prefix?: (line: LogLine) => string;
}

/**
 * The lines a log view holds: a plain array (never reactive: views re-render from `version`),
 * capped at `capacity` lines, dropping the oldest. Each line has a sequence number that never
 * changes (`firstSeq + index`), so search results and scroll positions survive the drops.
 *
 * Appends are amortized O(1): dropped lines are skipped by an offset, and the array is
 * compacted only once the dead prefix is a quarter of the capacity.
 */
export class LineStore {
  readonly capacity: number;
  private lines: LogLine[] = [];
  private start = 0;
  /** The sequence number of the line at index 0. */
  firstSeq = 0;
  /** Lines dropped since the last `clear()` because of the cap. */
  dropped = 0;
  /** Bumped on every change, for views to watch. */
  version = 0;

  constructor(options: { capacity?: number } = {}) {
    this.capacity = Math.max(1, options.capacity ?? 200_000);
  }

  get length(): number {
    return this.lines.length - this.start;
  }

  /** The sequence number the next line will get. */
  get endSeq(): number {
    return this.firstSeq + this.length;
  }

  at(index: number): LogLine | undefined {
    return index < 0 ? undefined : this.lines[this.start + index];
  }

  bySeq(seq: number): LogLine | undefined {
    return this.at(seq - this.firstSeq);
  }

  /** Add lines at the end; returns how many old lines the cap dropped. */
  append(lines: readonly LogLine[]): number {
    if (lines.length === 0) return 0;
    for (const line of lines) this.lines.push(line);
    const over = this.length - this.capacity;
    if (over > 0) {
      this.start += over;
      this.firstSeq += over;
      this.dropped += over;
      if (this.start >= Math.max(1024, this.capacity / 4)) {
        this.lines = this.lines.slice(this.start);
        this.start = 0;
      }
    }
    this.version++;
    return Math.max(0, over);
  }

  clear(): void {
    this.firstSeq = this.endSeq;
    this.lines = [];
    this.start = 0;
    this.dropped = 0;
    this.version++;
  }

  /** Every line from index `from` on (for scanning what was appended). */
  *entries(fromSeq = this.firstSeq): IterableIterator<[seq: number, line: LogLine]> {
    for (let seq = Math.max(fromSeq, this.firstSeq); seq < this.endSeq; seq++) {
      yield [seq, this.lines[this.start + seq - this.firstSeq]!];
    }
  }

  /** The lines as a text file, one per line, as they are shown. */
  toText(options: LineTextOptions = {}): string {
    const out: string[] = [];
    for (let i = this.start; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      const time = options.timestamps && line.time ? `${line.time} ` : '';
      out.push(`${time}${options.prefix?.(line) ?? ''}${line.text}\n`);
    }
    return out.join('');
  }
}
