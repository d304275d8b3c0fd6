/**
 * Cron schedules as CronJob validation parses them: `cron.ParseStandard` of
 * github.com/robfig/cron/v3 (five fields, names for months and weekdays,
 * `@hourly`-style descriptors, `@every <duration>`), with its error messages.
 *
 * The parsed form (sets of allowed values) is also what a CronJob controller
 * needs to compute the next run.
 */

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Whether day-of-month / day-of-week was `*` (robfig's star bit: then only the other restricts). */
  domStar: boolean;
  dowStar: boolean;
  /** For `@every <duration>`: the interval in milliseconds. */
  everyMs?: number;
  /** A `TZ=`/`CRON_TZ=` prefix, if any. */
  timeZone?: string;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
  },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

export class CronError extends Error {}

/** Parse a standard cron spec; throws {@link CronError} with robfig/cron's message. */
export function parseCron(input: string): CronSchedule {
  let spec = input;
  if (spec.length === 0) throw new CronError('empty spec string');
  let timeZone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const name = i < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, i);
    if (!isKnownTimeZone(name))
      throw new CronError(`provided bad location ${name}: unknown time zone ${name}`);
    timeZone = name;
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@')) return { ...parseDescriptor(spec), ...(timeZone ? { timeZone } : {}) };
  const fields = spec.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 5)
    throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
  const minutes = getField(mi, MINUTES);
  const hours = getField(h, HOURS);
  const daysOfMonth = getField(dom, DOM);
  const months = getField(mo, MONTHS);
  const daysOfWeek = getField(dow, DOW);
  return {
    minutes: minutes.values,
    hours: hours.values,
    daysOfMonth: daysOfMonth.values,
    months: months.values,
    daysOfWeek: daysOfWeek.values,
    domStar: daysOfMonth.star,
    dowStar: daysOfWeek.star,
    ...(timeZone ? { timeZone } : {}),
  };
}

function range(min: number, max: number): Set<number> {
  const s = new Set<number>();
  for (let i = min; i <= max; i++) s.add(i);
  return s;
}

function parseDescriptor(spec: string): CronSchedule {
  const all = (b: Bounds) => range(b.min, b.max);
  const at = (
    mi: number,
    h: number,
    dom: Set<number>,
    mo: Set<number>,
    dow: Set<number>,
    domStar = true,
    dowStar = true,
  ) => ({
    minutes: new Set([mi]),
    hours: new Set([h]),
    daysOfMonth: dom,
    months: mo,
    daysOfWeek: dow,
    domStar,
    dowStar,
  });
  switch (spec) {
    case '@yearly':
    case '@annually':
      return at(0, 0, new Set([1]), new Set([1]), all(DOW), false, true);
    case '@monthly':
      return at(0, 0, new Set([1]), all(MONTHS), all(DOW), false, true);
    case '@weekly':
      return at(0, 0, all(DOM), all(MONTHS), new Set([0]), true, false);
    case '@daily':
    case '@midnight':
      return at(0, 0, all(DOM), all(MONTHS), all(DOW));
    case '@hourly':
      return { ...at(0, 0, all(DOM), all(MONTHS), all(DOW)), hours: all(HOURS) };
  }
  const every = '@every ';
  if (spec.startsWith(every)) {
    const text = spec.slice(every.length);
    const ms = parseGoDuration(text);
    if (ms === undefined)
      throw new CronError(`failed to parse duration ${spec}: time: invalid duration ${goQuoteAscii(text)}`);
    return { ...at(0, 0, all(DOM), all(MONTHS), all(DOW)), everyMs: ms };
  }
  throw new CronError(`unrecognized descriptor: ${spec}`);
}

function getField(field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',').filter((e) => e.length > 0)) {
    const r = getRange(expr, b);
    r.values.forEach((v) => values.add(v));
    star = star || r.star;
  }
  return { values, star };
}

function getRange(expr: string, b: Bounds): { values: Set<number>; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, b.names);
    switch (lowAndHigh.length) {
      case 1:
        end = start;
        break;
      case 2:
        end = parseIntOrName(lowAndHigh[1]!, b.names);
        break;
      default:
        throw new CronError(`too many hyphens: ${expr}`);
    }
  }
  let step: number;
  switch (rangeAndStep.length) {
    case 1:
      step = 1;
      break;
    case 2:
      step = mustParseInt(rangeAndStep[1]!);
      if (singleDigit) end = b.max;
      if (step > 1) star = false;
      break;
    default:
      throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  const values = new Set<number>();
  for (let i = start; i <= end; i += step) values.add(i);
  return { values, star };
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  if (names) {
    const v = names[expr.toLowerCase()];
    if (v !== undefined) return v;
  }
  return mustParseInt(expr);
}

function mustParseInt(expr: string): number {
  // Go's strconv.Atoi: optional sign, decimal digits only.
  if (!/^[+-]?[0-9]+$/.test(expr))
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuoteAscii(expr)}: invalid syntax`,
    );
  const num = Number(expr);
  if (!Number.isSafeInteger(num))
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuoteAscii(expr)}: value out of range`,
    );
  if (num < 0) throw new CronError(`negative number (${num}) not allowed: ${expr}`);
  return num;
}

function goQuoteAscii(s: string): string {
  return JSON.stringify(s);
}

/** Go's `time.ParseDuration` in milliseconds (undefined when malformed). */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const m = /^([+-]?)((?:[0-9]*(?:\.[0-9]*)?(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return undefined;
  const unit: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    μs: 1e-3,
    ms: 1,
    s: 1e3,
    m: 6e4,
    h: 3.6e6,
  };
  let total = 0;
  for (const part of m[2]!.matchAll(/([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/g)) {
    if (part[1] === '' || part[1] === '.') return undefined;
    total += Number(part[1]) * unit[part[2]!]!;
  }
  return m[1] === '-' ? -total : total;
}

/** Whether the IANA zone database knows `name` (as Go's `time.LoadLocation`). */
export function isKnownTimeZone(name: string): boolean {
  if (name === 'UTC' || name === '') return true;
  if (name === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
