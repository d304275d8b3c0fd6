import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { errors } from '../../api/errors.js';
import { toBuffer } from './exec-websocket.js';
import type { StreamTarget } from './target.js';
import { ChannelCodec } from './websocket-channels.js';

/** The `ports` of a WebSocket port-forward request (repeated or comma-separated). */
export function parsePorts(query: URLSearchParams): number[] {
  const ports = query
    .getAll('ports')
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (ports.length === 0) throw errors.badRequest('query parameter "port" is required');
  return ports.map((text) => {
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
      throw errors.badRequest(`unable to parse "${text}" as a port: must be between 1 and 65535, inclusive`);
    }
    return port;
  });
}

/**
 * The plain WebSocket port-forward protocol (pkg/kubelet/cri/streaming/portforward/websocket.go):
 * two channels per requested port, data (2i) and error (2i+1); each begins with the port as two
 * little-endian bytes. One connection to each port, opened at once.
 */
export async function serveWebSocketPortForward(
  ws: WebSocket,
  protocol: string,
  target: StreamTarget,
  ports: number[],
): Promise<void> {
  const codec = new ChannelCodec(protocol);
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const { payload, binary } = codec.encode(channel, data);
    ws.send(payload, { binary });
  };
  const remotes: (Duplex | undefined)[] = [];
  const early: Buffer[] = [];
  let ready = false;
  const onMessage = (message: Buffer) => {
    if (!ready) return void early.push(message);
    const decoded = codec.decode(message);
    if (!decoded || 'close' in decoded || decoded.channel % 2 !== 0) return;
    remotes[decoded.channel / 2]?.write(decoded.data);
  };
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => onMessage(toBuffer(data)));
  ws.once('close', () => remotes.forEach((r) => r?.destroy()));

  for (const [i, port] of ports.entries()) {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
  }
  let open = ports.length;
  const closedOne = () => {
    open--;
    if (open === 0) ws.close(1000);
  };
  await Promise.all(
    ports.map(async (port, i) => {
      try {
        const remote = await target.node.portForward({
          namespace: target.namespace,
          pod: target.name,
          podUid: target.uid,
          port,
        });
        remotes[i] = remote;
        remote.on('data', (chunk: Buffer) => send(2 * i, chunk));
        remote.on('error', (error: Error) =>
          send(
            2 * i + 1,
            Buffer.from(
              `error forwarding port ${port} to pod ${target.name}, uid ${target.uid}: ${error.message}`,
            ),
          ),
        );
        remote.once('close', closedOne);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        send(
          2 * i + 1,
          Buffer.from(`error forwarding port ${port} to pod ${target.name}, uid ${target.uid}: ${why}`),
        );
        closedOne();
      }
    }),
  );
  ready = true;
  for (const message of early.splice(0)) onMessage(message);
}
