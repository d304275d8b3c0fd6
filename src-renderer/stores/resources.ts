import { defineStore } from 'pinia';
import {
  getCurrentScope,
  markRaw,
  onScopeDispose,
  shallowReactive,
  shallowRef,
  toValue,
  watch,
  type MaybeRefOrGetter,
} from 'vue';
import {
  Informer,
  type InformerMode,
  type InformerOptions,
  type InformerState,
  type ResourceType,
} from '../kube/index.js';
import { useClustersStore } from './clusters.js';
import { InformerRegistry, type InformerSpec, type Lease } from './informer-registry.js';
import { ResourceList, STOPPED, type ResourceListState, type ResourceListView } from './resource-list.js';

/** What a view lists: a resource of a cluster, in some namespaces, optionally filtered. */
export interface ResourceQuery {
  clusterId: string;
  type: ResourceType;
  /** Namespaces to show; empty or undefined for all. Several give one informer each, merged. */
  namespaces?: readonly string[] | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** `table` (default) for the server's columns, `object` for whole objects. */
  mode?: InformerMode | undefined;
}

/** A list a caller holds until `release()`. */
export interface ResourceListHandle extends ResourceListView {
  release(): void;
}

/** A cluster's connection as its informers see it. */
export interface ClusterConnection {
  /** `idle`: nothing watched yet; `connecting`: listing; `connected`: every informer live. */
  phase: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
  error?: InformerState['error'];
  retryAt?: number | undefined;
}

/** Options every informer gets (tests shorten the flush window or the page size). */
export type InformerDefaults = Pick<
  InformerOptions,
  'pageSize' | 'scheduleFlush' | 'backoff' | 'watchTimeoutSeconds'
>;

/**
 * The resources store: the window's informer registry. Views call `useResourceList(query)` in
 * `setup()`; equal queries share informers, and an informer stops when its last view unmounts.
 *
 * @example
 * const resources = useResourcesStore();
 * const pods = resources.useResourceList(() => ({
 *   clusterId: clusters.selectedId!, type: podsType, namespaces: namespaces.picked, mode: 'table',
 * }));
 * // pods.rows.value, pods.columns.value, pods.state.value.phase, pods.error.value
 */
