import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Headers across the proxy: hop-by-hop headers removed in both directions (RFC 9110 §7.6.1: the
 * fixed list, plus whatever `Connection` names), and the request told where it came from with
 * `X-Forwarded-For/-Proto/-Host/-Port` and `X-Real-IP`. This is the edge, so client-sent
 * forwarding headers are replaced, not appended to (ingress-nginx's default, `use-forwarded-headers:
 * false`). The `Host` header goes upstream unchanged, as ingress-nginx sends it.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `headers` without hop-by-hop ones. */
export function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** What the request's origin looks like to the proxy. */
export interface Origin {
  clientIp: string;
  proto: 'http' | 'https';
  host: string;
  port: number;
}

/** The headers a request goes upstream with. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, origin: Origin): OutgoingHttpHeaders {
  const out = endToEnd(headers);
  out['x-forwarded-for'] = origin.clientIp;
  out['x-real-ip'] = origin.clientIp;
  out['x-forwarded-proto'] = origin.proto;
  out['x-forwarded-host'] = headers.host ?? origin.host;
  out['x-forwarded-port'] = String(origin.port);
  return out;
}

/** The client's address without the IPv4-mapped IPv6 prefix. */
export function clientIp(remoteAddress: string | undefined): string {
  const address = remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
