import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClusterDirectory } from './cluster-directory.js';
import type { ClusterPath } from './cluster-path.js';
import { lookup } from './proxy.js';
import { rawStatusResponse } from './status.js';
import {
  forwardRequestHeaders,
  requestFor,
  tlsOptions,
  unreachableMessage,
  upstreamPath,
} from './upstream.js';

/**
 * Forwards WebSocket upgrades under `/clusters/<id>/…` (exec, attach, port-forward) to the
 * cluster: the upstream upgrade carries the same path, the browser's `Sec-WebSocket-Key`,
 * `-Version`, `-Protocol` and `-Extensions`, and the cluster's credentials; the browser gets the
 * cluster's own 101 (so its `Sec-WebSocket-Accept` and chosen subprotocol, e.g.
 * `v5.channel.k8s.io`), then the two sockets are piped together.
 *
 * Frames are not parsed: after the handshake the bytes are the same on both hops (the browser
 * masks, the server reads masked frames; any compression was agreed end to end), so piping is
 * exact, costs no copy per frame, and keeps every subprotocol working, the ones of future
 * Kubernetes versions included. A refused upgrade passes the cluster's status and body through.
 */
export class WebSocketProxy {
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly directory: ClusterDirectory) {}

  /** Take over `socket` (the server's `upgrade` event) and connect it to the cluster. */
  async handle(req: IncomingMessage, socket: Duplex, head: Buffer, target: ClusterPath): Promise<void> {
    this.track(socket);
    socket.on('error', () => socket.destroy());
    const found = await lookup(this.directory, target);
    if (found.kind !== 'found') {
      const [code, message] =
        found.kind === 'missing' ? [404, `cluster "${target.rawId}" not found`] : [503, found.message];
      socket.end(rawStatusResponse(code, message));
      return;
    }
    const { id, connection } = found;
    let credentials: Record<string, string>;
    try {
      credentials = await connection.headers();
    } catch (error) {
      socket.end(rawStatusResponse(503, `getting credentials for cluster "${id}": ${String(error)}`));
      return;
    }
    if (socket.destroyed) return;

    const upstream = requestFor(connection.server)({
      protocol: connection.server.protocol,
      hostname: connection.server.hostname.replace(/^\[|\]$/g, ''),
      port: connection.server.port || undefined,
      method: req.method,
      path: upstreamPath(connection.server, target.rest),
      headers: {
        ...forwardRequestHeaders(req.headers),
        ...credentials,
        connection: 'Upgrade',
        upgrade: req.headers.upgrade ?? 'websocket',
      },
      // Its own connection: it leaves HTTP once upgraded, so it must not come from a pool.
      agent: false,
      ...tlsOptions(connection),
    });
    socket.once('close', () => upstream.destroy());
    upstream.on('error', (error) => {
      if (socket.writable) socket.end(rawStatusResponse(503, unreachableMessage(id, error)));
      else socket.destroy();
    });
    upstream.on('upgrade', (reply: IncomingMessage, upstreamSocket: Duplex, upstreamHead: Buffer) => {
      this.track(upstreamSocket);
      socket.write(statusLine(reply) + headerLines(reply.rawHeaders, UPGRADE_HEADERS) + '\r\n');
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      splice(socket, upstreamSocket);
    });
    upstream.on('response', (reply: IncomingMessage) => {
      // Refused (403 from RBAC, 404 for a missing pod, 400 for a bad container name): pass it on.
      socket.write(
        statusLine(reply) + headerLines(reply.rawHeaders, REFUSAL_HEADERS) + 'Connection: close\r\n\r\n',
      );
      reply.pipe(socket);
    });
    upstream.end();
  }

  /** Close every forwarded session. */
  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

/** What of the cluster's 101 reaches the browser: the WebSocket handshake, nothing else. */
const UPGRADE_HEADERS = new Set([
  'connection',
  'upgrade',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
]);

/** What of a refusal reaches the browser: enough to read the body (a Status, usually). */
const REFUSAL_HEADERS = new Set(['content-type', 'cache-control', 'date', 'audit-id']);

function statusLine(reply: IncomingMessage): string {
  const code = reply.statusCode ?? 502;
  return `HTTP/1.1 ${code} ${reply.statusMessage || STATUS_CODES[code] || ''}\r\n`;
}

/** The `rawHeaders` pairs whose names are in `allowed`, as header lines (CR/LF cannot occur: Node parsed them). */
function headerLines(rawHeaders: string[], allowed: Set<string>): string {
  let lines = '';
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (allowed.has(rawHeaders[i]!.toLowerCase())) lines += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  }
  return lines;
}

/** Pipe `a` and `b` into each other; when either ends or fails, both close. */
function splice(a: Duplex, b: Duplex): void {
  for (const s of [a, b]) {
    (s as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    (s as { setTimeout?: (ms: number) => void }).setTimeout?.(0);
  }
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.once('error', close);
  b.once('error', close);
  a.once('close', close);
  b.once('close', close);
}