export const useResourcesStore = defineStore('resources', () => {
  const clusters = useClustersStore();
  let defaults: InformerDefaults = {};
  /** Each running informer's cluster and state, for `connectionOf`; shallow so states are swapped whole. */
  const states = shallowReactive(new Map<string, { clusterId: string; state: InformerState }>());

  // Raw: the registry holds informers and their maps, which must never become reactive proxies.
  const registry = markRaw(
    new InformerRegistry(
      (spec: InformerSpec) => {
        const informer = new Informer<InformerMode>({
          ...defaults,
          api: clusters.api(spec.clusterId),
          type: spec.type,
          namespace: spec.namespace,
          labelSelector: spec.labelSelector,
          fieldSelector: spec.fieldSelector,
          mode: spec.mode,
        });
        return informer;
      },
      (key) => states.delete(key),
    ),
  );

  /** Set options for informers created from now on. */
  function configure(options: InformerDefaults): void {
    defaults = { ...defaults, ...options };
  }

  /** Hold the list for `query` until `release()` (outside components; views use `useResourceList`). */
  function acquireList(query: ResourceQuery): ResourceListHandle {
    const namespaces =
      query.type.namespaced && query.namespaces?.length ? [...new Set(query.namespaces)] : [undefined];
    const leases: Lease[] = namespaces.map((namespace) =>
      registry.acquire({
        clusterId: query.clusterId,
        type: query.type,
        namespace,
        labelSelector: query.labelSelector,
        fieldSelector: query.fieldSelector,
        mode: query.mode ?? 'table',
      }),
    );
    const offs = leases.map((lease) => track(lease, query.clusterId));
    const list = new ResourceList(leases.map((l) => l.informer));
    let released = false;
    return {
      items: list.items,
      rows: list.rows,
      columns: list.columns,
      state: list.state,
      error: list.error,
      lastChange: list.lastChange,
      release: () => {
        if (released) return;
        released = true;
        list.dispose();
        for (const off of offs) off();
        for (const lease of leases) lease.release();
      },
    };
  }

  /** Follow an informer's state into `states` while this lease holds it. */
  function track(lease: Lease, clusterId: string): () => void {
    const informer = lease.informer;
    states.set(lease.key, { clusterId, state: informer.state });
    return informer.onStateChange((state: InformerState) => {
      if (registry.users(lease.key) > 0) states.set(lease.key, { clusterId, state });
    });
  }

  /**
   * The list for a query that may change (a getter or ref): when it does, the new informers are
   * acquired before the old are released, so shared ones keep running; released with the
   * calling component (its effect scope). `undefined` shows nothing (no cluster picked yet).
   */
  function useResourceList(query: MaybeRefOrGetter<ResourceQuery | undefined>): ResourceListView {
    const view: ResourceListView = {
      items: shallowRef([]),
      rows: shallowRef([]),
      columns: shallowRef([]),
      state: shallowRef<ResourceListState>(STOPPED),
      error: shallowRef(undefined),
      lastChange: shallowRef(undefined),
    };
    let current: ResourceListHandle | undefined;
    let unlink: (() => void)[] = [];
    const bind = (next: ResourceListHandle | undefined) => {
      for (const stop of unlink) stop();
      unlink = [];
      const previous = current;
      current = next;
      if (next) {
        // Mirror the handle's refs into the stable refs the view holds.
        for (const name of ['items', 'rows', 'columns', 'state', 'error', 'lastChange'] as const) {
          const target = view[name] as { value: unknown };
          target.value = next[name].value;
          unlink.push(watch(next[name], (value) => (target.value = value), { flush: 'sync' }));
        }
      } else {
        view.items.value = [];
        view.rows.value = [];
        view.columns.value = [];
        view.state.value = STOPPED;
        view.error.value = undefined;
        view.lastChange.value = undefined;
      }
      previous?.release();
    };
    const stopWatching = watch(
      () => {
        const q = toValue(query);
        return q ? JSON.stringify(queryKey(q)) : '';
      },
      (key) => {
        const q = toValue(query);
        bind(key && q ? acquireList(q) : undefined);
      },
      { immediate: true },
    );
    if (getCurrentScope()) {
      onScopeDispose(() => {
        stopWatching();
        bind(undefined);
      });
    }
    return view;
  }

  /** Stop every informer (e.g. when the window unloads). */
  function stopAll(): void {
    registry.stopAll();
  }

  /** A cluster's connection, from the informers watching it (reactive). */
  function connectionOf(clusterId: string): ClusterConnection {
    const mine = [...states.values()].filter((s) => s.clusterId === clusterId).map((s) => s.state);
    if (mine.length === 0) return { phase: 'idle' };
    const down = mine.find((s) => s.phase === 'disconnected');
    if (down) return { phase: 'disconnected', error: down.error, retryAt: down.retryAt };
    const retrying = mine.find((s) => s.phase === 'reconnecting');
    if (retrying) return { phase: 'reconnecting', error: retrying.error };
    if (mine.some((s) => s.phase === 'listing' && !s.synced)) return { phase: 'connecting' };
    return { phase: 'connected' };
  }

  return { registry, configure, acquireList, useResourceList, connectionOf, stopAll };
});

function queryKey(q: ResourceQuery) {
  const namespaces = q.type.namespaced ? [...new Set(q.namespaces ?? [])].sort() : [];
  return [
    q.clusterId,
    q.type.group,
    q.type.version,
    q.type.resource,
    q.type.namespaced,
    namespaces,
    q.labelSelector?.trim() ?? '',
    q.fieldSelector?.trim() ?? '',
    q.mode ?? 'table',
  ];
}
