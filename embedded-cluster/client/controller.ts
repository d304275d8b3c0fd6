import { silentLogger, type Logger } from '../util/logger.js';
import type { WorkQueue } from './work-queue.js';

/** What a reconcile may ask for besides success: to look again after a while (deadlines, schedules). */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** A component of the control plane that can be started and stopped. */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Run `workers` loops that take keys from `queue` and reconcile them: level-triggered and
 * idempotent, as in sample-controller. A key whose reconcile throws comes back rate-limited; one
 * that succeeds is forgotten (its backoff reset), and comes back after `requeueAfterMs` if asked.
 * Resolves when the queue shuts down and every loop has finished its key.
 */
export async function runWorkers(
  name: string,
  queue: WorkQueue<string>,
  reconcile: (key: string) => Promise<ReconcileResult | void>,
  options: { workers?: number; logger?: Logger } = {},
): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const loop = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        const retries = queue.numRequeues(key);
        // Conflicts are routine (the cache was behind); log them quietly.
        if (retries > 2 || !isConflict(error)) {
          logger.warn('reconcile failed; retrying', { controller: name, key, retries, error: String(error) });
        }
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers ?? 1 }, loop));
}

function isConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { reason?: string }).reason === 'Conflict';
}
