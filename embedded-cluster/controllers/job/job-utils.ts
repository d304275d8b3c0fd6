import type { BatchV1, CoreV1 } from '../../client/index.js';

/**
 * Facts about Jobs and their pods that the Job controller reads (kube's pkg/controller/job/utils.go
 * and the helpers at the end of job_controller.go).
 */

/** Keeps a finished pod in the API until the Job controller has counted it (1.26+ tracking). */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** Annotation (and, since 1.28, label) giving an Indexed Job's pod its completion index. */
export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';
/** The environment variable an Indexed Job's containers read their index from. */
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export type JobCondition = BatchV1.JobCondition;

export function findCondition(job: BatchV1.Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

/** `Complete` or `Failed` when that condition is True: the Job will do nothing more. */
export function finishedType(job: BatchV1.Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

export function isIndexed(job: BatchV1.Job): boolean {
  return job.spec?.completionMode === 'Indexed';
}

export function isSuspended(job: BatchV1.Job): boolean {
  return job.spec?.suspend === true;
}

/** Replace only pods that have Failed, not those still terminating (podReplacementPolicy: Failed). */
export function onlyReplaceFailedPods(job: BatchV1.Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy != null;
}

export function newCondition(
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: string,
): JobCondition {
  return {
    type,
    status,
    lastProbeTime: now,
    lastTransitionTime: now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/**
 * The conditions with `type` set to this status, reason and message (kube's
 * `ensureJobConditionStatus`): a new False condition is not added, since going from nothing to
 * False says nothing. Answers undefined when nothing changes.
 */
export function ensureCondition(
  list: readonly JobCondition[],
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: string,
): JobCondition[] | undefined {
  const index = list.findIndex((c) => c.type === type);
  if (index >= 0) {
    const c = list[index]!;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return undefined;
    const copy = [...list];
    copy[index] = newCondition(type, status, reason, message, now);
    return copy;
  }
  if (status === 'False') return undefined;
  return [...list, newCondition(type, status, reason, message, now)];
}

export function hasTrackingFinalizer(pod: CoreV1.Pod): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

export function isTerminal(pod: CoreV1.Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Running or about to: not finished and not being deleted (kube's `FilterActivePods`). */
export function isActive(pod: CoreV1.Pod): boolean {
  return !isTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

/** Being deleted but not yet finished (kube's `CountTerminatingPods`). */
export function isTerminating(pod: CoreV1.Pod): boolean {
  return !isTerminal(pod) && Boolean(pod.metadata?.deletionTimestamp);
}

export function isReady(pod: CoreV1.Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Whether the pod counts as a failure: it Failed, or (unless only failed pods are replaced) it was
 * deleted before it succeeded, which also counts orphans that never reach a phase.
 */
export function isPodFailed(pod: CoreV1.Pod, job: BatchV1.Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return Boolean(pod.metadata?.deletionTimestamp) && pod.status?.phase !== 'Succeeded';
}

/** The pod's completion index, or -1 when it has none or it is malformed. */
export function completionIndex(pod: CoreV1.Pod): number {
  const text =
    pod.metadata?.annotations?.[COMPLETION_INDEX_KEY] ?? pod.metadata?.labels?.[COMPLETION_INDEX_KEY];
  if (text === undefined || !/^(0|[1-9][0-9]*)$/.test(text)) return -1;
  const index = Number(text);
  return Number.isSafeInteger(index) ? index : -1;
}

/** When the pod finished: its containers' last finish, its Ready=False time, or its deletion. */
export function finishedTime(pod: CoreV1.Pod, now: number): number {
  let latest: number | undefined;
  for (const s of pod.status?.containerStatuses ?? []) {
    const at = s.state?.terminated?.finishedAt;
    if (at) latest = Math.max(latest ?? 0, Date.parse(at));
  }
  if (latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
  if (ready?.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  if (pod.metadata?.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp);
  return now;
}

/** RFC 3339 in UTC, to the second, as the API writes times. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
