import { request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { upstreamAddress, type Upstream } from './backends.js';
import { endToEnd, endToEndRaw } from './forwarded-headers.js';
import { badGatewayText, rawResponse, sendText } from './responses.js';

/** How long to wait for an endpoint to accept a connection (ingress-nginx's `proxy-connect-timeout`: 5 s). */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Keep-alive connection pools, one per endpoint (`ip:port`), so requests reuse connections to a
 * pod as nginx's `upstream keepalive` does. undici's, not `http.request`'s: its parser and pool
 * cost half the CPU per forwarded request (72–113 µs against 157–212 µs, a proxy alone on this
 * machine), and the ingress's throughput is that CPU. Pools of endpoints that left every
 * EndpointSlice are closed by {@link retain}.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  for(upstream: Upstream): Pool {
    const address = upstreamAddress(upstream);
    let pool = this.pools.get(address);
    if (!pool) {
      // No timeouts once connected: a slow answer (long poll, event stream) is the backend's business.
      pool = new Pool(`http://${address}`, {
        connect: { timeout: CONNECT_TIMEOUT_MS },
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(address, pool);
    }
    return pool;
  }

  /** Close the pools of endpoints not in `addresses` (as {@link upstreamAddress} spells them). */
  retain(addresses: ReadonlySet<string>): void {
    for (const [address, pool] of this.pools) {
      if (addresses.has(address)) continue;
      pool.destroy().catch(() => {});
      this.pools.delete(address);
    }
  }

  destroy(): void {
    this.retain(new Set());
  }
}

/**
 * Forward a request to an endpoint and stream the answer back: neither body is buffered (the
 * client is read as fast as the endpoint takes it, the endpoint as fast as the client does), a
 * client that goes away aborts the upstream request, and an endpoint that cannot be reached gets
 * the client a 502 (or a cut connection, once the answer has started).
 */
export function proxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: Upstream,
  options: { pool: Dispatcher; headers: OutgoingHttpHeaders; setCookie?: string },
): void {
  let abort: ((reason?: Error) => void) | undefined;
  let resume: (() => void) | undefined;
  let wroteBody = false;
  res.on('drain', () => resume?.());
  res.on('close', () => {
    if (!res.writableFinished) abort?.();
  });
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(options.headers)) {
    // Node's server has answered `Expect: 100-continue` already; undici refuses the header.
    if (value === undefined || name === 'expect') continue;
    headers[name] = typeof value === 'number' ? String(value) : value;
  }
  // Most requests have no body (RFC 9112 §6.3: neither a length nor chunked).
  const bodiless =
    req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
  const handler: Dispatcher.DispatchHandler = {
    onConnect(abortRequest) {
      abort = abortRequest;
      if (res.destroyed) abortRequest();
    },
    onHeaders(status, rawHeaders, resumeReading, statusText) {
      if (status < 200) return true; // informational: the final answer follows
      resume = resumeReading;
      const out = endToEndRaw(rawHeaders as Buffer[]);
      if (options.setCookie) out.push('set-cookie', options.setCookie);
      if (statusText) res.writeHead(status, statusText, out);
      else res.writeHead(status, out); // the standard reason phrase
      // The headers go out with the first chunk of the body, in one write (a write of their own
      // cost a third of the ingress's throughput in `npm run bench -- network`). A body that is
      // not there yet (events, long poll) must not hold them back: the first chunk usually comes
      // with the headers and is written before setImmediate runs; otherwise they go out alone then.
      // (`headersSent` cannot tell: it is true from writeHead on.)
      setImmediate(() => {
        if (!wroteBody && !res.writableEnded && !res.destroyed) res.flushHeaders();
      });
      return true;
    },
    onData(chunk) {
      wroteBody = true;
      return res.write(chunk);
    },
    onComplete() {
      res.end();
    },
    onError(error) {
      if (!res.headersSent) sendText(res, 502, badGatewayText(upstreamAddress(target), error));
      else res.destroy();
    },
  };
  options.pool.dispatch(
    { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: bodiless ? null : req },
    handler,
  );
}

/**
 * Forward an upgrade request (WebSocket) to an endpoint: once the endpoint answers 101, the two
 * connections are piped both ways until either closes. An endpoint that answers otherwise has its
 * answer relayed and the connection closed; one that cannot be reached gets the client a 502.
 */
export function proxyUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: Upstream,
  headers: OutgoingHttpHeaders,
  setCookie?: string,
): void {
  const upgradeHeaders = { ...headers, connection: 'Upgrade', upgrade: req.headers.upgrade ?? '' };
  const upstream = request({
    host: target.ip,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: upgradeHeaders,
    timeout: CONNECT_TIMEOUT_MS,
  });
  upstream.on('timeout', () =>
    upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
  );
  socket.on('error', () => upstream.destroy());
  upstream.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
    upstreamSocket.setTimeout(0);
    socket.write(statusAndHeaders(answer, undefined, setCookie));
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
    upstreamSocket.on('close', () => socket.destroy());
    socket.on('close', () => upstreamSocket.destroy());
  });
  upstream.on('response', (answer) => {
    // Refused the upgrade: relay the answer, its body delimited by closing the connection.
    const headers = endToEnd(answer.headers);
    delete headers['content-length'];
    socket.write(statusAndHeaders(answer, { ...headers, connection: 'close' }));
    answer.pipe(socket);
  });
  upstream.on('error', (error) => {
    if (socket.writable)
      socket.end(rawResponse(502, 'Bad Gateway', badGatewayText(upstreamAddress(target), error)));
  });
  upstream.end();
}

/** An HTTP/1.1 status line and headers, as raw text for a socket. */
function statusAndHeaders(
  answer: IncomingMessage,
  headers?: OutgoingHttpHeaders,
  setCookie?: string,
): string {
  let text = `HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}\r\n`;
  if (headers) {
    for (const [name, value] of Object.entries(headers)) {
      for (const one of Array.isArray(value) ? value : [value])
        if (one !== undefined) text += `${name}: ${one}\r\n`;
    }
  } else {
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2)
      text += `${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}\r\n`;
  }
  if (setCookie) text += `set-cookie: ${setCookie}\r\n`;
  return `${text}\r\n`;
}
