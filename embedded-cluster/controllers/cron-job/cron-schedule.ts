import { CronExpressionParser } from 'cron-parser';
import { CronError, isKnownTimeZone, parseCron } from '../../api/validation/index.js';

/**
 * A CronJob's schedule: when it fires next. This module is the only one that imports the
 * `cron-parser` library (as kube keeps `robfig/cron` behind `cron.ParseStandard`).
 *
 * The grammar is Kubernetes' (robfig/cron v3 `ParseStandard`): five fields, month and weekday
 * names, the descriptors `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`,
 * `@hourly` and `@every <duration>`. Validation already refuses anything else; the same parser
 * checks it here, so cron-parser's own extras (seconds, `L`, `#`, `H`) are never accepted. Day of
 * month and day of week combine as in cron: when both are restricted, either may match.
 *
 * A `TZ=`/`CRON_TZ=` prefix (which the API refuses in new CronJobs since 1.27, in favour of
 * `spec.timeZone`, but which old objects may still carry) overrides the zone.
 */
export interface CronSchedule {
  /** The first time (ms since the epoch) the schedule fires strictly after `after`. */
  next(after: number): number;
}

/** Why a schedule cannot be used: `unparseable` (robfig's grammar) or `invalid` (never fires). */
export class ScheduleError extends Error {
  constructor(
    readonly kind: 'unparseable' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** The five-field form of each descriptor, as robfig/cron defines them. */
const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * Parse `spec` for computing run times in `timeZone` (an IANA name; the controller passes
 * `spec.timeZone`, else its own local zone, as kube-controller-manager uses its process's zone).
 * Throws {@link ScheduleError}.
 */
export function parseSchedule(spec: string, timeZone: string): CronSchedule {
  let text = spec.trim();
  let zone = timeZone;
  const prefix = /^(?:CRON_)?TZ=(\S*)\s*/.exec(text);
  if (prefix) {
    zone = prefix[1]!;
    text = text.slice(prefix[0].length);
  }
  if (!isKnownTimeZone(zone)) throw new ScheduleError('unparseable', `provided bad location ${zone}`);
  if (zone === 'Local') zone = localTimeZone();
  let parsed;
  try {
    parsed = parseCron(text);
  } catch (error) {
    throw new ScheduleError('unparseable', error instanceof CronError ? error.message : String(error));
  }
  if (parsed.everyMs !== undefined) return constantDelay(parsed.everyMs);
  const expression = DESCRIPTORS[text] ?? text;
  const options = { tz: zone || 'UTC' };
  try {
    // Parsing fails for schedules that never fire, such as `0 0 31 2 *`.
    CronExpressionParser.parse(expression, options).next();
  } catch (error) {
    throw new ScheduleError('invalid', error instanceof Error ? error.message : String(error));
  }
  return {
    next: (after) =>
      CronExpressionParser.parse(expression, { ...options, currentDate: new Date(after) })
        .next()
        .getTime(),
  };
}

/** `@every <d>`: robfig's ConstantDelaySchedule, whole seconds (at least one), on second boundaries. */
function constantDelay(everyMs: number): CronSchedule {
  const delay = Math.max(1000, everyMs - (everyMs % 1000));
  return { next: (after) => after - (after % 1000) + delay };
}

/** The zone this process runs in (what Go's `time.Local` would be). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * `time` in RFC 3339 as seen in `timeZone` (`2024-01-01T10:00:00+01:00`; `Z` for UTC), as Go's
 * `t.In(loc).Format(time.RFC3339)`.
 */
export function formatInZone(time: number, timeZone: string): string {
  const seconds = Math.floor(time / 1000) * 1000;
  if (!timeZone || timeZone === 'UTC') return new Date(seconds).toISOString().replace(/\.\d+Z$/, 'Z');
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(seconds))
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offsetMinutes = Math.round((wall - seconds) / 60_000);
  const local = new Date(wall).toISOString().replace(/\.\d+Z$/, '');
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
