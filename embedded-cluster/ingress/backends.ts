import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { IngressBackend } from 'kubernetes-types/networking/v1.js';

/** A pod endpoint requests are forwarded to: straight to the pod, not through the service IP. */
export interface Upstream {
  ip: string;
  port: number;
}

/** Where resolution reads Services and their EndpointSlices (the informers' caches). */
export interface BackendLookup {
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices labelled `kubernetes.io/service-name: <name>` in `namespace`. */
  slices(namespace: string, name: string): readonly EndpointSlice[];
}

/** A backend resolved to its ready endpoints, or why it cannot serve. */
export type Resolution =
  | {
      ok: true;
      /** `namespace/service:port`: what round-robin is keyed by. */
      key: string;
      /** ingress-nginx's upstream name, `namespace-service-port`: the affinity cookie's salt. */
      upstreamName: string;
      /** Ready endpoints, sorted (ip, then port) so the order never depends on the cache. */
      endpoints: Upstream[];
    }
  | { ok: false; service: string; port: string; reason: string };

/**
 * Resolve an Ingress backend in `namespace`: the Service, its port (by `port.number`, the
 * Service's `port`, or `port.name`), then the EndpointSlices' endpoints that are ready, with the
 * port the slice gives for that service port's name (the resolved targetPort, as kube-proxy reads
 * it). An endpoint whose `ready` condition is unset counts as ready (discovery/v1 semantics).
 */
export function resolveBackend(
  namespace: string,
  backend: IngressBackend,
  lookup: BackendLookup,
): Resolution {
  const ref = backend.service;
  if (!ref) {
    const kind = backend.resource?.kind ?? 'resource';
    return { ok: false, service: '', port: '', reason: `${kind} backends are not supported, only services` };
  }
  const portText = ref.port?.name ?? String(ref.port?.number ?? '');
  const fail = (reason: string): Resolution => ({ ok: false, service: ref.name, port: portText, reason });
  const service = lookup.service(namespace, ref.name);
  if (!service) return fail(`service "${ref.name}" does not exist in namespace "${namespace}"`);
  if (service.spec?.type === 'ExternalName')
    return fail(`service "${ref.name}" is of type ExternalName, which is not supported`);
  const port = findPort(service.spec?.ports ?? [], ref.port ?? {});
  if (!port) {
    const have = (service.spec?.ports ?? []).map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port)));
    return fail(
      `service "${ref.name}" has no port ${portText}${have.length ? ` (it has ${have.join(', ')})` : ''}`,
    );
  }
  const portName = port.name ?? '';
  const seen = new Set<string>();
  const endpoints: Upstream[] = [];
  for (const slice of lookup.slices(namespace, ref.name)) {
    if (slice.addressType === 'FQDN') continue;
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (slicePort?.port === undefined || (slicePort.protocol ?? 'TCP') !== 'TCP') continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      for (const ip of endpoint.addresses ?? []) {
        const id = `${ip}:${slicePort.port}`;
        if (seen.has(id)) continue;
        seen.add(id);
        endpoints.push({ ip, port: slicePort.port });
      }
    }
  }
  if (endpoints.length === 0)
    return fail(`service "${ref.name}" has no ready endpoints for port ${portText}`);
  endpoints.sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
  return {
    ok: true,
    key: `${namespace}/${ref.name}:${port.port}`,
    upstreamName: `${namespace}-${ref.name}-${port.port}`,
    endpoints,
  };
}

function findPort(
  ports: readonly ServicePort[],
  wanted: { name?: string; number?: number },
): ServicePort | undefined {
  if (wanted.name) return ports.find((p) => p.name === wanted.name);
  return ports.find((p) => p.port === wanted.number);
}

/** `ip:port`, with IPv6 in brackets. */
export function upstreamAddress(upstream: Upstream): string {
  return upstream.ip.includes(':') ? `[${upstream.ip}]:${upstream.port}` : `${upstream.ip}:${upstream.port}`;
}
