import { describe, expect, it } from 'vitest';
import type { BatchV1 } from '../../../../embedded-cluster/client/index.js';
import { parseSchedule } from '../../../../embedded-cluster/controllers/cron-job/cron-schedule.js';
import {
  jobNameFor,
  mostRecentScheduleTime,
  nextScheduleDelayMs,
} from '../../../../embedded-cluster/controllers/cron-job/schedule-times.js';

const at = (iso: string) => Date.parse(iso);
const everyMinute = parseSchedule('* * * * *', 'UTC');
const hourly = parseSchedule('0 * * * *', 'UTC');

function cronJob(
  created: string,
  extra: Partial<BatchV1.CronJobSpec> = {},
  lastSchedule?: string,
): BatchV1.CronJob {
  return {
    metadata: { name: 'cj', namespace: 'default', creationTimestamp: created },
    spec: { schedule: '* * * * *', jobTemplate: {}, ...extra },
    ...(lastSchedule ? { status: { lastScheduleTime: lastSchedule } } : {}),
  };
}

describe('mostRecentScheduleTime', () => {
  it('finds nothing before the first run after creation', () => {
    const result = mostRecentScheduleTime(
      cronJob('2024-01-01T00:00:10Z'),
      at('2024-01-01T00:00:50Z'),
      everyMinute,
      true,
    );
    expect(result).toEqual({ earliest: at('2024-01-01T00:00:10Z'), missed: 'none' });
  });

  it('finds the one due run', () => {
    const result = mostRecentScheduleTime(
      cronJob('2024-01-01T00:00:10Z'),
      at('2024-01-01T00:01:05Z'),
      everyMinute,
      true,
    );
    expect(result.mostRecent).toBe(at('2024-01-01T00:01:00Z'));
    expect(result.missed).toBe('none');
  });

  it('of several missed runs, answers only the latest', () => {
    const result = mostRecentScheduleTime(
      cronJob('2024-01-01T00:00:00Z', {}, '2024-01-01T01:00:00Z'),
      at('2024-01-01T05:30:00Z'),
      hourly,
      true,
    );
    expect(result.mostRecent).toBe(at('2024-01-01T05:00:00Z'));
    expect(result.missed).toBe('few');
  });

  it('says "many" past 100 missed runs, still with the latest', () => {
    const result = mostRecentScheduleTime(
      cronJob('2024-01-01T00:00:00Z'),
      at('2024-01-01T03:00:30Z'),
      everyMinute,
      true,
    );
    expect(result.missed).toBe('many');
    expect(result.mostRecent).toBe(at('2024-01-01T03:00:00Z'));
  });

  it('ignores runs older than startingDeadlineSeconds', () => {
    const job = cronJob('2024-01-01T00:00:00Z', { startingDeadlineSeconds: 60 });
    expect(mostRecentScheduleTime(job, at('2024-01-01T03:00:30Z'), everyMinute, true)).toMatchObject({
      mostRecent: at('2024-01-01T03:00:00Z'),
      missed: 'none',
    });
    expect(mostRecentScheduleTime(job, at('2024-01-01T03:00:30Z'), everyMinute, false).missed).toBe('many');
  });
});

describe('nextScheduleDelayMs', () => {
  it('wakes just after the next run', () => {
    expect(
      nextScheduleDelayMs(cronJob('2024-01-01T00:00:10Z'), at('2024-01-01T00:00:50Z'), everyMinute),
    ).toBe(10_100);
    expect(
      nextScheduleDelayMs(
        cronJob('2024-01-01T00:00:00Z', {}, '2024-01-01T01:00:00Z'),
        at('2024-01-01T01:20:00Z'),
        hourly,
      ),
    ).toBe(40 * 60_000 + 100);
  });
});

describe('jobNameFor', () => {
  it('names the Job after the scheduled minute since the epoch', () => {
    expect(jobNameFor(cronJob('2024-01-01T00:00:00Z'), at('2024-01-01T00:01:00Z'))).toBe('cj-28401121');
  });
});
