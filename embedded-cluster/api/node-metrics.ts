import type { ResourceType } from './catalog.js';

/**
 * What a node offers the API server for the Metrics API (`metrics.k8s.io`): its own and its pods'
 * CPU and memory usage, as metrics-server scrapes them from each kubelet's `/metrics/resource`
 * endpoint (https://github.com/kubernetes-sigs/metrics-server/blob/master/pkg/scraper/client/resource/decode.go).
 * The kubelet implements it (kubelet/metrics.ts); `cluster.ts` hands it to the API server, which
 * serves it as NodeMetrics and PodMetrics (apiserver/handlers/metrics.ts).
 */
export interface NodeMetricsSource {
  /** The node's usage over the last window; undefined until two samples exist. */
  nodeMetrics(): Promise<NodeUsage | undefined>;
  /** The usage of each pod with running containers that has two samples. */
  podMetrics(): Promise<PodUsage[]>;
}

/** Usage over the window `[timestamp - windowSeconds, timestamp]`. */
export interface UsageWindow {
  /** Milliseconds since the epoch: when the newer sample was taken. */
  timestamp: number;
  windowSeconds: number;
}

export interface Usage {
  /** CPU cores × 10⁹ (metrics-server's `cpu` in nanocores). */
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

export type NodeUsage = UsageWindow & Usage;

export interface PodUsage extends UsageWindow {
  namespace: string;
  name: string;
  containers: (Usage & { name: string })[];
}

/** The Metrics API group, as metrics-server registers its APIService `v1beta1.metrics.k8s.io`. */
export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

const metricsResource = (kind: string, resource: string, namespaced: boolean): ResourceType => ({
  group: METRICS_GROUP,
  version: METRICS_VERSION,
  kind,
  resource,
  // metrics-server's discovery leaves singularName empty.
  singular: '',
  namespaced,
  shortNames: [],
  categories: [],
  verbs: ['get', 'list'],
  subresources: [],
  definition: `io.k8s.metrics.pkg.apis.metrics.${METRICS_VERSION}.${kind}`,
});

/**
 * The Metrics API's resources, for discovery only: they are computed on request, never stored,
 * so they stay out of the resource catalog (storage, OpenAPI, the garbage collector).
 */
export const METRICS_RESOURCES: readonly ResourceType[] = [
  metricsResource('NodeMetrics', 'nodes', false),
  metricsResource('PodMetrics', 'pods', true),
];
