import { describe, expect, it } from 'vitest';
import {
  formatInZone,
  parseSchedule,
  ScheduleError,
} from '../../../../embedded-cluster/controllers/cron-job/cron-schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** The first `n` run times after `from`. */
function runs(spec: string, from: string, n = 3, zone = 'UTC'): string[] {
  const schedule = parseSchedule(spec, zone);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) out.push(iso((t = schedule.next(t))));
  return out;
}

describe('parseSchedule', () => {
  it('fires strictly after the given time, on minute boundaries', () => {
    expect(runs('* * * * *', '2024-01-01T00:00:30.500Z')).toEqual([
      '2024-01-01T00:01:00.000Z',
      '2024-01-01T00:02:00.000Z',
      '2024-01-01T00:03:00.000Z',
    ]);
    expect(runs('*/15 * * * *', '2024-01-01T00:15:00Z', 2)).toEqual([
      '2024-01-01T00:30:00.000Z',
      '2024-01-01T00:45:00.000Z',
    ]);
  });

  it('knows the descriptors robfig/cron knows', () => {
    expect(runs('@hourly', '2024-01-01T00:10:00Z', 1)).toEqual(['2024-01-01T01:00:00.000Z']);
    expect(runs('@daily', '2024-01-01T00:10:00Z', 1)).toEqual(['2024-01-02T00:00:00.000Z']);
    expect(runs('@midnight', '2024-01-01T00:10:00Z', 1)).toEqual(['2024-01-02T00:00:00.000Z']);
    expect(runs('@weekly', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-07T00:00:00.000Z']); // a Sunday
    expect(runs('@monthly', '2024-01-15T00:00:00Z', 1)).toEqual(['2024-02-01T00:00:00.000Z']);
    expect(runs('@yearly', '2024-01-15T00:00:00Z', 1)).toEqual(['2025-01-01T00:00:00.000Z']);
    expect(runs('@annually', '2024-01-15T00:00:00Z', 1)).toEqual(['2025-01-01T00:00:00.000Z']);
  });

  it('runs @every <duration> at a constant delay in whole seconds', () => {
    expect(runs('@every 90s', '2024-01-01T00:00:00.250Z', 2)).toEqual([
      '2024-01-01T00:01:30.000Z',
      '2024-01-01T00:03:00.000Z',
    ]);
    expect(runs('@every 1h30m', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-01T01:30:00.000Z']);
  });

  it('matches either day of month or day of week when both are restricted, as cron does', () => {
    // 13th of the month or a Friday; January 2024 starts on a Monday.
    expect(runs('0 0 13 * 5', '2024-01-01T00:00:00Z', 3)).toEqual([
      '2024-01-05T00:00:00.000Z',
      '2024-01-12T00:00:00.000Z',
      '2024-01-13T00:00:00.000Z',
    ]);
    expect(runs('0 9 * * mon-fri', '2024-01-05T10:00:00Z', 1)).toEqual(['2024-01-08T09:00:00.000Z']);
    expect(runs('0 0 1 jan,JUL *', '2024-02-01T00:00:00Z', 1)).toEqual(['2024-07-01T00:00:00.000Z']);
  });

  it('reads the schedule in the given time zone, across daylight saving changes', () => {
    expect(runs('30 2 * * *', '2024-03-08T12:00:00Z', 1, 'America/New_York')).toEqual([
      '2024-03-09T07:30:00.000Z',
    ]);
    expect(runs('0 12 * * *', '2024-07-01T00:00:00Z', 1, 'Europe/Berlin')).toEqual([
      '2024-07-01T10:00:00.000Z',
    ]);
    // A TZ= prefix in an old object overrides the zone.
    expect(runs('TZ=Asia/Tokyo 0 9 * * *', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-02T00:00:00.000Z']);
  });

  it("refuses what Kubernetes' parser refuses, with its message", () => {
    const error = (spec: string) => {
      try {
        parseSchedule(spec, 'UTC');
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(error('0 0 0 1 1 *')).toBeInstanceOf(ScheduleError);
    expect((error('0 0 0 1 1 *') as Error).message).toBe('expected exactly 5 fields, found 6: [0 0 0 1 1 *]');
    expect((error('0 0 L * *') as ScheduleError).kind).toBe('unparseable');
    expect((error('0 0 * * 1#1') as ScheduleError).kind).toBe('unparseable');
    expect((error('0 0 * * 7') as Error).message).toBe('end of range (7) above maximum (6): 7');
    expect((error('@minutely') as Error).message).toBe('unrecognized descriptor: @minutely');
    expect((error('TZ=Nowhere/Atlantis * * * * *') as ScheduleError).kind).toBe('unparseable');
    // Grammatical, but never fires: February has no 31st.
    expect((error('0 0 31 2 *') as ScheduleError).kind).toBe('invalid');
  });
});

describe('formatInZone', () => {
  it("writes RFC 3339 with the zone's offset, Z for UTC", () => {
    const t = at('2024-01-01T10:00:00.400Z');
    expect(formatInZone(t, 'UTC')).toBe('2024-01-01T10:00:00Z');
    expect(formatInZone(t, 'Europe/Berlin')).toBe('2024-01-01T11:00:00+01:00');
    expect(formatInZone(t, 'America/New_York')).toBe('2024-01-01T05:00:00-05:00');
    expect(formatInZone(t, 'Asia/Kolkata')).toBe('2024-01-01T15:30:00+05:30');
    expect(formatInZone(t, 'Europe/London')).toBe('2024-01-01T10:00:00Z');
  });
});
