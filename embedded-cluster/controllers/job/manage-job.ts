import type { CoreV1 } from '../../client/index.js';
import { remainingBackoffMs } from './backoff.js';
import { firstPendingIndexes } from './indexes.js';
import { completionIndex, isIndexed, isReady, isSuspended, onlyReplaceFailedPods } from './job-utils.js';
import { podForJob } from './pod-template.js';
import type { SyncContext, SyncDeps } from './sync-context.js';

/** At most this many pods are created or deleted in one sync (kube's MaxPodCreateDeletePerSync). */
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export interface ManageResult {
  active: number;
  requeueAfterMs?: number;
}

/**
 * Bring the number of running pods to what the Job wants (kube's `manageJob`): none while
 * suspended; otherwise `parallelism`, but never more than the completions still missing. Excess
 * pods go first; new ones wait for the failure backoff. Deletions and creations never mix in one
 * sync.
 */
export async function manageJob(ctx: SyncContext, deps: SyncDeps): Promise<ManageResult> {
  const { job, key } = ctx;
  let active = ctx.activePods.length;
  const parallelism = job.spec?.parallelism ?? 1;

  if (isSuspended(job)) {
    const removed = await deleteJobPods(ctx, deps, ctx.activePods);
    return { active: active - removed };
  }

  let wantActive: number;
  const completions = job.spec?.completions;
  if (completions == null) {
    // A work queue: once any pod succeeded, leave what runs running and start nothing new.
    wantActive = ctx.succeeded > 0 ? active : parallelism;
  } else {
    wantActive = Math.max(0, Math.min(completions - ctx.succeeded, parallelism));
  }

  const toDelete = podsForRemoval(ctx, Math.max(0, active - wantActive)).slice(
    0,
    MAX_POD_CREATE_DELETE_PER_SYNC,
  );
  if (toDelete.length > 0) {
    const removed = await deleteJobPods(ctx, deps, toDelete);
    return { active: active - removed };
  }

  const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
  let diff = wantActive - terminating - active;
  if (diff <= 0) return { active };
  const wait = remainingBackoffMs(ctx.newBackoff, ctx.now);
  if (wait > 0) return { active, requeueAfterMs: wait };
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);

  let indexes: (number | undefined)[];
  if (isIndexed(job)) {
    const running = new Set(ctx.activePods.map(completionIndex));
    indexes = firstPendingIndexes(ctx.succeededIndexes, running, diff, completions ?? 0);
    diff = indexes.length;
  } else {
    indexes = Array.from({ length: diff }, () => undefined);
  }
  if (diff === 0) return { active };

  // Slow start, as kube: batches of 1, 2, 4 … so a template that cannot be created fails once,
  // not hundreds of times.
  deps.expectations.expect(key, diff, 0);
  let created = 0;
  let failure: unknown;
  for (let batch = 1; indexes.length > 0; batch *= 2) {
    const chunk = indexes.splice(0, batch);
    const results = await Promise.allSettled(
      chunk.map((index) => deps.pods.create(job, podForJob(job, index))),
    );
    for (const result of results) {
      if (result.status === 'fulfilled') created++;
      else {
        failure ??= result.reason;
        deps.expectations.creationObserved(key);
      }
    }
    if (failure) {
      // What was never tried will not be seen either.
      for (let i = 0; i < indexes.length; i++) deps.expectations.creationObserved(key);
      break;
    }
  }
  active += created;
  if (failure) throw failure;
  return { active };
}

/** Remove the tracking finalizer, then delete: these pods leave without counting as failures. */
async function deleteJobPods(ctx: SyncContext, deps: SyncDeps, pods: CoreV1.Pod[]): Promise<number> {
  deps.expectations.expect(ctx.key, 0, pods.length);
  let removed = 0;
  let failure: unknown;
  await Promise.all(
    pods.map(async (pod) => {
      try {
        await deps.pods.removeFinalizer(pod);
        await deps.pods.delete(ctx.job, pod);
        removed++;
        if (isReady(pod)) ctx.ready--;
      } catch (error) {
        deps.expectations.deletionObserved(ctx.key);
        failure ??= error;
      }
    }),
  );
  ctx.terminating += removed;
  if (failure) throw failure;
  return removed;
}

/**
 * Which active pods to delete: for an Indexed Job first those with a missing, out-of-range or
 * repeated index; then, to reach `atLeast`, those least far along (kube's `activePodsForRemoval`).
 */
function podsForRemoval(ctx: SyncContext, atLeast: number): CoreV1.Pod[] {
  const remove: CoreV1.Pod[] = [];
  let left = ctx.activePods;
  if (isIndexed(ctx.job)) {
    const completions = ctx.job.spec?.completions ?? 0;
    const byIndex = new Map<number, CoreV1.Pod[]>();
    for (const pod of ctx.activePods) {
      const index = completionIndex(pod);
      if (index < 0 || index >= completions) remove.push(pod);
      else byIndex.set(index, [...(byIndex.get(index) ?? []), pod]);
    }
    left = [];
    for (const same of byIndex.values()) {
      const sorted = [...same].sort(removalOrder);
      remove.push(...sorted.slice(0, -1));
      left.push(sorted[sorted.length - 1]!);
    }
  }
  if (remove.length < atLeast) remove.push(...[...left].sort(removalOrder).slice(0, atLeast - remove.length));
  return remove;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Pods least worth keeping first (kube's `controller.ActivePods`): unscheduled before scheduled,
 * pending before running, not ready before ready, then newer before older.
 */
export function removalOrder(a: CoreV1.Pod, b: CoreV1.Pod): number {
  const scheduled = Number(Boolean(a.spec?.nodeName)) - Number(Boolean(b.spec?.nodeName));
  if (scheduled !== 0) return scheduled;
  const phase =
    (PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0) - (PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0);
  if (phase !== 0) return phase;
  const ready = Number(isReady(a)) - Number(isReady(b));
  if (ready !== 0) return ready;
  return (
    Date.parse(b.metadata?.creationTimestamp ?? '') - Date.parse(a.metadata?.creationTimestamp ?? '') || 0
  );
}
