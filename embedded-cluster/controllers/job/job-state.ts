import type { BatchV1, CoreV1 } from '../../client/index.js';
import { nextBackoffRecord, type BackoffRecord } from './backoff.js';
import { parseIndexes, totalIndexes, withIndexes } from './indexes.js';
import {
  completionIndex,
  hasTrackingFinalizer,
  isActive,
  isIndexed,
  isPodFailed,
  isReady,
  isSuspended,
  isTerminating,
  newCondition,
  rfc3339,
  type JobCondition,
} from './job-utils.js';
import type { SyncContext } from './sync-context.js';

/**
 * Everything one sync of a Job reads, worked out from the cached Job and its pods (the first half
 * of kube's `syncJob`): active, ready and terminating pods, and the succeeded and failed counts
 * including pods finished since the last status write.
 */
export function buildSyncContext(input: {
  key: string;
  job: BatchV1.Job;
  pods: CoreV1.Pod[];
  expectedRmFinalizers: ReadonlySet<string>;
  backoff: BackoffRecord | undefined;
  now: number;
}): SyncContext {
  const { key, pods, now } = input;
  const job = structuredClone(input.job);
  const status = { ...job.status };
  const uncounted = {
    succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])],
    failed: [...(status.uncountedTerminatedPods?.failed ?? [])],
  };
  const activePods = pods.filter(isActive);
  const expectedRmFinalizers = new Set(input.expectedRmFinalizers);
  const wasUncountedSucceeded = new Set(uncounted.succeeded);
  const wasUncountedFailed = new Set(uncounted.failed);
  const indexed = isIndexed(job);
  const completions = job.spec?.completions ?? 0;
  // Pods already counted (no finalizer) or listed as uncounted are not new.
  const countable = (pod: CoreV1.Pod, uncountedSet: ReadonlySet<string>) => {
    const uid = pod.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(pod) || uncountedSet.has(uid) || expectedRmFinalizers.has(uid)) return false;
    const index = completionIndex(pod);
    return !indexed || (index >= 0 && index < completions);
  };
  const newSucceeded = pods.filter(
    (pod) => countable(pod, wasUncountedSucceeded) && pod.status?.phase === 'Succeeded',
  );
  const newFailed = pods.filter((pod) => countable(pod, wasUncountedFailed) && isPodFailed(pod, job));
  const prevSucceededIndexes = indexed ? parseIndexes(status.completedIndexes, completions) : [];
  const succeededIndexes = indexed
    ? withIndexes(
        prevSucceededIndexes,
        pods
          .filter((pod) => hasTrackingFinalizer(pod) && pod.status?.phase === 'Succeeded')
          .map(completionIndex)
          .filter((index) => index >= 0 && index < completions),
      )
    : [];
  return {
    key,
    now,
    job,
    status,
    uncounted,
    pods,
    activePods,
    ready: activePods.filter(isReady).length,
    terminating: pods.filter(isTerminating).length,
    succeeded: indexed
      ? totalIndexes(succeededIndexes)
      : (status.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.length,
    failed: (status.failed ?? 0) + newFailed.length + uncounted.failed.length,
    wasUncountedSucceeded,
    wasUncountedFailed,
    expectedRmFinalizers,
    prevSucceededIndexes,
    succeededIndexes,
    newBackoff: nextBackoffRecord(input.backoff, newSucceeded, newFailed, now),
  };
}

/**
 * The condition that ends the Job, if one applies: one already written (SuccessCriteriaMet, or
 * FailureTarget which becomes Failed), the backoff limit passed, or the active deadline reached.
 */
export function interimCondition(ctx: SyncContext): JobCondition | undefined {
  const { job } = ctx;
  const now = rfc3339(ctx.now);
  const met = job.status?.conditions?.find((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
  if (met) return met;
  const target = job.status?.conditions?.find((c) => c.type === 'FailureTarget' && c.status === 'True');
  if (target) return newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
  if (ctx.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, ctx.pods)) {
    return newCondition(
      'FailureTarget',
      'True',
      'BackoffLimitExceeded',
      'Job has reached the specified backoff limit',
      now,
    );
  }
  const deadline = job.spec?.activeDeadlineSeconds;
  const started = ctx.status.startTime;
  if (deadline != null && started && !isSuspended(job) && ctx.now - Date.parse(started) >= deadline * 1000) {
    return newCondition(
      'FailureTarget',
      'True',
      'DeadlineExceeded',
      'Job was active longer than specified deadline',
      now,
    );
  }
  return undefined;
}

/**
 * For restartPolicy OnFailure the kubelet restarts containers instead of failing the pod: the
 * restarts of running pods count against `backoffLimit` (kube's `pastBackoffLimitOnFailure`).
 */
function pastBackoffLimitOnFailure(job: BatchV1.Job, pods: readonly CoreV1.Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
    for (const s of [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]) {
      restarts += s.restartCount ?? 0;
    }
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}
