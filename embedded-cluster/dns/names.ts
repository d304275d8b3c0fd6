import { isIPv4, isIPv6 } from 'node:net';

/**
 * DNS names and addresses as the cluster DNS reads them: case-folded names without the trailing
 * dot (dns-packet's form), IPs in one canonical spelling so indexes and reverse names meet, and
 * the dashed spellings Kubernetes uses inside names (`10-244-0-5`).
 */

/** A name compared case-insensitively (RFC 4343), without a trailing dot. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Whether `name` is `zone` or below it (both canonical). */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** The labels of `name` left of `zone` (`a.b.zone` → `['a', 'b']`); `name` must be in the zone. */
export function labelsBelow(name: string, zone: string): string[] {
  return name === zone ? [] : name.slice(0, -(zone.length + 1)).split('.');
}

/** An IP in one spelling: IPv4 as is, IPv6 as eight 4-digit lowercase groups; undefined if not an IP. */
export function canonicalIP(ip: string): string | undefined {
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return undefined;
  let text = ip.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

export function isV4(ip: string): boolean {
  return isIPv4(ip);
}

/**
 * The address a pod-record label spells (CoreDNS `findPods`): `10-244-0-5` is 10.244.0.5; a label
 * with any other number of dashes, or a `--`, is an IPv6 address with `-` for `:`.
 */
export function ipFromDashed(label: string): string | undefined {
  const dashes = label.split('-').length - 1;
  const ip = dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return isIPv4(ip) || isIPv6(ip) ? ip : undefined;
}

/** The label an endpoint without a hostname is known by (`endpointHostname`): its IP, dashed. */
export function dashedIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/**
 * The IP a reverse name asks about (`4.3.2.1.in-addr.arpa`, or 32 nibbles under `ip6.arpa`), in
 * {@link canonicalIP} form; undefined for a partial or malformed name.
 */
export function ipFromReverseName(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return undefined;
    return canonicalIP(parts.reverse().join('.'));
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || nibbles.some((n) => !/^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    return canonicalIP(hex.match(/.{4}/g)!.join(':'));
  }
  return undefined;
}

/** Whether `name` is in the reverse-lookup trees. */
export function isReverseName(name: string): boolean {
  return inZone(name, 'in-addr.arpa') || inZone(name, 'ip6.arpa');
}
