import { systemClock, type Clock, type Timer } from '../util/clock.js';

/**
 * A rate-limited work queue of keys, as client-go's `workqueue.RateLimitingInterface`
 * (k8s.io/client-go/util/workqueue). Its guarantees, each proved by a test:
 *
 * - **Fair**: keys are handed out in the order they were added.
 * - **Stingy**: a key added many times before it is handed out is handed out once; a key added
 *   while it is being processed is handed out again only after {@link done}, so no key is ever
 *   processed by two workers at once.
 * - **Delayed**: {@link addAfter} adds a key once its delay passes; of several pending delays for one
 *   key, the earliest wins.
 * - **Rate limited**: {@link addRateLimited} delays a key by its own exponential backoff (5 ms
 *   doubling to 1000 s) or by an overall token bucket (10 per second, burst 100), whichever is
 *   longer, as `DefaultControllerRateLimiter`; {@link forget} resets the key's backoff.
 */
export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { due: number; timer: Timer }>();
  private readonly getters: ((key: K | undefined) => void)[] = [];
  private readonly failures = new Map<K, number>();
  private tokens: number;
  private tokensAt: number;
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly qps: number;
  private readonly burst: number;

  constructor(
    options: { clock?: Clock; baseDelayMs?: number; maxDelayMs?: number; qps?: number; burst?: number } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1000_000;
    this.qps = options.qps ?? 10;
    this.burst = options.burst ?? 100;
    this.tokens = this.burst;
    this.tokensAt = this.clock.now();
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Add `key` once `ms` have passed (now, if `ms` ≤ 0). */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.due <= due) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    timer.unref?.();
    this.waiting.set(key, { due, timer });
  }

  /** Add `key` after its backoff: for a key whose processing failed. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.when(key));
  }

  /** The key succeeded: its next failure starts the backoff afresh. */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** How many times in a row the key has been rate-limited. */
  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process, waiting for one; undefined once the queue is shut down. */
  get(): Promise<K | undefined> {
    if (this.head < this.queue.length) {
      const key = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Processing of `key` has finished; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  /** Keys waiting to be handed out (not counting delayed ones). */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Stop handing out keys: waiting getters get undefined, delayed keys are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) this.clock.clearTimeout(timer);
    this.waiting.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  private when(key: K): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const backoff = Math.min(this.baseDelayMs * 2 ** failures, this.maxDelayMs);
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.tokensAt) / 1000) * this.qps);
    this.tokensAt = now;
    this.tokens -= 1;
    const bucket = this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
    return Math.max(backoff, bucket);
  }
}
