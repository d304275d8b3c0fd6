/**
 * `duration.HumanDuration` (k8s.io/apimachinery/pkg/util/duration): a
 * duration with two or three significant figures, as the AGE column shows it.
 *
 *   59s → "59s", 119s → "119s", 2m → "2m", 9m59s → "9m59s", 10m → "10m",
 *   179m → "179m", 3h → "3h", 7h59m → "7h59m", 8h → "8h", 47h → "47h",
 *   2d → "2d", 7d23h → "7d23h", 8d → "8d", 729d → "729d", 2y → "2y",
 *   7y364d → "7y364d", 8y → "8y"; up to 1s in the future → "0s", more → "<invalid>".
 */
export function humanDuration(milliseconds: number): string {
  // Go truncates toward zero: int(d.Seconds()).
  const seconds = Math.trunc(milliseconds / 1000);
  if (Number.isNaN(seconds) || seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24);
    const dy = days % 365;
    return dy === 0 ? `${Math.trunc(days / 365)}y` : `${Math.trunc(days / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined for none or garbage. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `translateTimestampSince`: how long ago `timestamp` was, `<unknown>` when it is missing. */
export function since(timestamp: unknown, now: number): string {
  const t = parseTime(timestamp);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}
