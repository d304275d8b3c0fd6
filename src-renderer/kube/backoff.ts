/**
 * Exponential backoff with jitter for reconnecting: 0.5 s doubling to 30 s by default, each
 * delay scaled by a random factor in [1 - jitter, 1 + jitter] so many informers that lost the
 * same connection do not all come back in the same instant (client-go's reflector backs off
 * the same way: 800 ms doubling to 30 s, jittered). `reset()` after a success starts over.
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** 0 for exact delays; 0.2 (the default) spreads each by ±20 %. */
  jitter?: number;
  /** Math.random by default; tests pass a fixed one. */
  random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private current: number;
  /** Failures since the last reset. */
  attempts = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? Math.random;
    this.current = this.initialMs;
  }

  /** The delay before the next attempt; each call doubles the one after it, up to the cap. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.current * this.factor, this.maxMs);
    this.attempts++;
    const spread = 1 + this.jitter * (2 * this.random() - 1);
    return Math.round(Math.min(base * spread, this.maxMs));
  }

  reset(): void {
    this.current = this.initialMs;
    this.attempts = 0;
  }
}
