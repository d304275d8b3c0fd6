import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import { errors } from '../../api/errors.js';
import type { Endpoint } from '../handlers/endpoint.js';
import { serveSpdyRemoteCommand, EXEC_SPDY_PROTOCOLS } from './exec-spdy.js';
import { serveWebSocketRemoteCommand } from './exec-websocket.js';
import { serveLogs } from './logs.js';
import { PORT_FORWARD_PROTOCOL, serveSpdyPortForward } from './port-forward-spdy.js';
import { parsePorts, serveWebSocketPortForward } from './port-forward-websocket.js';
import { parseRemoteCommandOptions } from './remote-command.js';
import { resolveTarget, type NodeStreamsLookup, type StreamTarget } from './target.js';
import {
  EXEC_WEBSOCKET_PROTOCOLS,
  PORT_FORWARD_TUNNEL_PROTOCOL,
  PORT_FORWARD_WEBSOCKET_PROTOCOLS,
} from './websocket-channels.js';

/** Requests that arrived as HTTP upgrades, with the socket they hand over. */
const upgrades = new WeakMap<IncomingMessage, Duplex>();

/**
 * Turn an HTTP server's `upgrade` event into an ordinary request: the response is written on the
 * socket (errors, or any request that is not a stream), and a streaming handler may take the
 * socket over instead. So upgrades pass through the same authentication and routing as every
 * other request.
 */
export function upgradeAsRequest(request: IncomingMessage, socket: Duplex, head: Buffer): ServerResponse {
  if (head.length > 0) socket.unshift(head);
  upgrades.set(request, socket);
  const response = new ServerResponse(request);
  // After an upgrade request the connection is not reused for HTTP.
  response.shouldKeepAlive = false;
  response.assignSocket(socket as Socket);
  response.once('finish', () => socket.end());
  socket.on('error', () => socket.destroy());
  return response;
}

/**
 * The API server's streaming subresources of pods: `log` (chunked HTTP), and `exec`, `attach`,
 * `portforward` over WebSocket or SPDY/3.1 upgrades. It terminates the client's protocol and
 * reaches the pod's node through `NodeStreams`.
 */
