import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { status } from '../../api/errors.js';
import type { Endpoint } from '../handlers/endpoint.js';

/**
 * A streamed GET (`pods/log`) over WebSocket, as kube-apiserver serves it for a request that is
 * an upgrade (responsewriters.StreamObject → wsstream.Reader, in
 * k8s.io/apimachinery/pkg/util/httpstream/wsstream/stream.go): one stream, no channel byte, each
 * message the bytes of one read — raw in a binary message for `binary.k8s.io` (and for a client
 * that offers no subprotocol: wsstream's `""` entry), base64 in a text message for
 * `base64.binary.k8s.io`. The first message is empty (wsstream's "ping": the client knows it is
 * connected); what the client sends is ignored; the socket closes normally when the log ends.
 */
export const LOG_WEBSOCKET_PROTOCOLS = ['binary.k8s.io', 'base64.binary.k8s.io'] as const;

/** Takes the request's socket over and completes the handshake with `protocol` ("" for none). */
export type AcceptWebSocket = (protocol: string) => Promise<WebSocket>;

/** wsstream.IsWebSocketRequest: `Upgrade: websocket` on a `Connection: upgrade` request. */
export function isWebSocketRequest(request: IncomingMessage): boolean {
  if (String(request.headers.upgrade ?? '').toLowerCase() !== 'websocket') return false;
  return /(^|,)\s*upgrade\s*(,|$)/i.test(String(request.headers.connection ?? ''));
}

/**
 * The subprotocol to answer with: the first the client offers that we serve (its order is its
 * preference), "" when it offers none; 403 when it offers only others (wsstream's handshake
 * error, which golang.org/x/net/websocket answers with 403).
 */
export function negotiateLogProtocol(request: IncomingMessage): string {
  const offered = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (offered.length === 0) return '';
  const protocol = offered.find((p) => (LOG_WEBSOCKET_PROTOCOLS as readonly string[]).includes(p));
  if (protocol === undefined) {
    throw status(
      403,
      'Forbidden',
      `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${LOG_WEBSOCKET_PROTOCOLS.join(' ')}]`,
    );
  }
  return protocol;
}

/** Sends log data as messages of the negotiated protocol; `send` resolves once written. */
export function webSocketSender(ws: WebSocket, protocol: string) {
  const base64 = protocol === 'base64.binary.k8s.io';
  return {
    send(data: Buffer): Promise<void> {
      return new Promise((resolve) => {
        if (ws.readyState !== ws.OPEN) return resolve();
        const payload = base64 ? data.toString('base64') : data;
        ws.send(payload, { binary: !base64 }, () => resolve());
      });
    },
    /** A normal close (1000): the log is over. */
    end(): void {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
    },
  };
}

const chosen = new WeakMap<IncomingMessage, string>();
let standaloneServer: WebSocketServer | undefined;

/**
 * Accepting without the streaming server's help: for a caller that passes no `AcceptWebSocket`.
 * The socket is then not among the ones `StreamingServer.close()` ends, so a followed log keeps
 * the API server's close waiting until the log ends; `StreamingServer` passes its own `accept`.
 */
export function standaloneAccept(endpoint: Endpoint): AcceptWebSocket {
  return (protocol) => {
    standaloneServer ??= new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (_offered, request) => chosen.get(request) ?? false,
    });
    const server = standaloneServer;
    const socket = endpoint.response.socket as Socket;
    endpoint.response.detachSocket(socket);
    if (protocol) chosen.set(endpoint.request, protocol);
    return new Promise((resolve) => {
      server.handleUpgrade(endpoint.request, socket, Buffer.alloc(0), (ws) => {
        ws.on('error', () => ws.terminate());
        resolve(ws);
      });
    });
  };
}
