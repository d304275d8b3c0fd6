import type { CoreV1, DiscoveryV1 } from '../client/index.js';

/** A transport protocol a service port speaks. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One backend of a service port: where traffic is sent, and its EndpointSlice conditions. */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/**
 * One port of one Service, as kube-proxy's `ServicePort`: what it answers on and the endpoints
 * traffic goes to. `name` prints as kube-proxy's `ServicePortName` does (`ns/svc:port`, or `ns/svc`
 * for an unnamed port); it names the iptables chains and the comments in them.
 */
export interface ProxyServicePort {
  name: string;
  namespace: string;
  service: string;
  portName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** The NodePort (NodePort and LoadBalancer Services, unless the allocation was turned off). */
  nodePort?: number;
  /** A LoadBalancer Service also answers on `port` at the host's loopback address. */
  loadBalancer: boolean;
  /** `sessionAffinity: ClientIP` and its `timeoutSeconds` (default 10800, as the API defaults it). */
  affinitySeconds?: number;
  /** Endpoints for traffic from pods to the cluster IP (`internalTrafficPolicy` applied). */
  clusterEndpoints: ProxyEndpoint[];
  /** Endpoints for traffic from outside, through NodePort or LoadBalancer (`externalTrafficPolicy` applied). */
  externalEndpoints: ProxyEndpoint[];
}

/** kube-proxy's default ClientIP affinity timeout (`v1.DefaultClientIPServiceAffinitySeconds`). */
export const DEFAULT_AFFINITY_SECONDS = 10_800;

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** The Service a slice belongs to, `namespace/name`, from its `kubernetes.io/service-name` label. */
export function sliceServiceKey(slice: DiscoveryV1.EndpointSlice): string | undefined {
  const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return service ? `${slice.metadata?.namespace ?? ''}/${service}` : undefined;
}

/**
 * Whether kube-proxy programs a Service at all: it needs a cluster IP. Headless Services
 * (`clusterIP: None`) and ExternalName Services are DNS's business only.
 */
export function isProxied(service: CoreV1.Service): boolean {
  const ip = service.spec?.clusterIP;
  return service.spec?.type !== 'ExternalName' && !!ip && ip !== 'None';
}

/**
 * The desired state of the data path: every port of every proxied Service with the endpoints
 * its EndpointSlices offer, in a stable order (namespace, name, port), so the rules rendered from
 * it are the same text for the same cluster state. Pure: the caller hands in the caches' contents.
 * Only IPv4 is proxied (the cluster's service range is IPv4).
 */
export function buildServiceMap(
  services: readonly CoreV1.Service[],
  slicesOf: (serviceKey: string) => readonly DiscoveryV1.EndpointSlice[],
  nodeName: string,
): ProxyServicePort[] {
  const result: ProxyServicePort[] = [];
  const ordered = [...services].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  for (const service of ordered) {
    if (!isProxied(service)) continue;
    const spec = service.spec!;
    const namespace = service.metadata?.namespace ?? '';
    const serviceName = service.metadata?.name ?? '';
    const slices = slicesOf(`${namespace}/${serviceName}`).filter((s) => s.addressType === 'IPv4');
    const affinity =
      spec.sessionAffinity === 'ClientIP'
        ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS)
        : undefined;
    for (const port of spec.ports ?? []) {
      const portName = port.name ?? '';
      const protocol = (port.protocol ?? 'TCP') as Protocol;
      const all = endpointsFor(slices, portName, protocol);
      const local = all.filter((e) => e.nodeName === undefined || e.nodeName === nodeName);
      result.push({
        name: `${namespace}/${serviceName}${portName ? `:${portName}` : ''}`,
        namespace,
        service: serviceName,
        portName,
        protocol,
        clusterIP: spec.clusterIP!,
        port: port.port,
        ...(port.nodePort && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
          ? { nodePort: port.nodePort }
          : {}),
        loadBalancer: spec.type === 'LoadBalancer',
        ...(affinity !== undefined ? { affinitySeconds: affinity } : {}),
        clusterEndpoints: usable(spec.internalTrafficPolicy === 'Local' ? local : all),
        externalEndpoints: usable(spec.externalTrafficPolicy === 'Local' ? local : all),
      });
    }
  }
  return result;
}

/**
 * The endpoints of one service port across its slices: each slice's port of the same name and
 * protocol gives the number (a named `targetPort` was resolved per pod by the EndpointSlice
 * controller); an endpoint listed twice counts once. A missing condition means true for `ready`
 * and `serving`, as the API documents; `terminating` defaults to false.
 */
function endpointsFor(
  slices: readonly DiscoveryV1.EndpointSlice[],
  portName: string,
  protocol: Protocol,
): ProxyEndpoint[] {
  const seen = new Map<string, ProxyEndpoint>();
  for (const slice of slices) {
    const port = (slice.ports ?? []).find(
      (p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol,
    );
    if (port?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const ip = endpoint.addresses?.[0];
      if (!ip) continue;
      const ready = endpoint.conditions?.ready ?? true;
      const entry: ProxyEndpoint = {
        ip,
        port: port.port,
        ready,
        serving: endpoint.conditions?.serving ?? ready,
        terminating: endpoint.conditions?.terminating ?? false,
        ...(endpoint.nodeName ? { nodeName: endpoint.nodeName } : {}),
      };
      seen.set(`${ip}:${port.port}`, entry);
    }
  }
  return [...seen.values()].sort((a, b) => compareAddress(a, b));
}

/**
 * Which endpoints take traffic, as kube-proxy's `CategorizeEndpoints`: the ready ones; when none
 * is ready, those still serving while they terminate (so a rolling update whose new pods are not
 * ready yet does not drop connections). `publishNotReadyAddresses` needs nothing here: the
 * EndpointSlice controller marks every endpoint of such a Service ready.
 */
export function usable(endpoints: readonly ProxyEndpoint[]): ProxyEndpoint[] {
  const ready = endpoints.filter((e) => e.ready);
  if (ready.length > 0) return ready;
  return endpoints.filter((e) => e.serving && e.terminating);
}

function keyOf(service: CoreV1.Service): string {
  return `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
}

function compareAddress(a: ProxyEndpoint, b: ProxyEndpoint): number {
  const octets = (ip: string) => ip.split('.').map((o) => Number(o));
  const x = octets(a.ip);
  const y = octets(b.ip);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.port - b.port;
}
