import type { KubeApi } from '../kube/index.js';
import { LineSplitter } from './line-splitter.js';
import { parseTimestamped, type LogLine } from './log-line.js';
import { streamLogOverSocket, type LogSocketTransport } from './log-socket.js';

/**
 * What a pod's `log` subresource takes (PodLogOptions,
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#get-read-log-of-the-specified-pod).
 * At most one of `sinceSeconds` and `sinceTime`.
 */
export interface PodLogOptions {
  container?: string | undefined;
  follow?: boolean | undefined;
  /** The last terminated instance of the container (after a restart). */
  previous?: boolean | undefined;
  sinceSeconds?: number | undefined;
  /** RFC 3339. */
  sinceTime?: string | undefined;
  tailLines?: number | undefined;
  timestamps?: boolean | undefined;
  limitBytes?: number | undefined;
}

/** The path and query of a pod's log under the cluster's root. */
export function podLogPath(namespace: string, pod: string, options: PodLogOptions = {}): string {
  const params = new URLSearchParams();
  if (options.container) params.set('container', options.container);
  if (options.follow) params.set('follow', 'true');
  if (options.previous) params.set('previous', 'true');
  if (options.sinceSeconds !== undefined) params.set('sinceSeconds', String(options.sinceSeconds));
  else if (options.sinceTime) params.set('sinceTime', options.sinceTime);
  if (options.tailLines !== undefined) params.set('tailLines', String(options.tailLines));
  if (options.timestamps) params.set('timestamps', 'true');
  if (options.limitBytes !== undefined) params.set('limitBytes', String(options.limitBytes));
  const query = params.toString();
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
  return query ? `${path}?${query}` : path;
}

/**
 * Read a pod's log as it streams: `onLines` gets the lines each chunk completes, parsed for their
 * timestamps when `timestamps` is set. Over `socket` when given (a WebSocket through the gateway:
 * a browser gives a host only 6 HTTP/1.1 connections, which a few followed logs would take, but
 * WebSockets do not count), else over `fetch` and the body's `ReadableStream`. Resolves when the
 * server ends the stream (the container stopped, or `follow` was off); rejects with the server's
 * `StatusError` (a pod that is gone, a container still waiting), or the `AbortError` when
 * `signal` stops it.
 */
export async function streamPodLog(
  api: KubeApi,
  namespace: string,
  pod: string,
  options: PodLogOptions,
  onLines: (lines: LogLine[]) => void,
  signal?: AbortSignal,
  socket?: LogSocketTransport,
): Promise<void> {
  const path = podLogPath(namespace, pod, options);
  const parse = options.timestamps ? parseTimestamped : (text: string): LogLine => ({ text });
  const emit = (raw: string[]) => {
    if (raw.length) onLines(raw.map(parse));
  };
  if (socket) return streamLogOverSocket(socket, api, path, emit, signal);
  const response = await api.raw(path, { headers: { Accept: 'text/plain, */*' }, signal });
  const splitter = new LineSplitter();
  if (!response.body) {
    emit(splitter.push(await response.text()));
    emit(splitter.end());
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      emit(splitter.push(value));
    }
  } finally {
    reader.releaseLock();
  }
  emit(splitter.end());
}
