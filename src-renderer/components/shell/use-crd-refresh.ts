import { onScopeDispose, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { ResourceType } from '../../kube/index.js';
import { useDiscoveryStore, useResourcesStore } from '../../stores/index.js';

const CRDS: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  namespaced: false,
  kind: 'CustomResourceDefinition',
};

/**
 * Rediscover a cluster when its CustomResourceDefinitions change (one added, removed, or
 * updated — a new CRD is served once its `Established` condition is set, which is an update),
 * so the menu, the palette and the tables know new kinds without a reload. Watches CRDs only
 * where discovery says they can be listed; changes are coalesced for `delayMs`.
 */
export function useCrdRefresh(clusterId: MaybeRefOrGetter<string | undefined>, delayMs = 500): void {
  const discovery = useDiscoveryStore();
  const resources = useResourcesStore();
  const crds = resources.useResourceList(() => {
    const id = toValue(clusterId);
    if (!id) return undefined;
    const served = discovery
      .entry(id)
      .discovery?.types.some(
        (t) => t.group === CRDS.group && t.resource === CRDS.resource && t.verbs?.includes('watch'),
      );
    return served ? { clusterId: id, type: CRDS, mode: 'table' } : undefined;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seen: string | undefined;
  watch(
    () => toValue(clusterId),
    () => (seen = undefined),
  );
  watch([crds.rows, crds.state], ([rows, state]) => {
    const id = toValue(clusterId);
    if (!id || !state.synced) return;
    const signature = rows
      .map((row) => `${row.object.metadata.uid}@${row.object.metadata.resourceVersion}`)
      .sort()
      .join(',');
    // The first full list is what discovery already reflects; only later changes count.
    const first = seen === undefined;
    const changed = signature !== seen;
    seen = signature;
    if (first || !changed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void discovery.load(id, { force: true });
    }, delayMs);
  });
  onScopeDispose(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
