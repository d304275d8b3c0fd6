/**
 * One line of a container's log as the dashboard keeps it. The API server prefixes each line
 * with its RFC 3339 time (nanoseconds) when asked with `timestamps=true`
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#get-read-log-of-the-specified-pod);
 * the dashboard always asks, so it can order merged streams and resume a broken one from the
 * last line seen, and shows the time only when the user wants it.
 */
export interface LogLine {
  text: string;
  /** The server's timestamp as sent, e.g. `2024-05-01T10:00:00.123456789Z`. */
  time?: string | undefined;
  /** The timestamp in microseconds since the epoch (fits a double exactly), for ordering. */
  micros?: number | undefined;
  /** Which stream it came from (an index into the session's sources), for merged logs. */
  source?: number | undefined;
  /** A line the dashboard wrote itself (a stream started, ended, failed), not the container. */
  marker?: boolean | undefined;
}

const TIMESTAMPED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}) ?/;

/** Split `<RFC 3339 time> <text>` into its parts; a line without a time keeps its whole text. */
export function parseTimestamped(raw: string): LogLine {
  const match = TIMESTAMPED.exec(raw);
  if (!match) return { text: raw };
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return { text: raw };
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return {
    text: raw.slice(match[0].length),
    time: match[0].trimEnd(),
    micros: seconds * 1000 + Number(fraction),
  };
}

/** An RFC 3339 time for `sinceTime` from microseconds (the server takes fractional seconds). */
export function sinceTimeOf(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const rest = String(micros % 1000).padStart(3, '0');
  return new Date(ms).toISOString().replace('Z', `${rest}Z`);
}
