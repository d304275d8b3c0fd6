import type { Duplex } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { StreamSession } from '../../api/node-streams.js';
import {
  endStatus,
  failureStatus,
  ResizeDecoder,
  sessionEnded,
  startSession,
  type RemoteCommandOptions,
} from './remote-command.js';
import { SpdyConnection, type SpdyStream } from './spdy/connection.js';
import type { StreamTarget } from './target.js';

/** The remotecommand protocols served over SPDY, most preferred first (v5 over SPDY is v4). */
export const EXEC_SPDY_PROTOCOLS = ['v4.channel.k8s.io'] as const;

/** How long the client has to open the streams it announced (the kubelet allows 30 s). */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

/**
 * exec and attach over SPDY/3.1 (kubectl before 1.30, and later ones when WebSockets fail): the
 * client opens one stream per standard stream, named by its `streamType` header (error, stdin,
 * stdout, stderr, resize); once all expected ones are open the command starts
 * (pkg/kubelet/cri/streaming/remotecommand/httpstream.go). stdin ends with the stream's FIN; the
 * end is reported as a Status on the error stream.
 */
export function serveSpdyRemoteCommand(
  socket: Duplex,
  target: StreamTarget,
  options: RemoteCommandOptions,
): void {
  const expected = new Set(['error']);
  if (options.stdin) expected.add('stdin');
  if (options.stdout) expected.add('stdout');
  if (options.stderr) expected.add('stderr');
  if (options.tty) expected.add('resize');
  const streams = new Map<string, SpdyStream>();
  let started = false;
  const connection = new SpdyConnection(socket, (stream) => {
    const type = stream.header('streamtype');
    if (!type || !expected.has(type) || streams.has(type) || started) {
      stream.destroy();
      return;
    }
    streams.set(type, stream);
    if (streams.size === expected.size) {
      started = true;
      clearTimeout(timer);
      void run(connection, streams, target, options);
    }
  });
  const timer = setTimeout(() => connection.close(), STREAM_CREATION_TIMEOUT_MS);
  timer.unref();
  connection.onClose(() => clearTimeout(timer));
}

async function run(
  connection: SpdyConnection,
  streams: Map<string, SpdyStream>,
  target: StreamTarget,
  options: RemoteCommandOptions,
): Promise<void> {
  const errorStream = streams.get('error')!;
  let session: StreamSession;
  try {
    session = await startSession(target, options);
  } catch (error) {
    errorStream.end(JSON.stringify(failureStatus(error)));
    await finished(errorStream, { readable: false }).catch(() => {});
    connection.close();
    return;
  }
  connection.onClose(() => session.close());
  session.stdin?.on('error', () => {});

  const stdin = streams.get('stdin');
  if (stdin && session.stdin) stdin.pipe(session.stdin);
  else stdin?.resume();
  const resize = streams.get('resize');
  if (resize) {
    const decoder = new ResizeDecoder((size) => session.resize(size));
    resize.on('data', (chunk: Buffer) => decoder.push(chunk));
  }
  const outputs: Promise<void>[] = [];
  for (const [name, source] of [
    ['stdout', session.stdout],
    ['stderr', session.stderr],
  ] as const) {
    const sink = streams.get(name);
    if (!sink) continue;
    if (!source) {
      sink.end();
      continue;
    }
    source.pipe(sink);
    outputs.push(finished(sink, { readable: false }).catch(() => {}));
  }
  const result = await sessionEnded(session);
  await Promise.all(outputs);
  errorStream.end(JSON.stringify(endStatus(result, options)));
  await finished(errorStream, { readable: false }).catch(() => {});
  connection.close();
}
