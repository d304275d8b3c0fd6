/**
 * The selected cluster's discovery for the details, overview and events views: asked once per
 * API client (so once per cluster) and shared; a failure is kept as the StatusError to show, and
 * the next call asks again. (A shared discovery store would serve the shell's navigation too;
 * until there is one, this cache keeps these views to one discovery per cluster.)
 */
import { shallowRef, toValue, watch, type MaybeRefOrGetter, type ShallowRef } from 'vue';
import { discover, StatusError, type Discovery, type KubeApi, type ResourceType } from '../../kube/index.js';
import { useClustersStore } from '../../stores/index.js';

const cache = new WeakMap<KubeApi, Promise<Discovery>>();

/** The discovery of the cluster behind `api`, shared by every caller. */
export function discoveryOf(api: KubeApi): Promise<Discovery> {
  let pending = cache.get(api);
  if (!pending) {
    pending = discover(api);
    cache.set(api, pending);
    pending.catch(() => cache.delete(api));
  }
  return pending;
}

export interface DiscoveryView {
  types: ShallowRef<readonly ResourceType[]>;
  loaded: ShallowRef<boolean>;
  error: ShallowRef<StatusError | undefined>;
}

/** The served types of a cluster, reactive; empty until discovery answers. */
export function useDiscovery(clusterId: MaybeRefOrGetter<string | undefined>): DiscoveryView {
  const clusters = useClustersStore();
  const view: DiscoveryView = {
    types: shallowRef([]),
    loaded: shallowRef(false),
    error: shallowRef(undefined),
  };
  watch(
    () => toValue(clusterId),
    async (id) => {
      view.types.value = [];
      view.loaded.value = false;
      view.error.value = undefined;
      if (!id) return;
      try {
        const result = await discoveryOf(clusters.api(id));
        if (toValue(clusterId) !== id) return;
        view.types.value = result.types;
        view.loaded.value = true;
      } catch (error) {
        view.error.value =
          error instanceof StatusError
            ? error
            : new StatusError({ kind: 'Status', status: 'Failure', message: String(error), code: 0 });
      }
    },
    { immediate: true },
  );
  return view;
}
