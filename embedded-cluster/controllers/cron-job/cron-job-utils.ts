import { controllerReference, type BatchV1, type CoreV1 } from '../../client/index.js';
import { formatInZone } from './cron-schedule.js';
import { jobNameFor } from './schedule-times.js';

/** Helpers of the CronJob controller for its Jobs (kube's pkg/controller/cronjob/utils.go). */

/** The annotation carrying a Job's scheduled time, in the CronJob's time zone (RFC 3339). */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** `Complete` or `Failed` if the Job has finished (that condition is True), else undefined. */
export function finishedType(job: BatchV1.Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

export function inActiveList(cronJob: BatchV1.CronJob, uid: string | undefined): boolean {
  return (cronJob.status?.active ?? []).some((ref) => ref.uid === uid);
}

export function inActiveListByName(cronJob: BatchV1.CronJob, name: string): boolean {
  return (cronJob.status?.active ?? []).some((ref) => ref.name === name);
}

/** A copy of the CronJob's status without the Job with this uid in `active`. */
export function withoutActive(cronJob: BatchV1.CronJob, uid: string | undefined): BatchV1.CronJob {
  const active = (cronJob.status?.active ?? []).filter((ref) => ref.uid !== uid);
  return { ...cronJob, status: { ...cronJob.status, active } };
}

/** The reference `status.active` keeps to a Job. */
export function jobReference(job: BatchV1.Job): CoreV1.ObjectReference {
  const meta = job.metadata ?? {};
  return {
    kind: 'Job',
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    apiVersion: 'batch/v1',
    ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
  };
}

/**
 * The Job a CronJob starts for `scheduledTime` (kube's `getJobFromTemplate2`): the template's
 * labels, annotations and spec, a name fixed by the time (so a time is never run twice), the
 * scheduled-timestamp annotation and the CronJob as controller.
 */
export function jobFromTemplate(cronJob: BatchV1.CronJob, scheduledTime: number): BatchV1.Job {
  const template = cronJob.spec?.jobTemplate ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cronJob, scheduledTime),
      namespace: cronJob.metadata?.namespace ?? '',
      labels: { ...template.metadata?.labels },
      annotations: {
        ...template.metadata?.annotations,
        // An unset spec.timeZone means UTC here, as `time.LoadLocation("")` in kube.
        [SCHEDULED_TIMESTAMP_ANNOTATION]: formatInZone(scheduledTime, cronJob.spec?.timeZone ?? 'UTC'),
      },
      ownerReferences: [controllerReference(cronJob)],
    },
    spec: structuredClone(template.spec ?? { template: {} }),
  };
}

/** Jobs oldest first by start time (those not started last), then by name (kube's byJobStartTime). */
export function byStartTime(a: BatchV1.Job, b: BatchV1.Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (sa && !sb) return -1;
  if (!sa && sb) return 1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

/** RFC 3339 in UTC, to the second, as the API writes times. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Go's RFC1123Z layout in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}
