import type { Duplex, Readable } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';
import type { StreamSession } from '../../api/node-streams.js';
import type { LogOptions } from '../runtime/container-runtime.js';
import { daemonMessage, type Docker } from './docker-api.js';

/**
 * Read Docker's multiplexed stream format (8-byte header: stream type 1 = stdout, 2 = stderr,
 * 3 bytes padding, 4-byte big-endian length; then the payload), which Docker uses for logs,
 * exec and attach without a TTY. Calls `onFrame` per payload, in order; `onEnd` once.
 */
export function demux(
  source: NodeJS.ReadableStream,
  onFrame: (stream: 1 | 2, payload: Buffer) => void,
  onEnd: (error?: Error) => void,
): void {
  let buffer: Buffer = Buffer.alloc(0);
  let ended = false;
  const end = (error?: Error) => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  source.on('data', (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (buffer.length >= 8) {
      const length = buffer.readUInt32BE(4);
      if (buffer.length < 8 + length) break;
      const type = buffer[0] === 2 ? 2 : 1;
      onFrame(type, buffer.subarray(8, 8 + length));
      buffer = buffer.subarray(8 + length);
    }
  });
  source.on('end', () => end());
  source.on('close', () => end());
  source.on('error', (error: Error) => end(error));
}

/** stdout/stderr streams for a session, fed from Docker's raw (TTY) or multiplexed stream. */
function outputs(socket: Duplex, raw: boolean, want: { stdout: boolean; stderr: boolean }) {
  const stdout = want.stdout ? new PassThrough() : undefined;
  const stderr = want.stderr && !raw ? new PassThrough() : undefined;
  const finish = () => {
    stdout?.end();
    stderr?.end();
  };
  if (raw) {
    socket.on('data', (chunk: Buffer) => stdout?.write(chunk));
    socket.on('end', finish);
    socket.on('close', finish);
  } else {
    demux(socket, (type, payload) => (type === 1 ? stdout : stderr)?.write(payload), finish);
  }
  return { stdout, stderr };
}

/** The client's stdin, written into the hijacked socket; its end half-closes the socket (Docker then closes the process's stdin). */
function stdinInto(socket: Duplex): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      if (socket.destroyed) return callback();
      socket.write(chunk, () => callback());
    },
    final(callback) {
      if (!socket.destroyed) socket.end();
      callback();
    },
  });
}

/** Resolves when `socket` is finished with in both directions it is still open in. */
function closed(socket: Duplex): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve();
    socket.once('end', resolve);
    socket.once('close', resolve);
    socket.once('error', () => resolve());
  });
}

/** `docker exec`: create the exec, start it hijacked, and read the exit code from exec inspect once the stream ends. */
export async function execSession(
  docker: Docker,
  id: string,
  options: { command: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
): Promise<StreamSession> {
  const exec = await docker.getContainer(id).exec({
    Cmd: options.command,
    AttachStdin: options.stdin,
    AttachStdout: options.stdout,
    AttachStderr: options.stderr,
    Tty: options.tty,
  });
  const socket = (await exec.start({
    hijack: true,
    stdin: options.stdin,
    Tty: options.tty,
  })) as unknown as Duplex;
  const { stdout, stderr } = outputs(socket, options.tty, options);
  const done = closed(socket).then(async () => {
    // The stream can end a moment before Docker records the exit: ask again briefly.
    for (let i = 0; i < 50; i++) {
      try {
        const info = await exec.inspect();
        if (!info.Running && info.ExitCode !== null) return { exitCode: info.ExitCode };
      } catch (error) {
        return { message: daemonMessage(error) };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return { message: 'the exec session ended but its process is still running' };
  });
  return {
    stdin: options.stdin ? stdinInto(socket) : undefined,
    stdout,
    stderr,
    resize({ width, height }) {
      if (options.tty) exec.resize({ w: width, h: height }).catch(() => {});
    },
    done,
    close() {
      socket.destroy();
    },
  };
}

/** `docker attach` to the container's main process; the container's own `Tty` decides the stream format. */
export async function attachSession(
  docker: Docker,
  id: string,
  options: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
): Promise<StreamSession> {
  const container = docker.getContainer(id);
  const info = await container.inspect();
  const tty = info.Config.Tty;
  const stdinOpen = options.stdin && info.Config.OpenStdin;
  const socket = (await container.attach({
    stream: true,
    stdin: stdinOpen,
    stdout: options.stdout,
    stderr: options.stderr,
    hijack: true,
  })) as unknown as Duplex;
  const { stdout, stderr } = outputs(socket, tty, options);
  const done = closed(socket).then(async () => {
    try {
      const state = (await container.inspect()).State;
      if (state.Running) return { message: 'detached' };
      return { exitCode: state.ExitCode };
    } catch (error) {
      return { message: daemonMessage(error) };
    }
  });
  return {
    stdin: stdinOpen ? stdinInto(socket) : undefined,
    stdout,
    stderr: tty ? undefined : stderr,
    resize({ width, height }) {
      if (tty) container.resize({ w: width, h: height }).catch(() => {});
    },
    done,
    close() {
      socket.destroy();
    },
  };
}

/**
 * A container's log from Docker's json-file driver, stdout and stderr interleaved as written,
 * each line prefixed with its RFC 3339 timestamp when asked; `limitBytes` cuts the output off
 * after that many bytes, as the kubelet does.
 */
export async function logStream(
  docker: Docker,
  id: string,
  options: LogOptions,
  signal: AbortSignal,
): Promise<Readable> {
  const container = docker.getContainer(id);
  const tty = (await container.inspect()).Config.Tty;
  const base = {
    stdout: true,
    stderr: true,
    timestamps: options.timestamps,
    ...(options.sinceMs !== undefined ? { since: options.sinceMs / 1000 } : {}),
    ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
  };
  const out = new PassThrough();
  let remaining = options.limitBytes ?? Infinity;
  const write = (payload: Buffer): boolean => {
    if (remaining <= 0) return false;
    const part = payload.length > remaining ? payload.subarray(0, remaining) : payload;
    remaining -= part.length;
    out.write(part);
    if (remaining <= 0) out.end();
    return remaining > 0;
  };
  if (!options.follow) {
    const buffer = (await container.logs({ ...base, follow: false })) as unknown as Buffer;
    if (tty) write(buffer);
    else {
      let offset = 0;
      while (offset + 8 <= buffer.length) {
        const length = buffer.readUInt32BE(offset + 4);
        if (!write(buffer.subarray(offset + 8, offset + 8 + length))) break;
        offset += 8 + length;
      }
    }
    if (!out.writableEnded) out.end();
    return out;
  }
  const source = (await container.logs({ ...base, follow: true })) as unknown as Readable;
  const stop = () => {
    source.destroy();
    if (!out.writableEnded) out.end();
  };
  if (signal.aborted) stop();
  signal.addEventListener('abort', stop, { once: true });
  out.on('close', () => source.destroy());
  const finish = () => {
    signal.removeEventListener('abort', stop);
    if (!out.writableEnded) out.end();
  };
  if (tty) {
    source.on('data', (chunk: Buffer) => {
      if (!write(chunk)) source.destroy();
    });
    source.on('end', finish);
    source.on('close', finish);
    source.on('error', finish);
  } else {
    demux(
      source,
      (_type, payload) => {
        if (!write(payload)) source.destroy();
      },
      finish,
    );
  }
  return out;
}
