import type { Status } from 'kubernetes-types/meta/v1.js';
import type { ResourceType } from '../../api/catalog.js';
import { errors, StatusError } from '../../api/errors.js';
import { apiVersionOf, type KubeObject } from '../../api/object.js';
import {
  CompactedError,
  prefixEnd,
  WatchCancelledError,
  type Store,
  type WatchEvent,
} from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import { collectionPrefix } from './keys.js';
import { decodeObject } from './object-codec.js';
import type { Registry } from './registry.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface ApiWatchEvent {
  type: WatchEventType;
  object: KubeObject | Status;
}

export interface WatchOptions {
  /** Start after this version; unset or "0": start with the current state as ADDED events. */
  resourceVersion?: string | undefined;
  filter?: ((obj: KubeObject) => boolean) | undefined;
  /** Send the current state first, then a bookmark marking its end (the streaming-list protocol). */
  sendInitialEvents?: boolean;
  allowBookmarks?: boolean;
  bookmarkIntervalMs?: number;
  /** End the watch after this long. */
  timeoutMs?: number;
}

export interface WatchSink {
  event(event: ApiWatchEvent): void;
  /**
   * An event already serialised as one JSON line (`{"type":…,"object":…}\n`).
   * When given, unfiltered watches send changes this way: every watcher of a
   * change shares one serialisation, as kube-apiserver's watch cache does.
   */
  line?(line: string): void;
  /** The watch is over (timeout, compaction, store closing, or stop()). */
  end(): void;
}

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/**
 * One API watch: the store's change stream for a collection turned into
 * Kubernetes watch events. With a filter (label or field selector), an
 * object that stops matching is reported DELETED and one that starts
 * matching ADDED, as the watch cache does.
 */
export function startWatch(
  registry: Registry,
  store: Store,
  type: ResourceType,
  namespace: string | undefined,
  options: WatchOptions,
  sink: WatchSink,
  clock: Clock,
): { stop(): void } {
  let stopped = false;
  let lastRevision = 0;
  let storeWatch: { cancel(): void } | undefined;
  const timers: ReturnType<Clock['setTimeout']>[] = [];
  const filter = options.filter ?? (() => true);
  const bookmarkObject = (annotations?: Record<string, string>): KubeObject => ({
    kind: type.kind,
    apiVersion: apiVersionOf(type.group, type.version),
    metadata: { resourceVersion: String(lastRevision), ...(annotations ? { annotations } : {}) },
  });

  const stop = () => {
    if (stopped) return;
    stopped = true;
    storeWatch?.cancel();
    for (const timer of timers) clock.clearTimeout(timer);
    sink.end();
  };

  const run = async () => {
    const rv = options.resourceVersion;
    let from: number;
    if (options.sendInitialEvents || rv === undefined || rv === '' || rv === '0') {
      const list = await registry.list(type, namespace, { filter: options.filter });
      lastRevision = Number(list.resourceVersion);
      for (const item of list.items) sink.event({ type: 'ADDED', object: item });
      if (options.sendInitialEvents && options.allowBookmarks) {
        sink.event({ type: 'BOOKMARK', object: bookmarkObject({ [INITIAL_EVENTS_END]: 'true' }) });
      }
      from = lastRevision + 1;
    } else {
      const wanted = Number(rv);
      if (!Number.isSafeInteger(wanted) || wanted < 0)
        throw errors.badRequest(`invalid resource version "${rv}"`);
      lastRevision = wanted;
      from = wanted + 1;
    }
    if (stopped) return;
    const prefix = collectionPrefix(type, namespace);
    const watch = store.watch(prefix, { end: prefixEnd(prefix), fromRevision: from, prevKv: true });
    storeWatch = watch;
    if (options.allowBookmarks) scheduleBookmark();
    try {
      for await (const batch of watch) {
        for (const change of batch) {
          if (!options.filter && sink.line) {
            const line = eventLine(store, change);
            if (line) sink.line(line);
            continue;
          }
          const event = toApiEvent(change, filter, options.filter !== undefined);
          if (event) sink.event(event);
        }
        lastRevision = batch[batch.length - 1]!.kv.modRevision;
      }
    } catch (error) {
      if (error instanceof CompactedError) {
        sink.event({
          type: 'ERROR',
          object: errors.expired(`too old resource version: ${from - 1} (${error.compactRevision})`).status,
        });
      } else if (!(error instanceof WatchCancelledError)) {
        throw error;
      }
    }
  };

  const scheduleBookmark = () => {
    const timer = clock.setTimeout(() => {
      if (stopped) return;
      sink.event({ type: 'BOOKMARK', object: bookmarkObject() });
      scheduleBookmark();
    }, options.bookmarkIntervalMs ?? 60_000);
    timer.unref?.();
    timers.push(timer);
  };

  if (options.timeoutMs) {
    const timer = clock.setTimeout(stop, options.timeoutMs);
    timer.unref?.();
    timers.push(timer);
  }

  run()
    .catch((error: unknown) => {
      if (stopped) return;
      const status = error instanceof StatusError ? error.status : errors.internal(String(error)).status;
      sink.event({ type: 'ERROR', object: status });
    })
    .finally(stop);
  return { stop };
}

/** Recently serialised events of each store, by revision, key and kind of change. */
const linesByStore = new WeakMap<Store, Map<string, string | undefined>>();
const RECENT_LINES = 1024;

/** One change as a watch event line, serialised once for all watchers (unfiltered). */
function eventLine(store: Store, change: WatchEvent): string | undefined {
  let recentLines = linesByStore.get(store);
  if (!recentLines) linesByStore.set(store, (recentLines = new Map()));
  const id = `${change.kv.modRevision}\0${change.type}\0${change.kv.key}\0${change.prevKv ? 1 : 0}`;
  if (recentLines.has(id)) return recentLines.get(id);
  const event = toApiEvent(change, () => true, false);
  const line = event ? `${JSON.stringify(event)}\n` : undefined;
  recentLines.set(id, line);
  if (recentLines.size > RECENT_LINES) recentLines.delete(recentLines.keys().next().value!);
  return line;
}

function toApiEvent(
  change: WatchEvent,
  filter: (obj: KubeObject) => boolean,
  filtered: boolean,
): ApiWatchEvent | undefined {
  if (change.type === 'delete') {
    if (!change.prevKv) return undefined;
    // A deleted object carries the revision of its deletion (etcd3 watcher.go).
    const object = decodeObject({ value: change.prevKv.value, modRevision: change.kv.modRevision });
    return filter(object) ? { type: 'DELETED', object } : undefined;
  }
  const object = decodeObject(change.kv);
  const matches = filter(object);
  if (!change.prevKv) return matches ? { type: 'ADDED', object } : undefined;
  if (!filtered) return { type: 'MODIFIED', object };
  const matched = filter(decodeObject(change.prevKv));
  if (matches) return { type: matched ? 'MODIFIED' : 'ADDED', object };
  return matched ? { type: 'DELETED', object } : undefined;
}