export class StreamingServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (_offered, request) => this.chosen.get(request) ?? false,
  });
  private readonly chosen = new WeakMap<IncomingMessage, string>();
  /** Sockets taken over by streams, ended when the server closes. */
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly lookup: NodeStreamsLookup | undefined) {}

  /** Serve `pods/<name>/<subresource>` for log, exec, attach and portforward. */
  async serve(endpoint: Endpoint): Promise<void> {
    const { info } = endpoint;
    const socket = upgrades.get(endpoint.request);
    if (info.subresource === 'log') {
      // Over WebSocket when the request is an upgrade; the socket is then one of ours to end.
      return serveLogs(
        endpoint,
        this.lookup,
        socket && ((protocol) => this.accept(endpoint, socket, protocol)),
      );
    }
    if (!socket) throw errors.badRequest('Upgrade request required');
    if (info.verb !== 'get' && info.verb !== 'create') {
      throw errors.methodNotSupported({ group: '', resource: `pods/${info.subresource}` }, info.verb);
    }
    const kind = info.subresource as 'exec' | 'attach' | 'portforward';
    const upgrade = String(endpoint.request.headers.upgrade ?? '').toLowerCase();
    const query = endpoint.query;
    if (kind === 'portforward') {
      const target = await resolveTarget(
        endpoint.parts,
        this.lookup,
        info.namespace!,
        info.name!,
        null,
        false,
      );
      requireRunningPod(target);
      if (upgrade === 'websocket') {
        const offered = offeredWebSocketProtocols(endpoint.request);
        if (offered.includes(PORT_FORWARD_TUNNEL_PROTOCOL)) {
          const ws = await this.accept(endpoint, socket, PORT_FORWARD_TUNNEL_PROTOCOL);
          const tunnel = createWebSocketStream(ws);
          tunnel.on('error', () => tunnel.destroy());
          serveSpdyPortForward(tunnel, target);
          return;
        }
        const ports = parsePorts(query);
        const protocol = pick(offered, PORT_FORWARD_WEBSOCKET_PROTOCOLS) ?? '';
        const ws = await this.accept(endpoint, socket, protocol);
        await serveWebSocketPortForward(ws, protocol, target, ports);
        return;
      }
      this.acceptSpdy(endpoint, socket, [PORT_FORWARD_PROTOCOL]);
      serveSpdyPortForward(socket, target);
      return;
    }
    const options = parseRemoteCommandOptions(kind, query);
    const target: StreamTarget = await resolveTarget(
      endpoint.parts,
      this.lookup,
      info.namespace!,
      info.name!,
      options.container,
      true,
    );
    if (upgrade === 'websocket') {
      const offered = offeredWebSocketProtocols(endpoint.request);
      // No subprotocol at all is the binary channel protocol (wsstream's "" entry).
      const protocol = offered.length === 0 ? '' : pick(offered, EXEC_WEBSOCKET_PROTOCOLS);
      if (protocol === undefined) throw unsupportedProtocols(offered, EXEC_WEBSOCKET_PROTOCOLS);
      const ws = await this.accept(endpoint, socket, protocol);
      await serveWebSocketRemoteCommand(ws, protocol || 'channel.k8s.io', target, options);
      return;
    }
    this.acceptSpdy(endpoint, socket, EXEC_SPDY_PROTOCOLS);
    serveSpdyRemoteCommand(socket, target, options);
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
  }

  private takeOver(endpoint: Endpoint, socket: Duplex): void {
    endpoint.response.detachSocket(socket as Socket);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(endpoint: Endpoint, socket: Duplex, protocol: string): Promise<WebSocket> {
    this.takeOver(endpoint, socket);
    if (protocol) this.chosen.set(endpoint.request, protocol);
    return new Promise((resolve) => {
      this.wss.handleUpgrade(endpoint.request, socket, Buffer.alloc(0), (ws) => {
        ws.on('error', () => ws.terminate());
        resolve(ws);
      });
    });
  }

  /** Answer 101 for SPDY/3.1 with the first stream protocol the client offers that we serve. */
  private acceptSpdy(endpoint: Endpoint, socket: Duplex, served: readonly string[]): void {
    const upgrade = String(endpoint.request.headers.upgrade ?? '');
    if (!/^spdy\/3\.1$/i.test(upgrade.trim())) {
      throw errors.badRequest(
        `unsupported upgrade protocol: ${JSON.stringify(upgrade)}: supported: SPDY/3.1, websocket`,
      );
    }
    const offered = headerList(endpoint.request.headers['x-stream-protocol-version']);
    const protocol = pick(offered, served);
    if (protocol === undefined) {
      throw errors.forbidden(
        { group: '', resource: 'pods' },
        endpoint.info.name!,
        `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server supports ${JSON.stringify(served)}`,
      );
    }
    this.takeOver(endpoint, socket);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Connection: Upgrade\r\n' +
        'Upgrade: SPDY/3.1\r\n' +
        `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
    );
  }
}

/** Port-forward needs a running pod (the kubelet has no sandbox otherwise). */
function requireRunningPod(target: StreamTarget): void {
  const phase = target.pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw errors.badRequest(`cannot port-forward to a completed pod; current phase is ${phase}`);
  }
}

function headerList(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value : [value ?? ''])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function offeredWebSocketProtocols(request: IncomingMessage): string[] {
  return headerList(request.headers['sec-websocket-protocol']);
}

/** The first protocol the client offers that we serve (the client lists its preference first). */
function pick(offered: readonly string[], served: readonly string[]): string | undefined {
  return offered.find((p) => served.includes(p));
}

function unsupportedProtocols(offered: string[], served: readonly string[]) {
  return errors.badRequest(
    `requested protocol(s) are not supported: ${JSON.stringify(offered)}; supports ${JSON.stringify(served)}`,
  );
}
