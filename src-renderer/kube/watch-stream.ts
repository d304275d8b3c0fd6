import { TABLE_ACCEPT, type KubeApi } from './api-client.js';
import { resourcePath, type ResourceType } from './resource-type.js';
import { failureStatus, networkError, StatusError } from './status-error.js';
import type { KubeObject, Table, WatchEvent } from './types.js';

/**
 * A watch over `fetch`: the API server streams one JSON event per line on a chunked response
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 * `openWatch` resolves once the server has accepted the watch (a 410 for a too-old
 * resourceVersion, or any other refusal, rejects with its `StatusError`); the events then
 * arrive in the server's order through `for await`. The loop ends when the server ends the
 * watch (its timeout) or the signal aborts it, and throws a `StatusError` when the connection
 * drops mid-stream.
 */
export interface WatchOptions {
  /** Start after this version; an informer passes its list's resourceVersion. */
  resourceVersion: string;
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Ask the server to end the watch after this long (clients then watch again). */
  timeoutSeconds?: number | undefined;
  /** Default true: BOOKMARK events keep the resourceVersion fresh while nothing changes. */
  allowWatchBookmarks?: boolean | undefined;
  /** Each event's object is a one-row `Table` (with the row's metadata) instead of the object. */
  table?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export type WatchStream<T> = AsyncIterable<WatchEvent<T>>;

/** Open a watch on `type`'s collection (in `namespace`, or all namespaces). */
export async function openWatch<T = KubeObject>(
  api: KubeApi,
  type: ResourceType,
  options: WatchOptions,
): Promise<WatchStream<T>> {
  const path = api.url(resourcePath(type, { namespace: options.namespace }), {
    watch: 1,
    resourceVersion: options.resourceVersion,
    allowWatchBookmarks: options.allowWatchBookmarks ?? true,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    timeoutSeconds: options.timeoutSeconds,
    includeObject: options.table ? 'Metadata' : undefined,
  });
  const response = await api.raw(path, {
    headers: { Accept: options.table ? TABLE_ACCEPT : 'application/json' },
    signal: options.signal,
  });
  const body = response.body;
  if (!body) throw new StatusError(failureStatus(500, `watch ${type.resource}: the response has no body`));
  return { [Symbol.asyncIterator]: () => readEvents<T>(body, options.signal, type.resource) };
}

/** An event whose object is a one-row Table (table-mode watches). */
export type TableWatchEvent = WatchEvent<Table>;

/** Parse newline-delimited JSON events from a byte stream, as they arrive. */
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
