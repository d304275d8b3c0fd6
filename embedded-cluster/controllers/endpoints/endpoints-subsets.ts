import type { CoreV1 } from '../../client/index.js';
import {
  findPort,
  isPodReady,
  podIpsOfFamily,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  type IpFamily,
} from './pod-endpoints.js';

/** The most addresses one Endpoints object holds; beyond it the controller truncates. */
export const MAX_ENDPOINTS_ADDRESSES = 1000;
/** Set to `truncated` on an Endpoints object that lost addresses to {@link MAX_ENDPOINTS_ADDRESSES}. */
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

/**
 * The subsets of a service's Endpoints object, as `syncService` in
 * pkg/controller/endpoint/endpoints_controller.go builds them: one address per selected pod that
 * has an IP of the service's family and is neither terminal nor (unless the service publishes
 * not-ready addresses) terminating; ready pods in `addresses`, others in `notReadyAddresses`
 * (all in `addresses` with `publishNotReadyAddresses`); ports resolved per pod, a pod without a
 * named target port left out of that port; then repacked into the canonical layout.
 */
export function endpointSubsets(
  service: CoreV1.Service,
  pods: readonly CoreV1.Pod[],
): CoreV1.EndpointSubset[] {
  const spec = service.spec ?? {};
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const family = serviceFamily(service);
  const subsets: CoreV1.EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip =
      podIpsOfFamily(pod, family ?? 'IPv4')[0] ?? (family ? undefined : podIpsOfFamily(pod, 'IPv6')[0]);
    if (!ip) continue;
    const address: CoreV1.EndpointAddress = {
      ip,
      ...(shouldSetHostname(pod, service) ? { hostname: pod.spec!.hostname! } : {}),
      nodeName: pod.spec?.nodeName ?? '',
      targetRef: {
        kind: 'Pod',
        namespace: pod.metadata?.namespace ?? '',
        name: pod.metadata?.name ?? '',
        uid: pod.metadata?.uid ?? '',
      },
    };
    const ready = publishNotReady || isPodReady(pod);
    const add = (ports: CoreV1.EndpointPort[]) =>
      subsets.push(ready ? { addresses: [address], ports } : { notReadyAddresses: [address], ports });
    const servicePorts = spec.ports ?? [];
    if (servicePorts.length === 0) {
      // Only a headless service may have no ports: its addresses go out portless.
      if (spec.clusterIP === 'None') add([]);
      continue;
    }
    for (const servicePort of servicePorts) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      add([
        {
          ...(servicePort.name ? { name: servicePort.name } : {}),
          port,
          protocol: servicePort.protocol ?? 'TCP',
          ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
        },
      ]);
    }
  }
  return repackSubsets(subsets);
}

/** The IP family of the service's primary cluster IP; for a headless service without families, undefined (any). */
function serviceFamily(service: CoreV1.Service): IpFamily | undefined {
  const first = service.spec?.ipFamilies?.[0];
  if (first === 'IPv4' || first === 'IPv6') return first;
  const ip = service.spec?.clusterIP;
  if (ip && ip !== 'None') return ip.includes(':') ? 'IPv6' : 'IPv4';
  return undefined;
}

/**
 * The canonical layout of subsets (`RepackSubsets`, pkg/api/v1/endpoints/util.go): addresses
 * de-duplicated by IP and pod UID, grouped so that each subset holds the addresses offering
 * exactly the same ports (not-ready wins over ready for an address listed as both), sorted so
 * equal content compares equal. Portless addresses (headless services) keep an empty port list.
 */
