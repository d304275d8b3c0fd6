/**
 * Ages and "ago" times as `kubectl get` prints them (apimachinery's `duration.HumanDuration`,
 * short form): `45s`, `5m`, `3h`, `2d`, switching to two units while they stay short (`5m30s`,
 * `2d3h`).
 */

/** The time from `timestamp` (RFC 3339) to `now`, e.g. `5m`; empty when there is none. */
export function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '';
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return '';
  return humanDuration(Math.max(0, now - then));
}

/** A duration in ms, short: `0s`, `59s`, `5m30s`, `3h`, `2d3h`, `400d`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 ? `${days}d${hours % 24}h` : `${days}d`;
  return `${days}d`;
}
