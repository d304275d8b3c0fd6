import type { BatchV1 } from '../../client/index.js';
import type { CronSchedule } from './cron-schedule.js';

/**
 * When a CronJob should have run, as kube's CronJob controller works it out
 * (pkg/controller/cronjob/utils.go, `mostRecentScheduleTime`, `nextScheduleTimeDuration`).
 * Times are ms since the epoch; pure functions, so tests drive them with any clock.
 */

/** More missed start times than this draw the `TooManyMissedTimes` warning. */
export const MANY_MISSED = 100;

/** Requeue a little after the scheduled time, so the time has surely passed (kube's nextScheduleDelta). */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export interface MostRecent {
  /** The last schedule time, or the CronJob's creation time (raised to the starting deadline if asked). */
  earliest: number;
  /** The most recent time a Job should have been created, at or before now; undefined if none. */
  mostRecent?: number;
  /** How many start times were missed: none, few, or more than {@link MANY_MISSED}. */
  missed: 'none' | 'few' | 'many';
}

/**
 * The most recent unmet schedule time since the CronJob last ran (or was created). Only the latest
 * of several missed times matters: the controller starts at most one Job per sync. Throws when two
 * consecutive schedule times are less than a second apart (a schedule that cannot be right).
 */
export function mostRecentScheduleTime(
  cronJob: BatchV1.CronJob,
  now: number,
  schedule: CronSchedule,
  includeStartingDeadline: boolean,
): MostRecent {
  let earliest = Date.parse(cronJob.status?.lastScheduleTime ?? cronJob.metadata?.creationTimestamp ?? '');
  if (Number.isNaN(earliest)) earliest = now;
  const deadline = cronJob.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline != null) {
    // Nothing older than the starting deadline will be started anyway.
    earliest = Math.max(earliest, now - deadline * 1000);
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 'none' };
  if (now < t2) return { earliest, mostRecent: t1, missed: 'none' };

  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  // A rough count (as kube's): how many intervals of the first gap fit between t1 and now. Start
  // one interval earlier than that estimate and let the schedule find the exact latest time.
  const elapsed = Math.floor((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t <= now; t = schedule.next(t)) mostRecent = t;
  const missed = missedCount > MANY_MISSED ? 'many' : 'few';
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** How long until the CronJob should next be looked at: just after its next schedule time. */
export function nextScheduleDelayMs(cronJob: BatchV1.CronJob, now: number, schedule: CronSchedule): number {
  let from: number;
  try {
    const { earliest, mostRecent, missed } = mostRecentScheduleTime(cronJob, now, schedule, false);
    from = mostRecent ?? (missed === 'none' ? earliest : now);
  } catch {
    // Still look again some time: from the next slot after now.
    from = now;
  }
  return schedule.next(from) + NEXT_SCHEDULE_DELTA_MS - now;
}

/** The name of the Job for a scheduled time: `<cronjob>-<minutes since the epoch>`. */
export function jobNameFor(cronJob: BatchV1.CronJob, scheduledTime: number): string {
  return `${cronJob.metadata?.name ?? ''}-${Math.floor(scheduledTime / 60_000)}`;
}
