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

/** The header names a `Connection` header lists, lower-case. */
function connectionTokens(connection: string | undefined): Set<string> {
  return new Set(
    String(connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** `headers` without hop-by-hop ones. */
export function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Raw headers (`[name, value, name, value…]`, as a parser hands them over) without hop-by-hop
 * ones, as a flat list of strings for `writeHead`: names keep their case, repeats their order.
 */
export function endToEndRaw(raw: readonly (Buffer | string)[]): string[] {
  const text = raw.map((part) => (typeof part === 'string' ? part : part.toString('latin1')));
  let connection: string | undefined;
  for (let i = 0; i + 1 < text.length; i += 2)
    if (text[i]!.toLowerCase() === 'connection') connection = `${connection ?? ''},${text[i + 1]!}`;
  const named = connectionTokens(connection);
  const out: string[] = [];
  for (let i = 0; i + 1 < text.length; i += 2) {
    const name = text[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) out.push(text[i]!, text[i + 1]!);
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
