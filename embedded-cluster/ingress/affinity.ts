import { createHash, randomInt } from 'node:crypto';
import { upstreamAddress, type Upstream } from './backends.js';

/**
 * Cookie session affinity, compatible with ingress-nginx's annotations
 * (https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/) and its Lua balancers
 * (`rootfs/etc/nginx/lua/balancer/sticky*.lua`):
 *
 * - The cookie's value is `<upstream key>|<backend key>`; the backend key is
 *   `md5(md5(name) + name)` of the upstream's name (`namespace-service-port`).
 * - `affinity-mode: balanced` (the default): the upstream key is a random token, mapped to an
 *   endpoint by consistent hashing over the ready endpoints (rendezvous hashing here; ingress-nginx
 *   uses a hash ring). A session stays on its endpoint while that endpoint is ready; when it goes,
 *   only its sessions move; scaling up moves about a share of 1/n of them, rebalancing the load.
 * - `affinity-mode: persistent`: the upstream key is `md5(name + "ip:port")` of the endpoint (salted,
 *   so pod IPs are never exposed), and a session moves only when its endpoint is gone.
 * - A request without a usable cookie gets an endpoint and a `Set-Cookie`; cookie attributes:
 *   `Path` (annotation, else the matched Ingress path), `HttpOnly`, `Secure` on HTTPS (or as the
 *   annotation says), `SameSite`, `Domain`, `Expires` (now + seconds) and `Max-Age`.
 */
export interface AffinityConfig {
  cookieName: string;
  mode: 'balanced' | 'persistent';
  path?: string;
  domain?: string;
  /** Seconds, for `Max-Age`. */
  maxAge?: number;
  /** Seconds from now, for `Expires`. */
  expires?: number;
  sameSite?: string;
  /** Unset: `Secure` on HTTPS requests only. */
  secure?: boolean;
}

const PREFIX = 'nginx.ingress.kubernetes.io/';
export const DEFAULT_COOKIE_NAME = 'INGRESSCOOKIE';

/** The affinity an Ingress's annotations ask for, or undefined when it asks for none. */
export function affinityConfig(annotations: Record<string, string> | undefined): AffinityConfig | undefined {
  const a = (name: string) => annotations?.[PREFIX + name]?.trim();
  if (a('affinity') !== 'cookie') return undefined;
  const seconds = (name: string) => {
    const value = a(name);
    return value && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const secure = a('session-cookie-secure');
  const config: AffinityConfig = {
    cookieName: a('session-cookie-name') || DEFAULT_COOKIE_NAME,
    mode: a('affinity-mode') === 'persistent' ? 'persistent' : 'balanced',
  };
  const path = a('session-cookie-path');
  const domain = a('session-cookie-domain');
  const sameSite = a('session-cookie-samesite');
  const maxAge = seconds('session-cookie-max-age');
  const expires = seconds('session-cookie-expires');
  if (path) config.path = path;
  if (domain) config.domain = domain;
  if (sameSite) config.sameSite = sameSite;
  if (maxAge !== undefined) config.maxAge = maxAge;
  if (expires !== undefined) config.expires = expires;
  if (secure === 'true' || secure === 'false') config.secure = secure === 'true';
  return config;
}

/** A cookie's value in a `Cookie` request header, if present (the first, as nginx reads it). */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/** The endpoint a sticky request goes to, and the cookie value to set when it needs a new one. */
export interface StickyChoice {
  endpoint: Upstream;
  setCookie?: string;
}

/**
 * Pick the endpoint for a request of a sticky backend. `cookie` is the request's cookie value;
 * `token` makes a fresh balanced-mode key (random by default; tests pass their own).
 */
export function pickSticky(
  config: AffinityConfig,
  upstreamName: string,
  endpoints: readonly Upstream[],
  cookie: string | undefined,
  token: () => string = randomToken,
): StickyChoice | undefined {
  if (endpoints.length === 0) return undefined;
  const suffix = `|${backendKey(upstreamName)}`;
  const upstreamKey = cookie ? cookie.split('|')[0] : undefined;
  if (config.mode === 'persistent') {
    const keyed = upstreamKey
      ? endpoints.find((e) => endpointKey(upstreamName, e) === upstreamKey)
      : undefined;
    if (keyed) return { endpoint: keyed };
    const endpoint = endpoints[randomInt(endpoints.length)]!;
    return { endpoint, setCookie: endpointKey(upstreamName, endpoint) + suffix };
  }
  if (upstreamKey) return { endpoint: rendezvous(upstreamKey, endpoints) };
  const key = token();
  return { endpoint: rendezvous(key, endpoints), setCookie: key + suffix };
}

/** ingress-nginx's backend key: `md5(md5(name) .. name)`, hex. */
export function backendKey(upstreamName: string): string {
  return md5(md5(upstreamName) + upstreamName);
}

/** An endpoint's salted key (persistent mode): `md5(name .. "ip:port")`, hex. */
export function endpointKey(upstreamName: string, endpoint: Upstream): string {
  return md5(upstreamName + upstreamAddress(endpoint));
}

/** The `Set-Cookie` header for `value`. */
export function setCookieHeader(
  config: AffinityConfig,
  value: string,
  request: { path: string; https: boolean; now: number },
): string {
  const parts = [`${config.cookieName}=${value}`];
  if (config.expires !== undefined) {
    parts.push(`Expires=${new Date(request.now + config.expires * 1000).toUTCString()}`);
  }
  if (config.maxAge !== undefined) parts.push(`Max-Age=${config.maxAge}`);
  if (config.domain) parts.push(`Domain=${config.domain}`);
  parts.push(`Path=${config.path ?? request.path}`);
  if (config.secure ?? request.https) parts.push('Secure');
  parts.push('HttpOnly');
  if (config.sameSite) parts.push(`SameSite=${config.sameSite}`);
  return parts.join('; ');
}

/** Highest-random-weight hashing: the endpoint with the largest hash of (key, endpoint). */
function rendezvous(key: string, endpoints: readonly Upstream[]): Upstream {
  let best = endpoints[0]!;
  let bestWeight = -1n;
  for (const endpoint of endpoints) {
    const weight = createHash('md5')
      .update(`${key}\u0000${upstreamAddress(endpoint)}`)
      .digest()
      .readBigUInt64BE(0);
    if (weight > bestWeight) {
      best = endpoint;
      bestWeight = weight;
    }
  }
  return best;
}

/** A balanced-mode key: `<seconds>.<pid>.<random>`, as ingress-nginx makes them. */
function randomToken(): string {
  return `${(Date.now() / 1000).toFixed(3)}.${process.pid}.${randomInt(1, 1_000_000)}`;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
