import { computed, type ComputedRef } from 'vue';
import { useRoute } from 'vue-router';
import type { ResourceType } from '../../kube/index.js';
import { groupFromRoute } from '../../routes.js';
import { useDiscoveryStore } from '../../stores/index.js';

/** The cluster id in the current route, if any. */
export function useRouteCluster(): ComputedRef<string | undefined> {
  const route = useRoute();
  return computed(() => (typeof route.params.cluster === 'string' ? route.params.cluster : undefined));
}

/** The resource type the current route shows (a list or one object), once discovery knows it. */
export function useRouteType(): ComputedRef<ResourceType | undefined> {
  const route = useRoute();
  const discovery = useDiscoveryStore();
  return computed(() => {
    if (route.name !== 'list' && route.name !== 'details') return undefined;
    const { cluster, group, version, resource } = route.params;
    if (typeof cluster !== 'string' || typeof group !== 'string') return undefined;
    return discovery.typeOf(cluster, groupFromRoute(group), String(version), String(resource));
  });
}
