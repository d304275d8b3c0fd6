import type { Status } from 'kubernetes-types/meta/v1.js';
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { errors, StatusError } from '../../api/errors.js';
import type { StreamSession } from '../../api/node-streams.js';
import { booleanParam, requireRunning, type StreamTarget } from './target.js';

/** What an exec or attach asks for (the query of pods/<name>/exec or /attach, as kubectl sends it). */
export interface RemoteCommandOptions {
  kind: 'exec' | 'attach';
  container: string | null;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Parse PodExecOptions / PodAttachOptions, with the kubelet's checks (remotecommand options). */
export function parseRemoteCommandOptions(
  kind: 'exec' | 'attach',
  query: URLSearchParams,
): RemoteCommandOptions {
  const options: RemoteCommandOptions = {
    kind,
    container: query.get('container') || null,
    command: query.getAll('command'),
    stdin: booleanParam(query, 'stdin'),
    stdout: booleanParam(query, 'stdout'),
    stderr: booleanParam(query, 'stderr'),
    tty: booleanParam(query, 'tty'),
  };
  if (kind === 'exec' && options.command.length === 0) {
    throw errors.badRequest('you must specify at least one command for the container');
  }
  if (!options.stdin && !options.stdout && !options.stderr) {
    throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  }
  // With a TTY, stderr is merged into stdout (remotecommand.NewOptions).
  if (options.tty && options.stderr) options.stderr = false;
  return options;
}

/** Start the exec or attach on the pod's node. */
export function startSession(target: StreamTarget, options: RemoteCommandOptions): Promise<StreamSession> {
  requireRunning(target);
  const ref = {
    namespace: target.namespace,
    pod: target.name,
    podUid: target.uid,
    container: target.container,
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    tty: options.tty,
  };
  return options.kind === 'exec'
    ? target.node.exec({ ...ref, command: options.command })
    : target.node.attach(ref);
}

/**
 * How the session ended, as the error channel reports it (v4 protocol, the kubelet's
 * remotecommand/httpstream.go writeStatus): Success; NonZeroExitCode with the code as the
 * `ExitCode` cause (kubectl exits with it); or an internal error.
 */
export function endStatus(
  result: { exitCode: number } | { message: string },
  options: RemoteCommandOptions,
): Status {
  if ('message' in result) return failureStatus(errors.internal(result.message));
  if (result.exitCode === 0 || options.kind === 'attach') return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${options.command.join(' ')}], exit code ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  };
}

/** A failure as the error channel carries it. */
export function failureStatus(error: unknown): Status {
  const status = error instanceof StatusError ? error : errors.internal(String(error));
  return {
    metadata: {},
    status: 'Failure',
    message: status.status.message,
    reason: status.reason,
    code: status.code,
  };
}

/**
 * Wait for the session to end and for its output to be read to the end (a process's last
 * output may arrive after its exit is known).
 */
export async function sessionEnded(
  session: StreamSession,
): Promise<{ exitCode: number } | { message: string }> {
  const result = await session.done.catch((error: unknown) => ({
    message: error instanceof Error ? error.message : String(error),
  }));
  await Promise.all([drained(session.stdout), drained(session.stderr)]);
  return result;
}

function drained(stream: Readable | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return finished(stream, { writable: false }).catch(() => {});
}

/**
 * Terminal size messages: JSON objects `{"Width":80,"Height":24}`, one per message on WebSocket,
 * back to back (newline-separated by Go's json.Encoder) on a SPDY stream.
 */
export class ResizeDecoder {
  private pending = '';

  constructor(private readonly onResize: (size: { width: number; height: number }) => void) {}

  push(data: Buffer): void {
    this.pending += data.toString('utf8');
    let depth = 0;
    let start = -1;
    let consumed = 0;
    for (let i = 0; i < this.pending.length; i++) {
      const c = this.pending[i];
      if (c === '{') {
        if (depth === 0) start = i;
        depth++;
      } else if (c === '}' && depth > 0) {
        depth--;
        if (depth === 0) {
          this.emit(this.pending.slice(start, i + 1));
          consumed = i + 1;
        }
      }
    }
    this.pending = this.pending.slice(consumed);
    if (this.pending.length > 4096) this.pending = '';
  }

  private emit(text: string): void {
    try {
      const size = JSON.parse(text) as { Width?: unknown; Height?: unknown };
      if (typeof size.Width === 'number' && typeof size.Height === 'number') {
        this.onResize({ width: size.Width, height: size.Height });
      }
    } catch {
      // A malformed size is ignored, as the kubelet ignores it.
    }
  }
}
