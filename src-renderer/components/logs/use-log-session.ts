import type { Pod } from 'kubernetes-types/core/v1.js';
import { markRaw, onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { animationFrameScheduler, type FlushScheduler, type KubeApi } from '../../kube/index.js';
import { LineStore } from '../../streams/line-store.js';
import { LogFollower, type FollowSettings, type LogSource } from '../../streams/log-follower.js';
import type { LogLine } from '../../streams/log-line.js';
import { LogMerger } from '../../streams/log-merger.js';
import { LogSearch } from '../../streams/log-search.js';

export interface LogSessionOptions {
  api: MaybeRefOrGetter<KubeApi | undefined>;
  namespace: MaybeRefOrGetter<string>;
  /** The pods to follow, live (from an informer). */
  pods: MaybeRefOrGetter<readonly Pod[]>;
  /** What to read; a change starts over (cleared, new streams). */
  settings: MaybeRefOrGetter<FollowSettings>;
  /** Order merged streams by timestamp within a window (else arrival order). */
  orderByTime: MaybeRefOrGetter<boolean>;
  /** Lines kept (default 200,000; older ones are dropped). */
  capacity?: number;
  scheduleFlush?: FlushScheduler;
}

/** What the last flush did, for the view's scrolling. */
export interface LogFlush {
  appended: number;
  dropped: number;
}

/**
 * A log session for a view: follows the pods' containers, merges their lines, and appends them
 * to a capped line store once per animation frame (a burst of 10,000 lines costs one render).
 * The store and search are raw objects; `version` says when they changed.
 */
export function useLogSession(options: LogSessionOptions) {
  const store = markRaw(new LineStore({ capacity: options.capacity ?? 200_000 }));
  const search = markRaw(new LogSearch(store));
  const merger = markRaw(new LogMerger({ orderByTime: toValue(options.orderByTime) }));
  const schedule = options.scheduleFlush ?? animationFrameScheduler;
  const version = shallowRef(0);
  const lastFlush = shallowRef<LogFlush>({ appended: 0, dropped: 0 });
  const sources = shallowRef<readonly LogSource[]>([]);
  let follower: LogFollower | undefined;
  let cancelFlush: (() => void) | undefined;
  let dueTimer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    cancelFlush = undefined;
    const lines = merger.drain();
    const dropped = store.append(lines);
    search.update();
    lastFlush.value = { appended: lines.length, dropped };
    version.value++;
    // Lines held for ordering: come back when the oldest is due, even if nothing else arrives.
    const due = merger.nextDueAt;
    if (due !== undefined && dueTimer === undefined) {
      dueTimer = setTimeout(
        () => {
          dueTimer = undefined;
          requestFlush();
        },
        Math.max(0, due - Date.now()),
      );
    }
  };
  const requestFlush = () => {
    cancelFlush ??= schedule(flush);
  };
  const onLines = (lines: LogLine[]) => {
    merger.push(lines);
    requestFlush();
  };

  function start(): void {
    follower?.stop();
    follower = undefined;
    merger.clear();
    store.clear();
    search.update();
    sources.value = [];
    version.value++;
    const api = toValue(options.api);
    if (!api) return;
    follower = new LogFollower({
      api,
      namespace: toValue(options.namespace),
      settings: { ...toValue(options.settings) },
      onLines,
      onSources: (list) => (sources.value = list.map((s) => ({ ...s }))),
    });
    follower.update(toValue(options.pods));
  }

  watch(
    () => [toValue(options.api), toValue(options.namespace), JSON.stringify(toValue(options.settings))],
    start,
    { immediate: true },
  );
  watch(
    () => toValue(options.pods),
    (pods) => follower?.update(pods),
  );
  watch(
    () => toValue(options.orderByTime),
    (ordered) => {
      merger.orderByTime = ordered;
    },
  );

  function clear(): void {
    store.clear();
    search.update();
    lastFlush.value = { appended: 0, dropped: 0 };
    version.value++;
  }

  function setQuery(query: string): void {
    search.setQuery(query);
    version.value++;
  }

  onScopeDispose(() => {
    follower?.stop();
    cancelFlush?.();
    clearTimeout(dueTimer);
  });

  return { store, search, version, lastFlush, sources, clear, restart: start, setQuery };
}

export type LogSession = ReturnType<typeof useLogSession>;
