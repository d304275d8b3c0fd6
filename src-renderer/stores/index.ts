/** The renderer's Pinia stores for clusters, discovery, namespaces, live resource lists and terminals. See ../kube/README.md. */
export { EMBEDDED_ID, useClustersStore, type ClustersConnectOptions } from './clusters.js';
export { useDiscoveryStore, type DiscoveryEntry } from './discovery.js';
export { InformerRegistry, specKey, type InformerSpec, type Lease } from './informer-registry.js';
export { useNamespacesStore } from './namespaces.js';
export type { ResourceListState, ResourceListView } from './resource-list.js';
export {
  useResourcesStore,
  type ClusterConnection,
  type InformerDefaults,
  type ResourceListHandle,
  type ResourceQuery,
} from './resources.js';
export {
  PANEL_DEFAULT_HEIGHT,
  PANEL_MIN_HEIGHT,
  terminalTitle,
  useTerminalsStore,
  type TerminalChoice,
  type TerminalMode,
  type TerminalReport,
  type TerminalSessionInfo,
  type TerminalState,
  type TerminalTarget,
} from './terminals.js';
