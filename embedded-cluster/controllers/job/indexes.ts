/**
 * Sets of completion indexes kept as ordered, non-overlapping intervals, written as Job status
 * writes them: `"0-2,4,6-7"` (kube's pkg/controller/job/indexed_job_utils.go `orderedIntervals`).
 */
export interface Interval {
  first: number;
  last: number;
}

export type OrderedIntervals = readonly Interval[];

/** Parse a `completedIndexes` string, keeping indexes below `completions`; malformed parts are skipped. */
export function parseIndexes(text: string | undefined, completions: number): Interval[] {
  const result: Interval[] = [];
  if (!text) return result;
  for (const part of text.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) continue;
    const first = Number(match[1]);
    const last = Math.min(match[2] === undefined ? first : Number(match[2]), completions - 1);
    if (first > last) continue;
    result.push({ first, last });
  }
  return withIndexes(result, []);
}

/** The union of `intervals` and `indexes`, ordered and merged. */
export function withIndexes(intervals: OrderedIntervals, indexes: readonly number[]): Interval[] {
  const all = [...intervals.map((i) => ({ ...i })), ...indexes.map((i) => ({ first: i, last: i }))];
  all.sort((a, b) => a.first - b.first);
  const merged: Interval[] = [];
  for (const interval of all) {
    const last = merged[merged.length - 1];
    if (last && interval.first <= last.last + 1) last.last = Math.max(last.last, interval.last);
    else merged.push(interval);
  }
  return merged;
}

export function formatIndexes(intervals: OrderedIntervals): string {
  return intervals.map((i) => (i.first === i.last ? `${i.first}` : `${i.first}-${i.last}`)).join(',');
}

export function totalIndexes(intervals: OrderedIntervals): number {
  return intervals.reduce((sum, i) => sum + i.last - i.first + 1, 0);
}

export function hasIndex(intervals: OrderedIntervals, index: number): boolean {
  return intervals.some((i) => i.first <= index && index <= i.last);
}

/**
 * The `count` lowest indexes below `completions` that have neither succeeded nor an active pod
 * (kube's `firstPendingIndexes`).
 */
export function firstPendingIndexes(
  succeeded: OrderedIntervals,
  active: ReadonlySet<number>,
  count: number,
  completions: number,
): number[] {
  const result: number[] = [];
  for (let index = 0; index < completions && result.length < count; index++) {
    if (!active.has(index) && !hasIndex(succeeded, index)) result.push(index);
  }
  return result;
}