export function repackSubsets(subsets: readonly CoreV1.EndpointSubset[]): CoreV1.EndpointSubset[] {
  const addresses = new Map<string, CoreV1.EndpointAddress>();
  // port key → address key → ready
  const byPort = new Map<string, { port: CoreV1.EndpointPort | undefined; addrs: Map<string, boolean> }>();
  const note = (address: CoreV1.EndpointAddress, port: CoreV1.EndpointPort | undefined, ready: boolean) => {
    const key = addressKey(address);
    if (!addresses.has(key)) addresses.set(key, address);
    const portKey = port ? portKeyOf(port) : '';
    let entry = byPort.get(portKey);
    if (!entry) byPort.set(portKey, (entry = { port, addrs: new Map() }));
    const was = entry.addrs.get(key);
    if (was === undefined || was) entry.addrs.set(key, ready);
  };
  for (const subset of subsets) {
    // An empty port list stands for "no ports" (a sentinel, as upstream uses port -1).
    const ports = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports) {
      for (const address of subset.addresses ?? []) note(address, port, true);
      for (const address of subset.notReadyAddresses ?? []) note(address, port, false);
    }
  }
  // Group ports by the exact (address, readiness) set offering them.
  const groups = new Map<string, { ports: CoreV1.EndpointPort[]; addrs: Map<string, boolean> }>();
  for (const { port, addrs } of byPort.values()) {
    const key = [...addrs]
      .map(([a, ready]) => `${a}=${ready}`)
      .sort()
      .join(';');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports: [], addrs }));
    if (port) group.ports.push(port);
  }
  const result: CoreV1.EndpointSubset[] = [];
  for (const { ports, addrs } of groups.values()) {
    const ready: CoreV1.EndpointAddress[] = [];
    const notReady: CoreV1.EndpointAddress[] = [];
    for (const [key, isReady] of addrs) (isReady ? ready : notReady).push(addresses.get(key)!);
    ready.sort(compareAddresses);
    notReady.sort(compareAddresses);
    ports.sort((a, b) => compare(portKeyOf(a), portKeyOf(b)));
    result.push({
      ...(ready.length ? { addresses: ready } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ...(ports.length ? { ports } : {}),
    });
  }
  return result.sort((a, b) => compare(subsetKey(a), subsetKey(b)));
}

/**
 * Cut an over-full set of subsets down to {@link MAX_ENDPOINTS_ADDRESSES} addresses
 * (`truncateEndpoints`): ready addresses are kept before not-ready ones, each subset keeping its
 * proportional share. Answers the subsets and whether anything was cut.
 */
export function truncateSubsets(subsets: readonly CoreV1.EndpointSubset[]): {
  subsets: CoreV1.EndpointSubset[];
  truncated: boolean;
} {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_ENDPOINTS_ADDRESSES)
    return { subsets: [...subsets], truncated: false };
  const truncateReady = totalReady > MAX_ENDPOINTS_ADDRESSES;
  const max = truncateReady ? MAX_ENDPOINTS_ADDRESSES : MAX_ENDPOINTS_ADDRESSES - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let room = max;
  const result = subsets.map((subset): CoreV1.EndpointSubset => {
    const inSubset = (truncateReady ? subset.addresses : subset.notReadyAddresses)?.length ?? 0;
    const take = Math.min(Math.ceil((inSubset / total) * max), room);
    if (truncateReady) {
      const addresses = (subset.addresses ?? []).slice(0, take);
      room -= addresses.length;
      const { notReadyAddresses: _dropped, ...rest } = subset;
      return { ...rest, addresses };
    }
    const notReadyAddresses = (subset.notReadyAddresses ?? []).slice(0, take);
    room -= notReadyAddresses.length;
    return { ...subset, notReadyAddresses };
  });
  return { subsets: result, truncated: true };
}

/** Whether two subset lists say the same (targetRef resourceVersions ignored; empty lists = absent). */
export function sameSubsets(
  a: readonly CoreV1.EndpointSubset[] | undefined,
  b: readonly CoreV1.EndpointSubset[],
): boolean {
  return canonicalJson(a ?? []) === canonicalJson(b);
}

/**
 * JSON with keys sorted and empty arrays, empty objects, null and undefined dropped — what the
 * API server may omit — and `resourceVersion` inside references dropped (`semanticIgnoreResourceVersion`).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? '';
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === 'resourceVersion') continue;
      const v = canonical((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null ? undefined : value;
}

function addressKey(address: CoreV1.EndpointAddress): string {
  return `${address.ip}/${address.targetRef?.uid ?? ''}`;
}

function portKeyOf(port: CoreV1.EndpointPort): string {
  return `${port.name ?? ''}/${port.port}/${port.protocol ?? ''}/${port.appProtocol ?? ''}`;
}

function subsetKey(subset: CoreV1.EndpointSubset): string {
  const first = subset.addresses?.[0] ?? subset.notReadyAddresses?.[0];
  return `${(subset.ports ?? []).map(portKeyOf).join(',')}|${first ? addressKey(first) : ''}`;
}

/** By IP (bytewise, as Go compares strings), then by pod UID (`LessEndpointAddress`). */
function compareAddresses(a: CoreV1.EndpointAddress, b: CoreV1.EndpointAddress): number {
  return compare(a.ip, b.ip) || compare(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
