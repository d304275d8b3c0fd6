import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { ClusterConnection } from '../gateway/cluster-directory.js';
import { tlsOptions, upstreamPath } from '../gateway/upstream.js';
import { networkError, statusError } from './kube-http.js';

/** Which pod port one TCP connection goes to. */
export interface TunnelTarget {
  namespace: string;
  pod: string;
  port: number;
}

/**
 * The subprotocol of the plain WebSocket port-forward (the kubelet's
 * pkg/kubelet/cri/streaming/portforward/websocket.go): for the i-th port of `?ports=`, channel 2i
 * carries data and 2i+1 errors; the server opens each channel with the port as two
 * little-endian bytes. One port per WebSocket here, so channels 0 and 1.
 */
export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
const DATA = 0;
const ERROR = 1;

/**
 * Carry one accepted TCP connection to a pod's port over its own WebSocket
 * (`GET …/pods/<pod>/portforward?ports=<port>`). kubectl multiplexes every connection onto one
 * SPDY session; one WebSocket each is simpler and lets a connection end without touching the
 * others. The socket is paused until the WebSocket opens, so nothing the client sent early is lost.
 *
 * `onError` hears why the forward failed (the API's Status on a refused upgrade, the error
 * channel's text, a network failure); the TCP connection is closed then.
 */
export function openTunnel(
  connection: ClusterConnection,
  credentials: Record<string, string>,
  target: TunnelTarget,
  socket: Socket,
  onError: (message: string) => void,
): WebSocket {
  socket.pause();
  const url = new URL(connection.server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = upstreamPath(
    connection.server,
    `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/portforward`,
  );
  url.search = `ports=${target.port}`;
  const ws = new WebSocket(url, [PORT_FORWARD_PROTOCOL], {
    headers: credentials,
    perMessageDeflate: false,
    ...tlsOptions(connection),
  });

  // The two-byte port prefix still to skip on each channel.
  const prefix = [2, 2];
  let errorText = '';
  // Once the client has gone, what the WebSocket says about its own end is nobody's business.
  let clientGone = false;
  const fail = (message: string) => {
    if (!clientGone) onError(message);
    socket.destroy();
  };
  ws.on('open', () => {
    socket.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([DATA]), chunk])));
    socket.resume();
  });
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0]!;
    let payload = data.subarray(1);
    if (channel === DATA || channel === ERROR) {
      const skip = Math.min(prefix[channel]!, payload.length);
      prefix[channel]! -= skip;
      payload = payload.subarray(skip);
    }
    if (payload.length === 0) return;
    if (channel === DATA) {
      // The local client reads slower than the pod writes: stop reading the WebSocket until it drains.
      if (!socket.write(payload)) {
        ws.pause();
        socket.once('drain', () => ws.resume());
      }
    } else if (channel === ERROR) {
      errorText += payload.toString('utf8');
    }
  });
  ws.on('unexpected-response', (_request, response) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () =>
      fail(statusError(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')).message),
    );
    response.once('error', () => socket.destroy());
  });
  ws.on('error', (error) => fail(networkError(error).message));
  ws.on('close', () => (errorText ? fail(errorText.trim()) : socket.end()));
  socket.on('error', () => socket.destroy());
  socket.once('close', () => {
    clientGone = true;
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  });
  return ws;
}
