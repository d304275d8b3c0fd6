import type { Duplex } from 'node:stream';
import { SpdyConnection, type SpdyStream } from './spdy/connection.js';
import type { StreamTarget } from './target.js';

/** The port-forward protocol's name over SPDY (and, prefixed with `SPDY/3.1+`, over WebSocket). */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/**
 * Port-forward over SPDY/3.1 (pkg/kubelet/cri/streaming/portforward/httpstream.go): for each
 * local connection the client opens an `error` stream and a `data` stream with the same `port`
 * and `requestID` headers; when both are open the node connects to the port and the data stream
 * carries the bytes. A failure is written as text on the error stream. The same runs inside a
 * WebSocket for kubectl ≥ 1.31 (the socket is then the tunnel).
 */
export function serveSpdyPortForward(socket: Duplex, target: StreamTarget): SpdyConnection {
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream }>();
  const open = new Set<Duplex>();
  const connection = new SpdyConnection(socket, (stream) => {
    const type = stream.header('streamtype');
    const port = stream.header('port') ?? '';
    const requestId = stream.header('requestid') ?? port;
    if (type !== 'data' && type !== 'error') {
      stream.destroy();
      return;
    }
    const pair = pairs.get(requestId) ?? {};
    pair[type] = stream;
    pairs.set(requestId, pair);
    if (pair.data && pair.error) {
      pairs.delete(requestId);
      void forward(target, port, pair.data, pair.error, open);
    }
  });
  connection.onClose(() => {
    for (const remote of open) remote.destroy();
  });
  return connection;
}

async function forward(
  target: StreamTarget,
  portText: string,
  data: SpdyStream,
  error: SpdyStream,
  open: Set<Duplex>,
): Promise<void> {
  // The client writes nothing on the error stream; drain it so its FIN is seen.
  error.resume();
  error.on('error', () => {});
  data.on('error', () => {});
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    error.end(`invalid port: ${JSON.stringify(portText)}`);
    data.end();
    return;
  }
  let remote: Duplex;
  try {
    remote = await target.node.portForward({
      namespace: target.namespace,
      pod: target.name,
      podUid: target.uid,
      port,
    });
  } catch (failure) {
    error.end(forwardError(target, port, failure));
    data.end();
    return;
  }
  open.add(remote);
  remote.on('error', (failure: Error) => {
    if (error.writable) error.end(forwardError(target, port, failure));
    data.destroy();
  });
  remote.once('close', () => {
    open.delete(remote);
    if (data.writable) data.end();
  });
  data.once('close', () => remote.destroy());
  data.pipe(remote);
  remote.pipe(data);
}

/** The kubelet's wording for a failed forward (kubectl prints it as it arrives). */
function forwardError(target: StreamTarget, port: number, failure: unknown): string {
  const why = failure instanceof Error ? failure.message : String(failure);
  return `error forwarding port ${port} to pod ${target.name}, uid ${target.uid}: ${why}`;
}
