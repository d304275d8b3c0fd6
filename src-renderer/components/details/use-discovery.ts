/**
 * The selected cluster's discovery for the details, overview and events views, as the reactive
 * view they use: a window onto the shared discovery store (stores/discovery.ts), so these views
 * and the shell's navigation ask each cluster once and all see the refresh after a CRD change.
 */
import { computed, toValue, watch, type ComputedRef, type MaybeRefOrGetter } from 'vue';
import type { ResourceType, StatusError } from '../../kube/index.js';
import { useDiscoveryStore } from '../../stores/index.js';

export interface DiscoveryView {
  types: ComputedRef<readonly ResourceType[]>;
  loaded: ComputedRef<boolean>;
  error: ComputedRef<StatusError | undefined>;
}

/** The served types of a cluster, reactive; empty until discovery answers. */
export function useDiscovery(clusterId: MaybeRefOrGetter<string | undefined>): DiscoveryView {
  const discovery = useDiscoveryStore();
  const entry = computed(() => discovery.entry(toValue(clusterId)));
  watch(
    () => toValue(clusterId),
    (id) => {
      if (id) void discovery.load(id);
    },
    { immediate: true },
  );
  return {
    types: computed(() => entry.value.discovery?.types ?? []),
    loaded: computed(() => entry.value.discovery !== undefined),
    error: computed(() => entry.value.error),
  };
}
