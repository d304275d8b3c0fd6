import type { KubeApi } from './api-client.js';
import { failureStatus, networkError, StatusError } from './status-error.js';
import type { WatchEvent } from './types.js';

/**
 * How a watch reaches the cluster. `openWatch` builds the request (path, query, Accept) and
 * hands it to the API's transport:
 * - `fetchTransport(api)`: one streamed `fetch` per watch (the default; what Node tests use);
 * - `muxTransport(gatewayUrl, clusterId)` (watch-mux-client.ts): every watch of the window over
 *   one WebSocket to the gateway, because a browser gives a host only six HTTP/1.1 connections
 *   and each `fetch` watch holds one for minutes.
 *
 * Both keep the same contract, which the informer relies on: `open` resolves once the server
 * accepted the watch and rejects with the server's `StatusError` when it refused (410 included);
 * the stream yields events in the server's order, ends when the server ends the watch or the
 * signal aborts, and throws a `StatusError` when the connection drops mid-stream.
 */
export interface WatchTransport {
  open<T>(request: WatchRequest): Promise<WatchStream<T>>;
}

/** One watch, as `openWatch` asks a transport for it. */
export interface WatchRequest {
  /** Path and query under the cluster's root, e.g. `/api/v1/pods?watch=1&resourceVersion=42`. */
  path: string;
  /** `application/json`, or the Table media type for one-row Table events. */
  accept: string;
  signal?: AbortSignal | undefined;
  /** What is watched, for messages (`pods`). */
  what: string;
}

export type WatchStream<T> = AsyncIterable<WatchEvent<T>>;

/** Watches as streamed `fetch` responses through `api` (one HTTP connection each). */
export function fetchTransport(api: KubeApi): WatchTransport {
  return {
    async open<T>(request: WatchRequest): Promise<WatchStream<T>> {
      const response = await api.raw(request.path, {
        headers: { Accept: request.accept },
        signal: request.signal,
      });
      const body = response.body;
      if (!body) {
        throw new StatusError(failureStatus(500, `watch ${request.what}: the response has no body`));
      }
      return { [Symbol.asyncIterator]: () => readEvents<T>(body, request.signal, request.what) };
    },
  };
}

/**
 * Parse newline-delimited JSON events from a byte stream as they arrive
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 */
async function* readEvents<T>(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
  what: string,
): AsyncGenerator<WatchEvent<T>> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) return;
        throw networkError(error, `watch ${what}`);
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      // Cut every complete line out of the buffer in one pass, keeping the unfinished tail.
      let start = 0;
      let newline: number;
      while ((newline = buffer.indexOf('\n', start)) >= 0) {
        const line = buffer.slice(start, newline).trim();
        start = newline + 1;
        if (line) yield parseEvent<T>(line, what);
      }
      buffer = buffer.slice(start);
    }
    const rest = (buffer + decoder.decode()).trim();
    if (rest) yield parseEvent<T>(rest, what);
  } finally {
    // Ends the request too when the consumer stops early (break, throw, informer stopped).
    reader.cancel().catch(() => {});
  }
}

function parseEvent<T>(line: string, what: string): WatchEvent<T> {
  try {
    return JSON.parse(line) as WatchEvent<T>;
  } catch {
    throw new StatusError(failureStatus(500, `watch ${what}: the server sent a line that is not JSON`));
  }
}
