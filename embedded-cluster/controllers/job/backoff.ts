import type { CoreV1 } from '../../client/index.js';
import { finishedTime } from './job-utils.js';

/**
 * How long a Job waits before replacing failed pods (kube's pkg/controller/job/backoff_utils.go):
 * 10 s after the first failure since the last success, doubling with each further failure, at
 * most 6 minutes. Kept in memory per Job, as kube does; a restarted controller starts afresh.
 */
export const DEFAULT_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 6 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** The record after `succeeded` and `failed` pods newly finished (neither counted before). */
export function nextBackoffRecord(
  previous: BackoffRecord | undefined,
  succeeded: readonly CoreV1.Pod[],
  failed: readonly CoreV1.Pod[],
  now: number,
): BackoffRecord {
  const record: BackoffRecord = previous ? { ...previous } : { failuresAfterLastSuccess: 0 };
  const failedTimes = failed.map((pod) => finishedTime(pod, now)).sort((a, b) => a - b);
  if (succeeded.length === 0) {
    if (failedTimes.length === 0) return record;
    record.failuresAfterLastSuccess += failedTimes.length;
    record.lastFailureTime = failedTimes[failedTimes.length - 1];
    return record;
  }
  // A success resets the count: only failures after the latest success still count.
  const lastSuccess = Math.max(...succeeded.map((pod) => finishedTime(pod, now)));
  const after = failedTimes.filter((t) => t > lastSuccess);
  return after.length === 0
    ? { failuresAfterLastSuccess: 0 }
    : { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1]! };
}

/** How long until new pods may be created; 0 when they may be now. */
export function remainingBackoffMs(record: BackoffRecord | undefined, now: number): number {
  if (!record || record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  let backoff = DEFAULT_BACKOFF_MS;
  for (let i = 1; i < record.failuresAfterLastSuccess; i++) {
    backoff *= 2;
    if (backoff > MAX_BACKOFF_MS) {
      backoff = MAX_BACKOFF_MS;
      break;
    }
  }
  const elapsed = now - record.lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}
