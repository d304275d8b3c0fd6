/**
 * Timers for views: a ticking clock for relative times, and polling that runs only while the
 * view is mounted and the window visible (metrics every 15 s), restarting when its key changes.
 */
import { onScopeDispose, ref, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';

/** `Date.now()`, refreshed every `intervalMs` while the caller lives. */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), intervalMs);
  onScopeDispose(() => clearInterval(timer));
  return now;
}

/**
 * Call `poll(key, signal)` now and every `intervalMs` while the document is visible; a new key
 * (e.g. another pod) aborts the previous call and starts over; `undefined` stops polling.
 */
export function usePolling<K>(
  key: MaybeRefOrGetter<K | undefined>,
  poll: (key: K, signal: AbortSignal) => Promise<void>,
  intervalMs = 15_000,
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';

  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    controller?.abort();
    controller = undefined;
  };
  const tick = async () => {
    const k = toValue(key);
    stop();
    if (k === undefined || !visible()) return;
    const mine = new AbortController();
    controller = mine;
    try {
      await poll(k, mine.signal);
    } catch {
      // `poll` shows its own errors; polling goes on.
    } finally {
      if (controller === mine && !mine.signal.aborted) timer = setTimeout(() => void tick(), intervalMs);
    }
  };
  const onVisibility = () => {
    if (visible()) void tick();
    else stop();
  };
  watch(
    () => JSON.stringify(toValue(key) ?? null),
    () => void tick(),
    { immediate: true },
  );
  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility);
  onScopeDispose(() => {
    stop();
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility);
  });
}
