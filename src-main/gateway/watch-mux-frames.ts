import { failureStatus, type FailureStatus } from './status.js';

/**
 * The frames of the watch multiplexer's WebSocket (`/app/watch`), one JSON object per text
 * frame. The renderer restates these shapes in src-renderer/kube/watch-mux-client.ts (it may
 * not import Node code); the README of this folder documents the protocol.
 */

/** What a watch may ask the cluster for: plain JSON events, or one-row Tables (`kubectl get`'s cells). */
export const WATCH_ACCEPTS = new Set(['application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io']);

/** Open a watch: `path` (under the cluster's root, query included) must be a watch. */
export interface WatchFrame {
  op: 'watch';
  id: string;
  cluster: string;
  path: string;
  accept: string;
}

/** Stop a watch; unknown ids are ignored (the watch may have ended meanwhile). */
export interface CancelFrame {
  op: 'cancel';
  id: string;
}

export type ClientFrame = WatchFrame | CancelFrame;

/** A frame the gateway sends: exactly one of `opened`, `events`, `error`, `end` (with `error` when dropped). */
export type ServerFrame =
  | { id: string; opened: true }
  | { id: string; events: unknown[] }
  | { id: string; error: unknown }
  | { id: string; end: true; error?: FailureStatus };

/** The outcome of reading one client frame. */
export type ParsedFrame =
  | { ok: true; frame: ClientFrame }
  /** `id` when the frame named one, so the refusal can go to that watch. */
  | { ok: false; id: string | undefined; status: FailureStatus };

/** Ids are the client's own; anything longer is not one of ours. */
const MAX_ID_LENGTH = 128;
const MAX_PATH_LENGTH = 8192;

/** Read and check one text frame from the renderer. */
export function parseClientFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse(undefined, 'the frame is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(undefined, 'the frame is not a JSON object');
  }
  const frame = value as Record<string, unknown>;
  const id =
    typeof frame.id === 'string' && frame.id && frame.id.length <= MAX_ID_LENGTH ? frame.id : undefined;
  if (!id) return refuse(undefined, `"id" must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  if (frame.op === 'cancel') return { ok: true, frame: { op: 'cancel', id } };
  if (frame.op !== 'watch') return refuse(id, `unknown op ${JSON.stringify(frame.op)}: "watch" or "cancel"`);
  const { cluster, path, accept } = frame;
  if (typeof cluster !== 'string' || !cluster) return refuse(id, '"cluster" must be a cluster id');
  if (typeof accept !== 'string' || !WATCH_ACCEPTS.has(accept)) {
    return refuse(id, `"accept" must be one of ${[...WATCH_ACCEPTS].join(', ')}`);
  }
  if (typeof path !== 'string') return refuse(id, '"path" must be a string');
  const problem = watchPathProblem(path);
  if (problem) return refuse(id, problem);
  return { ok: true, frame: { op: 'watch', id, cluster, path, accept } };
}

/**
 * Why `path` is not a watch this socket may open, or undefined when it is one: an API path
 * (`/api/…` or `/apis/…`, no dot segments, nothing that is not a plain URL character) with
 * `watch=1` or `watch=true` in its query. This socket is not a general proxy.
 */
export function watchPathProblem(path: string): string | undefined {
  if (path.length > MAX_PATH_LENGTH) return `the path is longer than ${MAX_PATH_LENGTH} characters`;
  // Printable ASCII without space, '#' or '\': nothing a request line could be split or fooled by.
  if (!/^\/[!-~]*$/.test(path) || /[#\\]/.test(path)) return `${JSON.stringify(path)} is not a request path`;
  const query = path.indexOf('?');
  const pathname = query < 0 ? path : path.slice(0, query);
  if (!/^\/apis?\//.test(pathname)) return `${pathname} is not a Kubernetes API path (/api/… or /apis/…)`;
  let segments: string[];
  try {
    segments = pathname.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return `${pathname} is not valid percent-encoding`;
  }
  if (segments.some((s) => s === '.' || s === '..' || s.includes('/'))) {
    return `${pathname} may not contain dot segments or encoded slashes`;
  }
  const watch = new URLSearchParams(query < 0 ? '' : path.slice(query + 1)).getAll('watch');
  if (watch.length !== 1 || (watch[0] !== '1' && watch[0] !== 'true')) {
    return `only watches are served here: the query must have watch=1 or watch=true (${pathname})`;
  }
  return undefined;
}

function refuse(id: string | undefined, message: string): ParsedFrame {
  return { ok: false, id, status: failureStatus(400, `watch: ${message}`) };
}

/**
 * Splits a watch's streamed body into its lines (one JSON event each, as the API server writes
 * them), keeping an unfinished line for the next chunk. Text in, because the body is decoded
 * with `setEncoding('utf8')`, which never splits a character.
 */
export class LineSplitter {
  private rest = '';

  /** The complete, non-blank lines in `chunk` (and what was left over before it). */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines: string[] = [];
    let start = 0;
    let newline: number;
    while ((newline = text.indexOf('\n', start)) >= 0) {
      const line = text.slice(start, newline).trim();
      if (line) lines.push(line);
      start = newline + 1;
    }
    this.rest = text.slice(start);
    return lines;
  }

  /** What is left when the stream ends (the last event may come without a newline). */
  end(): string[] {
    const line = this.rest.trim();
    this.rest = '';
    return line ? [line] : [];
  }
}
