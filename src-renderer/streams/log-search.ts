import type { LineStore } from './line-store.js';

/** A match's place in a line: `[start, end)` in its text. */
export type MatchRange = readonly [start: number, end: number];

/**
 * Search over a `LineStore`: every line whose text contains the query (case-insensitive), kept
 * as sequence numbers and extended as lines arrive (only the new ones are scanned), so a
 * search over 200,000 lines costs one pass and each frame's appends only their own. `current`
 * is the match next/previous move through.
 */
export class LogSearch {
  private query = '';
  private needle = '';
  /** Sequence numbers of the lines that match, ascending. */
  private seqs: number[] = [];
  private scannedTo = 0;
  /** Index into the matches of the one being shown, or -1. */
  current = -1;

  constructor(private readonly store: LineStore) {}

  get text(): string {
    return this.query;
  }

  /** How many lines match (after the cap dropped older ones). */
  get count(): number {
    this.prune();
    return this.seqs.length;
  }

  /** Search for `query` from scratch (empty: no search). */
  setQuery(query: string): void {
    this.query = query;
    this.needle = query.toLowerCase();
    this.seqs = [];
    this.scannedTo = this.store.firstSeq;
    this.current = -1;
    this.update();
    if (this.seqs.length > 0) this.current = 0;
  }

  /** Scan lines appended since the last call. */
  update(): void {
    if (this.store.firstSeq > this.scannedTo) this.scannedTo = this.store.firstSeq;
    if (this.needle) {
      for (const [seq, line] of this.store.entries(this.scannedTo)) {
        if (line.text.toLowerCase().includes(this.needle)) this.seqs.push(seq);
      }
    }
    this.scannedTo = this.store.endSeq;
    this.prune();
  }

  /** Move to the next match (wrapping); returns its line index, or undefined without matches. */
  next(): number | undefined {
    return this.move(1);
  }

  previous(): number | undefined {
    return this.move(-1);
  }

  /** The line index of the current match. */
  currentIndex(): number | undefined {
    this.prune();
    const seq = this.seqs[this.current];
    return seq === undefined ? undefined : seq - this.store.firstSeq;
  }

  /** Whether the line at `index` holds the current match. */
  isCurrent(index: number): boolean {
    return this.currentIndex() === index;
  }

  /** Where the query occurs in `text` (all matches). */
  ranges(text: string): MatchRange[] {
    return matchRanges(text, this.needle);
  }

  private move(step: 1 | -1): number | undefined {
    this.prune();
    const n = this.seqs.length;
    if (n === 0) return undefined;
    this.current = this.current < 0 ? (step > 0 ? 0 : n - 1) : (this.current + step + n) % n;
    return this.currentIndex();
  }

  /** Forget matches on lines the cap dropped, keeping `current` on the same line. */
  private prune(): void {
    let drop = 0;
    while (drop < this.seqs.length && this.seqs[drop]! < this.store.firstSeq) drop++;
    if (drop === 0) return;
    this.seqs.splice(0, drop);
    if (this.current >= 0) this.current = Math.max(this.seqs.length ? 0 : -1, this.current - drop);
  }
}

/** Every `[start, end)` where `needle` (already lower-case) occurs in `text`, case-insensitively. */
export function matchRanges(text: string, needle: string): MatchRange[] {
  if (!needle) return [];
  const haystack = text.toLowerCase();
  const out: MatchRange[] = [];
  let at = haystack.indexOf(needle);
  while (at >= 0) {
    out.push([at, at + needle.length]);
    at = haystack.indexOf(needle, at + needle.length);
  }
  return out;
}

/** `text` cut into plain and matched pieces, for rendering highlights. */
export function highlightSegments(
  text: string,
  ranges: readonly MatchRange[],
): { text: string; match: boolean }[] {
  const out: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) out.push({ text: text.slice(at, start), match: false });
    out.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), match: false });
  return out;
}
