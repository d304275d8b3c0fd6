/**
 * The Services that send traffic to a pod, for the pod's details page. A Service picks pods by its
 * selector (a non-empty map, every pair among the pod's labels); the EndpointSlice controller
 * then lists each picked pod with an IP as an endpoint, ready or not, and kube-proxy sends traffic
 * only to ready ones (unless `publishNotReadyAddresses`). So the selector says *whether* a Service
 * chooses the pod, and the slices say whether it is *getting traffic now*: both are shown.
 * Services without a selector count when a slice of theirs names the pod (hand-made endpoints).
 *
 * See https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/ and the
 * EndpointSlice controller (pkg/controller/endpointslice) for how endpoints and conditions are set.
 */
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1.js';

/** The label an EndpointSlice names its Service with. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Whether the Service sends the pod traffic now, as its EndpointSlices say. */
export type EndpointState = 'ready' | 'not ready' | 'terminating' | 'not listed' | 'unknown';

export interface PodService {
  name: string;
  /** `ClusterIP`, `NodePort`, … */
  type: string;
  /** Its ports and where they land in this pod, e.g. `80→8080/TCP`, `80→http (8080)/TCP`. */
  ports: string[];
  /** How it chose the pod: its selector, or only a slice naming the pod. */
  via: 'selector' | 'endpoints';
  state: EndpointState;
  /** Why, when it is not plainly ready. */
  detail?: string;
}

/** Whether a Service's selector chooses these labels (an empty selector chooses nothing). */
export function selects(service: Service, labels: Record<string, string> | undefined): boolean {
  const selector = Object.entries(service.spec?.selector ?? {});
  return selector.length > 0 && selector.every(([k, v]) => labels?.[k] === v);
}

/** A named target port resolved against the pod's containers, as kube-proxy resolves it per pod. */
function containerPort(pod: Pod, name: string, protocol: string): number | undefined {
  for (const c of pod.spec?.containers ?? []) {
    const port = c.ports?.find((p) => p.name === name && (p.protocol ?? 'TCP') === protocol);
    if (port) return port.containerPort;
  }
  return undefined;
}

/** `80→8080/TCP`, as `kubectl describe service` pairs Port and TargetPort. */
export function portMapping(port: ServicePort, pod: Pod): string {
  const protocol = port.protocol ?? 'TCP';
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return `${port.port}→${target}/${protocol}`;
  const resolved = containerPort(pod, target, protocol);
  return `${port.port}→${target} (${resolved ?? 'no such container port'})/${protocol}`;
}

/** The pod's endpoint in a slice: by uid, or by name when a hand-made slice gives no uid. */
function endpointOf(slice: EndpointSlice, pod: Pod): Endpoint | undefined {
  const uid = pod.metadata?.uid;
  const name = pod.metadata?.name;
  return slice.endpoints.find((e) => {
    const ref = e.targetRef;
    if (!ref || (ref.kind && ref.kind !== 'Pod')) return false;
    return ref.uid ? ref.uid === uid : ref.name === name;
  });
}

/** Why a chosen pod is not listed, from the pod. */
function notListedReason(pod: Pod): string {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed')
    return `the pod has finished (${phase}): finished pods are never endpoints`;
  if (!pod.status?.podIP) return 'the pod has no IP yet';
  return 'not in its EndpointSlices yet';
}

/** Why the pod is listed as not ready: its Ready condition's reason, or the containers not ready. */
function notReadyReason(pod: Pod, service: Service): string {
  const waiting = (pod.status?.containerStatuses ?? []).filter((c) => !c.ready).map((c) => c.name);
  const because = waiting.length
    ? `container${waiting.length > 1 ? 's' : ''} ${waiting.join(', ')} not ready`
    : (pod.status?.conditions?.find((c) => c.type === 'Ready')?.reason ?? 'the pod is not Ready');
  return service.spec?.publishNotReadyAddresses ? because : `${because}: no traffic until it is`;
}

/**
 * The Services of the pod's namespace that choose it, by name, each with its state in the
 * EndpointSlices. `slices` undefined means they could not be read (state `unknown`).
 */
export function podServices(
  pod: Pod,
  services: readonly Service[],
  slices: readonly EndpointSlice[] | undefined,
): PodService[] {
  const namespace = pod.metadata?.namespace;
  const mine = services.filter((s) => s.metadata?.namespace === namespace);
  const out: PodService[] = [];
  for (const service of mine) {
    const name = service.metadata?.name ?? '';
    const own = (slices ?? []).filter(
      (s) => s.metadata?.namespace === namespace && s.metadata?.labels?.[SERVICE_NAME_LABEL] === name,
    );
    const endpoint = own.map((s) => endpointOf(s, pod)).find((e) => e !== undefined);
    const bySelector = selects(service, pod.metadata?.labels);
    if (!bySelector && !endpoint) continue;
    const base = {
      name,
      type: service.spec?.type ?? 'ClusterIP',
      ports: (service.spec?.ports ?? []).map((p) => portMapping(p, pod)),
      via: bySelector ? ('selector' as const) : ('endpoints' as const),
    };
    out.push({ ...base, ...stateOf(pod, service, endpoint, slices === undefined) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function stateOf(
  pod: Pod,
  service: Service,
  endpoint: Endpoint | undefined,
  unknown: boolean,
): { state: EndpointState; detail?: string } {
  if (service.spec?.type === 'ExternalName') {
    return { state: 'unknown', detail: 'ExternalName: a DNS alias, it sends no traffic to pods' };
  }
  if (unknown) return { state: 'unknown', detail: 'EndpointSlices could not be read' };
  if (!endpoint) return { state: 'not listed', detail: notListedReason(pod) };
  const c = endpoint.conditions ?? {};
  if (c.terminating) {
    return {
      state: 'terminating',
      detail: c.serving ? 'still serving while it shuts down' : 'no new traffic',
    };
  }
  // A nil ready means unknown, which consumers read as ready (discovery/v1 EndpointConditions).
  if (c.ready === false) return { state: 'not ready', detail: notReadyReason(pod, service) };
  const published = service.spec?.publishNotReadyAddresses;
  const podReady = pod.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
  return published && !podReady
    ? { state: 'ready', detail: 'publishNotReadyAddresses: gets traffic though the pod is not Ready' }
    : { state: 'ready' };
}
