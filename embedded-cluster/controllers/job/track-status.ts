import type { CoreV1 } from '../../client/index.js';
import { formatIndexes, hasIndex, totalIndexes, withIndexes } from './indexes.js';
import {
  completionIndex,
  ensureCondition,
  hasTrackingFinalizer,
  isIndexed,
  isPodFailed,
  newCondition,
  rfc3339,
} from './job-utils.js';
import type { JobStatusDraft, SyncContext, SyncDeps } from './sync-context.js';

/** At most this many pods wait in `uncountedTerminatedPods` at once (kube's MaxUncountedPods). */
const MAX_UNCOUNTED_PODS = 500;

/**
 * Count finished pods so the counts survive their deletion (kube's
 * `trackJobStatusAndRemoveFinalizers`, the 1.26+ finalizer-based tracking):
 *
 * 1. list newly finished pods by uid in `status.uncountedTerminatedPods` and write the status;
 * 2. remove their `batch.kubernetes.io/job-tracking` finalizers;
 * 3. move the pods whose finalizer is gone from the uncounted lists into `succeeded`/`failed`;
 * 4. once nothing is uncounted and nothing terminating, turn the interim condition
 *    (SuccessCriteriaMet, FailureTarget) into the final one (Complete, Failed), with events.
 *
 * A crash between the steps loses nothing: the next sync finds the uids and finalizers as left.
 */
