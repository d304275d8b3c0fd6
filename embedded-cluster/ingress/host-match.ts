/**
 * Host names as Ingress rules match them
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards).
 */

/**
 * The host a request names, as rules compare it: the `Host` header (or TLS SNI) lowercased,
 * without its port or a trailing dot; an IPv6 literal keeps its brackets.
 */
export function normalizeHost(header: string | undefined): string {
  let host = (header ?? '').trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** Whether a rule's host is a wildcard (`*.foo.com`). */
export function isWildcard(pattern: string): boolean {
  return pattern.startsWith('*.');
}

/**
 * Whether `host` matches a rule's host: exactly, or for `*.foo.com` when the host is one more
 * DNS label in front of `foo.com` (`bar.foo.com`, but neither `foo.com` nor `baz.bar.foo.com`).
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (!isWildcard(p)) return p === host;
  const suffix = p.slice(1); // ".foo.com"
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

/** The wildcard pattern a host would match (`bar.foo.com` → `*.foo.com`), if it has one. */
export function wildcardOf(host: string): string | undefined {
  const dot = host.indexOf('.');
  return dot > 0 && dot < host.length - 1 ? `*${host.slice(dot)}` : undefined;
}
