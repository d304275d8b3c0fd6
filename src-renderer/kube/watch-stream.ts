import { TABLE_ACCEPT, type KubeApi } from './api-client.js';
import { resourcePath, type ResourceType } from './resource-type.js';
import type { KubeObject, Table, WatchEvent } from './types.js';
import { fetchTransport, type WatchStream } from './watch-transport.js';

export type { WatchStream } from './watch-transport.js';

/**
 * A watch on a collection: the API server sends one JSON event per change
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes),
 * over the API's watch transport (watch-transport.ts: a streamed `fetch`, or the window's one
 * multiplexed WebSocket to the gateway). `openWatch` resolves once the server has accepted the watch (a 410 for a too-old
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
  const transport = api.watchTransport ?? fetchTransport(api);
  return transport.open<T>({
    path,
    accept: options.table ? TABLE_ACCEPT : 'application/json',
    signal: options.signal,
    what: type.resource,
  });
}

/** An event whose object is a one-row Table (table-mode watches). */
export type TableWatchEvent = WatchEvent<Table>;
