/** Small statistics for the `ui` suite: nearest-rank percentiles, medians and frame rates. */

/** The nearest-rank `p`th percentile of `values` (NaN when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Frames per second over animation-frame timestamps, and the longest gap between two frames. */
export function frameRate(frames: readonly number[]): { fps: number; worstMs: number } {
  if (frames.length < 2) return { fps: NaN, worstMs: NaN };
  let worstMs = 0;
  for (let i = 1; i < frames.length; i++) worstMs = Math.max(worstMs, frames[i]! - frames[i - 1]!);
  return { fps: ((frames.length - 1) / (frames.at(-1)! - frames[0]!)) * 1000, worstMs };
}
