/**
 * When an informer hands its batched changes to subscribers: a function that runs `flush`
 * once, later, and returns a way to cancel that. The default waits for the next animation
 * frame where there is one (so a burst of watch events costs one render), else 16 ms.
 */
export type FlushScheduler = (flush: () => void) => () => void;

export const animationFrameScheduler: FlushScheduler = (flush) => {
  if (typeof globalThis.requestAnimationFrame === 'function') {
    const id = globalThis.requestAnimationFrame(() => flush());
    return () => globalThis.cancelAnimationFrame(id);
  }
  return timerScheduler(16)(flush);
};

/** Flush after `ms` (0: on the next macrotask, which tests and workers use). */
export function timerScheduler(ms: number): FlushScheduler {
  return (flush) => {
    const id = globalThis.setTimeout(flush, ms);
    return () => globalThis.clearTimeout(id);
  };
}