export async function trackStatusAndRemoveFinalizers(
  ctx: SyncContext,
  deps: SyncDeps,
  needsFlushAtStart: boolean,
): Promise<void> {
  let needsFlush = needsFlushAtStart;
  const { status, uncounted } = ctx;
  const indexed = isIndexed(ctx.job);
  const completions = ctx.job.spec?.completions ?? 0;
  const validIndex = (pod: CoreV1.Pod) => {
    const index = completionIndex(pod);
    return index >= 0 && index < completions;
  };
  const pods = indexed ? [...ctx.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : ctx.pods;
  const uidsWithFinalizer = new Set<string>();
  for (const pod of pods) {
    const uid = pod.metadata?.uid ?? '';
    if (hasTrackingFinalizer(pod) && !ctx.expectedRmFinalizers.has(uid)) uidsWithFinalizer.add(uid);
  }
  if (moveCounted(status, uncounted, uidsWithFinalizer)) needsFlush = true;

  const toRelease: CoreV1.Pod[] = [];
  const newSucceededIndexes: number[] = [];
  let reachedMax = false;
  for (const pod of pods) {
    const uid = pod.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(pod) || ctx.expectedRmFinalizers.has(uid)) continue;
    const failed = isPodFailed(pod, ctx.job);
    const canRelease =
      Boolean(ctx.job.metadata?.deletionTimestamp) ||
      ctx.finished !== undefined ||
      pod.status?.phase === 'Succeeded' ||
      failed;
    if (!canRelease) continue;
    toRelease.push(pod);
    if (pod.status?.phase === 'Succeeded' && !ctx.wasUncountedFailed.has(uid)) {
      if (indexed) {
        const index = completionIndex(pod);
        if (validIndex(pod) && !hasIndex(ctx.prevSucceededIndexes, index)) {
          newSucceededIndexes.push(index);
          needsFlush = true;
        }
      } else if (!ctx.wasUncountedSucceeded.has(uid)) {
        uncounted.succeeded.push(uid);
        needsFlush = true;
      }
    } else if (failed || (ctx.finished !== undefined && ctx.finished.type !== 'SuccessCriteriaMet')) {
      // Once the Job is finished, every pod that did not succeed counts as failed.
      if (!ctx.wasUncountedFailed.has(uid) && (!indexed || validIndex(pod))) {
        uncounted.failed.push(uid);
        needsFlush = true;
      }
    }
    if (
      newSucceededIndexes.length + uncounted.succeeded.length + uncounted.failed.length >=
      MAX_UNCOUNTED_PODS
    ) {
      // The rest waits for the next sync, so one big Job cannot starve the others.
      reachedMax = true;
      break;
    }
  }
  if (indexed) {
    ctx.succeededIndexes = withIndexes(ctx.succeededIndexes, newSucceededIndexes);
    const text = formatIndexes(ctx.succeededIndexes);
    if (text !== (status.completedIndexes ?? '')) needsFlush = true;
    status.succeeded = totalIndexes(ctx.succeededIndexes);
    status.completedIndexes = text;
  }
  const now = rfc3339(ctx.now);
  if (ctx.finished?.type === 'FailureTarget') {
    // Written before the finalizers go, so the reason survives a crash.
    status.conditions = [...(status.conditions ?? []), ctx.finished];
    needsFlush = true;
    ctx.finished = newCondition('Failed', 'True', ctx.finished.reason ?? '', ctx.finished.message ?? '', now);
  }
  if (ctx.finished?.type === 'SuccessCriteriaMet') {
    if (!status.conditions?.some((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True')) {
      status.conditions = [...(status.conditions ?? []), ctx.finished];
      needsFlush = true;
    }
    ctx.finished = newCondition(
      'Complete',
      'True',
      ctx.finished.reason ?? '',
      ctx.finished.message ?? '',
      now,
    );
  }

  // Step 1: record the uids before touching the pods.
  if (needsFlush) {
    await flush(ctx, deps);
    deps.saveBackoff(ctx.key, ctx.newBackoff);
    needsFlush = false;
  }
  // Step 2.
  let releaseError: unknown;
  await Promise.all(
    toRelease.map(async (pod) => {
      const uid = pod.metadata?.uid ?? '';
      deps.expectations.expectFinalizerRemoved(ctx.key, uid);
      try {
        await deps.pods.removeFinalizer(pod);
        uidsWithFinalizer.delete(uid);
      } catch (error) {
        deps.expectations.finalizerRemovalObserved(ctx.key, uid);
        releaseError ??= error;
      }
    }),
  );
  // Step 3.
  if (moveCounted(status, uncounted, uidsWithFinalizer)) needsFlush = true;
  if (releaseError) {
    if (needsFlush) await flush(ctx, deps);
    throw releaseError;
  }
  // Step 4.
  const finished = !reachedMax && enactFinished(ctx);
  if (finished) needsFlush = true;
  if (needsFlush) {
    await flush(ctx, deps);
    if (finished && ctx.finished) deps.recordFinished(ctx.job, ctx.finished);
  }
}

/**
 * Move uncounted pods whose finalizer is gone (or who are gone) into the counters
 * (kube's `cleanUncountedPodsWithoutFinalizers`); answers whether anything moved.
 */
function moveCounted(
  status: JobStatusDraft,
  uncounted: { succeeded: string[]; failed: string[] },
  withFinalizer: ReadonlySet<string>,
): boolean {
  let changed = false;
  const keepSucceeded = uncounted.succeeded.filter((uid) => withFinalizer.has(uid));
  if (keepSucceeded.length !== uncounted.succeeded.length) {
    status.succeeded = (status.succeeded ?? 0) + uncounted.succeeded.length - keepSucceeded.length;
    uncounted.succeeded = keepSucceeded;
    changed = true;
  }
  const keepFailed = uncounted.failed.filter((uid) => withFinalizer.has(uid));
  if (keepFailed.length !== uncounted.failed.length) {
    status.failed = (status.failed ?? 0) + uncounted.failed.length - keepFailed.length;
    uncounted.failed = keepFailed;
    changed = true;
  }
  return changed;
}

/** Set the final condition, unless pods are still uncounted or terminating (kube's `enactJobFinished`). */
function enactFinished(ctx: SyncContext): boolean {
  const condition = ctx.finished;
  if (!condition) return false;
  if (ctx.uncounted.succeeded.length + ctx.uncounted.failed.length > 0) return false;
  if (ctx.terminating > 0) return false;
  const now = rfc3339(ctx.now);
  const conditions = ensureCondition(
    ctx.status.conditions ?? [],
    condition.type,
    'True',
    condition.reason ?? '',
    condition.message ?? '',
    now,
  );
  if (conditions) ctx.status.conditions = conditions;
  if (condition.type === 'Complete') ctx.status.completionTime = condition.lastTransitionTime ?? now;
  return true;
}

/** Write the status draft; later writes build on the stored Job. */
async function flush(ctx: SyncContext, deps: SyncDeps): Promise<void> {
  ctx.status.uncountedTerminatedPods = {
    ...(ctx.uncounted.succeeded.length > 0 ? { succeeded: [...ctx.uncounted.succeeded] } : {}),
    ...(ctx.uncounted.failed.length > 0 ? { failed: [...ctx.uncounted.failed] } : {}),
  };
  const status: JobStatusDraft = { ...ctx.status };
  // Counters are omitted when zero, as kube's JSON (`omitempty`) leaves them out.
  for (const field of ['active', 'succeeded', 'failed'] as const) if (!status[field]) delete status[field];
  ctx.job = await deps.writeStatus({ ...ctx.job, status });
}
