import { defineStore } from 'pinia';
import { computed, ref, toValue, type ComputedRef, type MaybeRefOrGetter } from 'vue';
import { CORE_TYPES } from '../kube/index.js';
import { useClustersStore } from './clusters.js';
import { useResourcesStore } from './resources.js';
import type { ResourceListView } from './resource-list.js';

/**
 * The namespaces store: which namespaces the user picked in each cluster (all, one or several;
 * saved in the app's settings so the pick survives a restart), and the cluster's Namespace
 * list, live from an informer.
 *
 * @example
 * const namespaces = useNamespacesStore();
 * namespaces.picked;                        // [] (all) or ['default', 'kube-system'] for the selected cluster
 * await namespaces.pick(['default']);       // one namespace
 * const names = namespaces.useNamespaceNames(() => clusters.selectedId); // ComputedRef<string[]>
 */
export const useNamespacesStore = defineStore('namespaces', () => {
  const clusters = useClustersStore();
  /** Picks made in this window, ahead of the settings round trip; falls back to the settings. */
  const local = ref<Record<string, string[]>>({});
  const error = ref<string | undefined>(undefined);

  /** The picked namespaces of a cluster; empty means all. */
  function pickedIn(clusterId: string): string[] {
    return local.value[clusterId] ?? clusters.settings?.namespaces?.[clusterId] ?? [];
  }

  /** The selected cluster's pick. */
  const picked = computed(() => (clusters.selectedId ? pickedIn(clusters.selectedId) : []));

  /** Pick namespaces (empty: all) in a cluster, the selected one by default, and save the pick. */
  async function pick(namespaces: readonly string[], clusterId = clusters.selectedId): Promise<void> {
    if (!clusterId) return;
    const unique = [...new Set(namespaces)].sort();
    local.value = { ...local.value, [clusterId]: unique };
    try {
      const saved = clusters.settings?.namespaces ?? {};
      await clusters.updateSettings({ namespaces: { ...saved, [clusterId]: unique } });
      error.value = undefined;
    } catch (e) {
      error.value = `The namespace choice could not be saved: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Live Namespace objects of a cluster (released with the calling component). */
  function useNamespaceList(clusterId: MaybeRefOrGetter<string | undefined>): ResourceListView {
    return useResourcesStore().useResourceList(() => {
      const id = toValue(clusterId);
      return id ? { clusterId: id, type: CORE_TYPES.namespaces, mode: 'object' } : undefined;
    });
  }

  /** Just the names, sorted, for the picker. */
  function useNamespaceNames(clusterId: MaybeRefOrGetter<string | undefined>): ComputedRef<string[]> {
    const list = useNamespaceList(clusterId);
    return computed(() =>
      list.items.value
        .map((ns) => ns.metadata.name ?? '')
        .filter(Boolean)
        .sort(),
    );
  }

  return { picked, pickedIn, pick, error, useNamespaceList, useNamespaceNames };
});
