import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { PortForwardRequest } from '../shared/bridge.js';
import { ApiError, type KubeHttp } from './kube-http.js';
import {
  isPodReady,
  labelSelectorQuery,
  normalizePort,
  pickPod,
  podContainerPort,
  serviceTargetPort,
  TargetError,
} from './port-resolution.js';

/** Where new connections of a forward go right now, or why they cannot go anywhere. */
export type Resolution =
  | { kind: 'ready'; pod: string; podPort: number }
  /** Nothing to forward to yet (no ready pod); it may come. */
  | { kind: 'waiting'; message: string }
  /** It never will (the pod was deleted, the port does not exist). */
  | { kind: 'failed'; message: string };

type Target = PortForwardRequest['target'];
type WorkloadKind = Exclude<Target['kind'], 'Pod' | 'Service'>;

const WORKLOAD_RESOURCES: Record<WorkloadKind, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets',
};

/** A collection whose changes can change a forward's resolution. */
export interface WatchedCollection {
  path: string;
  query: Record<string, string>;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * What to watch for `request`: the pod itself; a Service's EndpointSlices (the endpoint slice
 * controller marks pods ready, unready and gone there); a workload's pods (the whole namespace's,
 * as the selector is only known after reading the workload, and may change).
 */
export function watchedCollection(request: PortForwardRequest): WatchedCollection {
  const ns = encodeURIComponent(request.namespace);
  const { kind, name } = request.target;
  if (kind === 'Pod')
    return { path: `/api/v1/namespaces/${ns}/pods`, query: { fieldSelector: `metadata.name=${name}` } };
  if (kind === 'Service') {
    return {
      path: `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
      query: { labelSelector: `${SERVICE_NAME_LABEL}=${name}` },
    };
  }
  return { path: `/api/v1/namespaces/${ns}/pods`, query: {} };
}

/**
 * Resolve `request` against the cluster as it is now. `current` is the pod forwarded to so far:
 * it is kept while it still qualifies. API failures other than "not found" reject (the caller
 * keeps its last resolution and shows the message); a missing target is `failed`.
 */
export async function resolveTarget(
  http: KubeHttp,
  request: PortForwardRequest,
  current?: string,
): Promise<Resolution> {
  try {
    const port = normalizePort(request.port);
    switch (request.target.kind) {
      case 'Pod':
        return await resolvePod(http, request.namespace, request.target.name, port, current);
      case 'Service':
        return await resolveService(http, request.namespace, request.target.name, port, current);
      default:
        return await resolveWorkload(http, request.namespace, request.target, port, current);
    }
  } catch (error) {
    if (error instanceof TargetError) return { kind: 'failed', message: error.message };
    if (error instanceof ApiError && error.code === 404) return { kind: 'failed', message: error.message };
    throw error;
  }
}

async function resolvePod(
  http: KubeHttp,
  namespace: string,
  name: string,
  port: number | string,
  current: string | undefined,
): Promise<Resolution> {
  let pod: Pod;
  try {
    pod = await http.get<Pod>(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
    );
  } catch (error) {
    // Forwarding already: say what happened, in the user's terms.
    if (error instanceof ApiError && error.code === 404 && current !== undefined) {
      return { kind: 'failed', message: `pod ${name} was deleted` };
    }
    throw error;
  }
  if (pod.metadata?.deletionTimestamp) return { kind: 'failed', message: `pod ${name} is being deleted` };
  const phase = pod.status?.phase ?? 'Pending';
  if (phase === 'Succeeded' || phase === 'Failed') {
    return { kind: 'failed', message: `pod ${name} has completed (phase ${phase})` };
  }
  const podPort = podContainerPort(pod, port);
  if (phase !== 'Running') return { kind: 'waiting', message: `pod ${name} is ${phase}` };
  return { kind: 'ready', pod: name, podPort };
}

async function resolveService(
  http: KubeHttp,
  namespace: string,
  name: string,
  port: number | string,
  current: string | undefined,
): Promise<Resolution> {
  const ns = encodeURIComponent(namespace);
  const service = await http.get<Service>(`/api/v1/namespaces/${ns}/services/${encodeURIComponent(name)}`);
  if (service.spec?.type === 'ExternalName') {
    return { kind: 'failed', message: `service ${name} is an ExternalName service: it has no pods` };
  }
  const targetPort = serviceTargetPort(service, port);
  const slices = await http.get<{ items: EndpointSlice[] }>(
    `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
    {
      labelSelector: `${SERVICE_NAME_LABEL}=${name}`,
    },
  );
  // `ready` unset means ready (discovery/v1 EndpointConditions); serving-but-terminating is not.
  const ready = slices.items
    .flatMap((slice) => slice.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false && e.conditions?.terminating !== true)
    .flatMap((e) => (e.targetRef?.kind === 'Pod' && e.targetRef.name ? [e.targetRef.name] : []));
  const chosen = pickPod([...new Set(ready)], current);
  if (chosen === undefined) {
    const why = service.spec?.selector ? '' : ' (it has no selector)';
    return { kind: 'waiting', message: `no ready pod backs service ${name}${why}` };
  }
  if (typeof targetPort === 'number') return { kind: 'ready', pod: chosen, podPort: targetPort };
  const pod = await http.get<Pod>(`/api/v1/namespaces/${ns}/pods/${encodeURIComponent(chosen)}`);
  return { kind: 'ready', pod: chosen, podPort: podContainerPort(pod, targetPort) };
}

async function resolveWorkload(
  http: KubeHttp,
  namespace: string,
  target: { kind: WorkloadKind; name: string },
  port: number | string,
  current: string | undefined,
): Promise<Resolution> {
  const ns = encodeURIComponent(namespace);
  const resource = WORKLOAD_RESOURCES[target.kind];
  if (!resource) throw new TargetError(`cannot forward to a ${String(target.kind)}`);
  const workload = await http.get<{ spec?: { selector?: LabelSelector } }>(
    `/apis/apps/v1/namespaces/${ns}/${resource}/${encodeURIComponent(target.name)}`,
  );
  const selector = labelSelectorQuery(workload.spec?.selector);
  const pods = await http.get<{ items: Pod[] }>(
    `/api/v1/namespaces/${ns}/pods`,
    selector ? { labelSelector: selector } : {},
  );
  const ready = pods.items.filter(isPodReady);
  const chosen = pickPod(
    ready.map((p) => p.metadata?.name ?? ''),
    current,
  );
  const pod = ready.find((p) => p.metadata?.name === chosen);
  if (!pod || chosen === undefined) {
    return { kind: 'waiting', message: `no ready pod of ${target.kind.toLowerCase()} ${target.name}` };
  }
  return { kind: 'ready', pod: chosen, podPort: podContainerPort(pod, port) };
}
