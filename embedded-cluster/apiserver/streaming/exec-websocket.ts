import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { StreamSession } from '../../api/node-streams.js';
import {
  endStatus,
  failureStatus,
  ResizeDecoder,
  sessionEnded,
  startSession,
  type RemoteCommandOptions,
} from './remote-command.js';
import type { StreamTarget } from './target.js';
import { Channel, ChannelCodec } from './websocket-channels.js';
import type { Status } from 'kubernetes-types/meta/v1.js';

/**
 * exec and attach over a WebSocket channel protocol (what kubectl ≥ 1.30 uses, with
 * `v5.channel.k8s.io`; the dashboard too): stdin arrives on channel 0 (ended by the v5 close
 * signal, or by the socket closing with older protocols), stdout and stderr leave on 1 and 2,
 * terminal sizes arrive on 4, and the end is reported on 3 before the socket closes.
 */
export async function serveWebSocketRemoteCommand(
  ws: WebSocket,
  protocol: string,
  target: StreamTarget,
  options: RemoteCommandOptions,
): Promise<void> {
  const codec = new ChannelCodec(protocol);
  const send = (channel: number, data: Buffer) =>
    new Promise<void>((resolve) => {
      if (ws.readyState !== ws.OPEN) return resolve();
      const { payload, binary } = codec.encode(channel, data);
      ws.send(payload, { binary }, () => resolve());
    });
  const sendError = async (status: Status) => {
    // Older protocols carry plain text on the error channel, and nothing on success.
    if (codec.statusErrors) await send(Channel.error, Buffer.from(JSON.stringify(status)));
    else if (status.status !== 'Success') await send(Channel.error, Buffer.from(status.message ?? ''));
  };

  // Hold what the client sends until the session has started.
  const early: Buffer[] = [];
  let session: StreamSession | undefined;
  let clientGone = false;
  const resize = new ResizeDecoder((size) => session?.resize(size));
  const onMessage = (message: Buffer) => {
    if (!session) {
      early.push(message);
      return;
    }
    const decoded = codec.decode(message);
    if (!decoded) return;
    if ('close' in decoded) {
      if (decoded.close === Channel.stdin) session.stdin?.end();
      return;
    }
    if (decoded.channel === Channel.stdin) session.stdin?.write(decoded.data);
    else if (decoded.channel === Channel.resize) resize.push(decoded.data);
  };
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => onMessage(toBuffer(data)));
  ws.once('close', () => {
    clientGone = true;
    session?.stdin?.end();
    session?.close();
  });

  try {
    session = await startSession(target, options);
  } catch (error) {
    await sendError(failureStatus(error));
    ws.close(1000);
    return;
  }
  if (clientGone) {
    session.close();
    return;
  }
  session.stdin?.on('error', () => {});
  for (const message of early.splice(0)) onMessage(message);
  const outputs = [
    forward(session.stdout, Channel.stdout, send),
    forward(session.stderr, Channel.stderr, send),
  ];
  const result = await sessionEnded(session);
  await Promise.all(outputs);
  await sendError(endStatus(result, options));
  ws.close(1000);
}

/** Send a stream's data on a channel, one message at a time (the socket's pace is the stream's). */
function forward(
  stream: Readable | undefined,
  channel: number,
  send: (channel: number, data: Buffer) => Promise<void>,
): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer | string) => {
      stream.pause();
      void send(channel, typeof chunk === 'string' ? Buffer.from(chunk) : chunk).then(() => stream.resume());
    });
    stream.once('end', resolve);
    stream.once('error', () => resolve());
    stream.once('close', resolve);
  });
}

export function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
