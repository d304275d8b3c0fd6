import {
  Agent,
  request,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { upstreamAddress, type Upstream } from './backends.js';
import { endToEnd } from './forwarded-headers.js';
import { badGatewayText, rawResponse, sendText } from './responses.js';

/** How long to wait for an endpoint to accept a connection (ingress-nginx's `proxy-connect-timeout`: 5 s). */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Keep-alive agents, one per endpoint (`ip:port`), so requests reuse connections to a pod as
 * nginx's `upstream keepalive` does. Agents of endpoints that left every EndpointSlice are closed
 * by {@link retain}.
 */
export class UpstreamAgents {
  private readonly agents = new Map<string, Agent>();

  for(upstream: Upstream): Agent {
    const address = upstreamAddress(upstream);
    let agent = this.agents.get(address);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxFreeSockets: 32, timeout: 60_000 });
      this.agents.set(address, agent);
    }
    return agent;
  }

  /** Close the agents of endpoints not in `addresses` (as {@link upstreamAddress} spells them). */
  retain(addresses: ReadonlySet<string>): void {
    for (const [address, agent] of this.agents) {
      if (addresses.has(address)) continue;
      agent.destroy();
      this.agents.delete(address);
    }
  }

  destroy(): void {
    this.retain(new Set());
  }
}

/**
 * Forward a request to an endpoint and stream the answer back: neither body is buffered, a
 * client that goes away aborts the upstream request, and an endpoint that cannot be reached gets
 * the client a 502 (or a cut connection, once the answer has started).
 */
export function proxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: Upstream,
  options: { agent: Agent; headers: OutgoingHttpHeaders; setCookie?: string },
): void {
  const upstream = request({
    host: target.ip,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: options.headers,
    agent: options.agent,
    timeout: CONNECT_TIMEOUT_MS,
  });
  upstream.on('socket', (socket) => {
    // The timeout is for connecting; once connected, a slow answer (long poll, stream) is fine.
    if (socket.connecting) socket.once('connect', () => upstream.setTimeout(0));
    else upstream.setTimeout(0); // a kept-alive connection
  });
  upstream.on('timeout', () =>
    upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
  );
  upstream.on('response', (answer) => {
    const headers = endToEnd(answer.headers);
    if (options.setCookie)
      headers['set-cookie'] = [...(answer.headers['set-cookie'] ?? []), options.setCookie];
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
    // A streamed answer (events, long poll: no length) starts now; one with a length goes out
    // with its first chunk, headers and body in one write (a write of its own cost a third of
    // the ingress's throughput in `npm run bench -- network`).
    if (answer.headers['content-length'] === undefined) res.flushHeaders();
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) sendText(res, 502, badGatewayText(upstreamAddress(target), error));
    else res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
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
