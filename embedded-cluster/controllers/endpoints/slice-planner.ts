import { controllerReference, type CoreV1, type DiscoveryV1 } from '../../client/index.js';
import {
  HEADLESS_LABEL,
  findPort,
  isPodReady,
  isServiceIpSet,
  podIpsOfFamily,
  sameStringMap,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  type IpFamily,
} from './pod-endpoints.js';
import { canonicalJson } from './endpoints-subsets.js';

/** The label naming the service a slice belongs to (`discovery.LabelServiceName`). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The label naming the controller that manages a slice (`discovery.LabelManagedBy`). */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** This controller's value of {@link MANAGED_BY_LABEL}. */
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** kube-controller-manager's default `--max-endpoints-per-slice`. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
/** The node label giving an endpoint its zone (`v1.LabelTopologyZone`). */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

type Slice = DiscoveryV1.EndpointSlice;
type Endpoint = DiscoveryV1.Endpoint;
type Port = DiscoveryV1.EndpointPort;
type AddressType = 'IPv4' | 'IPv6';

/** What to write to make a service's slices match its pods. New slices have `generateName` only. */
export interface SlicePlan {
  create: Slice[];
  update: Slice[];
  delete: Slice[];
}

export interface PlanOptions {
  maxEndpointsPerSlice?: number;
  /** The zone a node is in (its `topology.kubernetes.io/zone` label), if known. */
  nodeZone?: (nodeName: string) => string | undefined;
}

/**
 * Plan the EndpointSlices of a service, as the reconciler of k8s.io/endpointslice
 * (reconciler.go, `Reconcile` → `reconcileByAddressType` → `reconcileByPortMapping` →
 * `finalize`) does. Endpoints are grouped by the ports they offer (a pod lacking a named port
 * lands in a group without it); within a group, existing slices keep the endpoints still desired
 * (updated only when an endpoint's conditions, node or target changed, or the slice's labels),
 * leftovers first fill slices already being rewritten, then the unchanged slice closest to full,
 * then new slices of at most 100 endpoints. Slices of groups no longer desired, of address types
 * the service no longer has, or not owned by this service go; a create and a delete pair up as one
 * update. A service with no endpoints keeps one empty placeholder slice.
 */
export function planSlices(
  service: CoreV1.Service,
  pods: readonly CoreV1.Pod[],
  existing: readonly Slice[],
  options: PlanOptions = {},
): SlicePlan {
  const max = options.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const types = addressTypesOf(service);
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const byType = new Map<string, Slice[]>();
  for (const slice of existing) {
    if (!types.includes(slice.addressType as AddressType)) plan.delete.push(slice);
    else byType.set(slice.addressType, [...(byType.get(slice.addressType) ?? []), slice]);
  }
  for (const type of types) {
    const part = planAddressType(service, pods, byType.get(type) ?? [], type, max, options);
    const pairs = pairCreatesWithDeletes(service, part);
    plan.create.push(...pairs.create);
    plan.update.push(...pairs.update);
    plan.delete.push(...pairs.delete);
  }
  return plan;
}

function planAddressType(
  service: CoreV1.Service,
  pods: readonly CoreV1.Pod[],
  existing: readonly Slice[],
  addressType: AddressType,
  max: number,
  options: PlanOptions,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const existingByPorts = new Map<string, Slice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, service)) {
      plan.delete.push(slice);
      continue;
    }
    const key = portsKey(slice.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), slice]);
  }

  const desired = new Map<string, { ports: Port[]; endpoints: Map<string, Endpoint> }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const endpoint = podToEndpoint(pod, service, addressType, options);
    if (endpoint.addresses.length === 0) continue;
    const ports = endpointPorts(service, pod);
    const key = portsKey(ports);
    let group = desired.get(key);
    if (!group) desired.set(key, (group = { ports, endpoints: new Map() }));
    group.endpoints.set(endpointKey(endpoint), endpoint);
  }

  for (const [key, group] of desired) {
    const part = planPortGroup(service, existingByPorts.get(key) ?? [], group, addressType, max);
    plan.create.push(...part.create);
    plan.update.push(...part.update);
    plan.delete.push(...part.delete);
  }
  for (const [key, slices] of existingByPorts) if (!desired.has(key)) plan.delete.push(...slices);

  // Nothing left to show: keep (or make) one empty placeholder, so the service still has a slice.
  if (existing.length === plan.delete.length && plan.create.length === 0) {
    const placeholder = newSlice(service, [], addressType);
    const only = plan.delete.length === 1 ? plan.delete[0]! : undefined;
    if (only && isPlaceholderOf(only, placeholder)) plan.delete = [];
    else plan.create.push(placeholder);
  }
  return plan;
}

function planPortGroup(
  service: CoreV1.Service,
  existing: readonly Slice[],
  group: { ports: Port[]; endpoints: Map<string, Endpoint> },
  addressType: AddressType,
  max: number,
): SlicePlan {
  const wanted = new Map(group.endpoints);
  const labels = sliceLabels(service);
  const toUpdate: Slice[] = [];
  const unchanged: Slice[] = [];
  const toDelete: Slice[] = [];
  // 1. Keep what is still desired in each existing slice, noting the slices that must change.
  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let changed = false;
    for (const endpoint of slice.endpoints ?? []) {
      const key = endpointKey(endpoint);
      const want = wanted.get(key);
      if (!want) continue;
      kept.push(want);
      if (!sameBeyondKey(want, endpoint)) changed = true;
      wanted.delete(key);
    }
    const labelsChanged = !sameStringMap(slice.metadata?.labels, labels);
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.push(slice);
      else toUpdate.push({ ...slice, metadata: { ...slice.metadata, labels }, endpoints: kept });
    } else if (labelsChanged) {
      toUpdate.push({ ...slice, metadata: { ...slice.metadata, labels } });
    } else {
      unchanged.push(slice);
    }
  }
  // 2. Fill the slices being rewritten anyway, fullest first.
  const pending = [...wanted.values()];
  toUpdate.sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0));
  for (const slice of toUpdate) {
    const room = max - (slice.endpoints?.length ?? 0);
    if (room > 0 && pending.length > 0)
      slice.endpoints = [...(slice.endpoints ?? []), ...pending.splice(0, room)];
  }
  // 3. Put the rest in the unchanged slice they fit best, or in new slices.
  const create: Slice[] = [];
  while (pending.length > 0) {
    let target: Slice | undefined;
    if (pending.length < max) {
      const fill = sliceToFill(unchanged, pending.length, max);
      if (fill) {
        unchanged.splice(unchanged.indexOf(fill), 1);
        target = { ...fill, endpoints: [...(fill.endpoints ?? [])] };
        toUpdate.push(target);
      }
    }
    if (!target) {
      target = newSlice(service, group.ports, addressType);
      create.push(target);
    }
    const room = max - (target.endpoints?.length ?? 0);
    target.endpoints = [...(target.endpoints ?? []), ...pending.splice(0, room)];
  }
  return { create, update: toUpdate, delete: toDelete };
}

/** The unchanged slice that `count` more endpoints would bring closest to full (`getSliceToFill`). */
function sliceToFill(slices: readonly Slice[], count: number, max: number): Slice | undefined {
  let best: Slice | undefined;
  let bestGap = max;
  for (const slice of slices) {
    const gap = max - (count + (slice.endpoints?.length ?? 0));
    if (gap >= 0 && gap < bestGap) {
      best = slice;
      bestGap = gap;
      if (gap === 0) break;
    }
  }
  return best;
}

/** A create and a delete of the same address type become one update of the slice that would go (`finalize`). */
function pairCreatesWithDeletes(service: CoreV1.Service, plan: SlicePlan): SlicePlan {
  const create = [...plan.create];
  const update = [...plan.update];
  const remaining: Slice[] = [];
  for (const doomed of plan.delete) {
    const fresh = create.at(-1);
    if (fresh && doomed.addressType === fresh.addressType && ownedBy(doomed, service)) {
      create.pop();
      const { generateName: _generated, ...meta } = fresh.metadata ?? {};
      update.push({
        ...fresh,
        metadata: { ...meta, name: doomed.metadata?.name, resourceVersion: doomed.metadata?.resourceVersion },
      });
    } else {
      remaining.push(doomed);
    }
  }
  return { create, update, delete: remaining };
}

/** The endpoint for a pod (`podToEndpoint`): ready only if serving and not terminating, unless the service publishes not-ready addresses. */
export function podToEndpoint(
  pod: CoreV1.Pod,
  service: CoreV1.Service,
  addressType: AddressType,
  options: PlanOptions = {},
): Endpoint {
  const serving = isPodReady(pod);
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const nodeName = pod.spec?.nodeName;
  const zone = nodeName ? options.nodeZone?.(nodeName) : undefined;
  return {
    addresses: podIpsOfFamily(pod, addressType as IpFamily),
    conditions: { ready, serving, terminating },
    ...(shouldSetHostname(pod, service) ? { hostname: pod.spec!.hostname! } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      uid: pod.metadata?.uid ?? '',
    },
    ...(nodeName ? { nodeName } : {}),
    ...(zone ? { zone } : {}),
  };
}

/** The ports a pod offers for the service (`getEndpointPorts`); named target ports it lacks are left out. */
export function endpointPorts(service: CoreV1.Service, pod: CoreV1.Pod): Port[] {
  const ports: Port[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    ports.push({
      name: servicePort.name ?? '',
      port,
      protocol: servicePort.protocol ?? 'TCP',
      ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
    });
  }
  return ports;
}

/** A new slice for the service (`newEndpointSlice`): named by the server from `<service>-`, owned by the service. */
export function newSlice(service: CoreV1.Service, ports: Port[], addressType: AddressType): Slice {
  return {
    metadata: {
      generateName: `${service.metadata?.name ?? ''}-`,
      namespace: service.metadata?.namespace ?? '',
      labels: sliceLabels(service),
      ownerReferences: [controllerReference({ ...service, apiVersion: 'v1', kind: 'Service' })],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

/**
 * A slice's labels (`setEndpointSliceLabels`): the service's own, less the reserved ones, plus the
 * service name, the managing controller, and the headless mark when the service has no cluster IP.
 */
export function sliceLabels(service: CoreV1.Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.metadata?.labels ?? {})) {
    if (key !== SERVICE_NAME_LABEL && key !== MANAGED_BY_LABEL && key !== HEADLESS_LABEL) labels[key] = value;
  }
  if (!isServiceIpSet(service)) labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = service.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

/** The address types a service's slices carry, from its IP families (`getAddressTypesForService`). */
export function addressTypesOf(service: CoreV1.Service): AddressType[] {
  const families = (service.spec?.ipFamilies ?? []).filter(
    (f): f is AddressType => f === 'IPv4' || f === 'IPv6',
  );
  if (families.length > 0) return families;
  const ip = service.spec?.clusterIP;
  if (ip && ip !== 'None') return [ip.includes(':') ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

function ownedBy(slice: Slice, service: CoreV1.Service): boolean {
  return (slice.metadata?.ownerReferences ?? []).some(
    (ref) => ref.uid === service.metadata?.uid && ref.kind === 'Service' && ref.apiVersion === 'v1',
  );
}

/** An endpoint's identity within a slice set (`hashEndpoint`): its addresses, hostname and pod. */
function endpointKey(endpoint: Endpoint): string {
  const ref = endpoint.targetRef;
  return `${[...endpoint.addresses].sort().join(',')}|${endpoint.hostname ?? ''}|${ref?.namespace ?? ''}/${ref?.name ?? ''}`;
}

/** What {@link endpointKey} leaves out (`EndpointsEqualBeyondHash`): node, zone, conditions, target. */
function sameBeyondKey(a: Endpoint, b: Endpoint): boolean {
  return (
    (a.nodeName ?? '') === (b.nodeName ?? '') &&
    (a.zone ?? '') === (b.zone ?? '') &&
    a.conditions?.ready === b.conditions?.ready &&
    a.conditions?.serving === b.conditions?.serving &&
    a.conditions?.terminating === b.conditions?.terminating &&
    canonicalJson(a.targetRef) === canonicalJson(b.targetRef)
  );
}

/** A port set's identity, order-independent (`NewPortMapKey`). */
function portsKey(ports: readonly Port[] | null | undefined): string {
  return (ports ?? [])
    .map((p) => `${p.name ?? ''}/${p.port ?? ''}/${p.protocol ?? ''}/${p.appProtocol ?? ''}`)
    .sort()
    .join(',');
}

function isPlaceholderOf(slice: Slice, placeholder: Slice): boolean {
  return (
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0 &&
    sameStringMap(slice.metadata?.labels, placeholder.metadata?.labels) &&
    canonicalJson(slice.metadata?.ownerReferences) === canonicalJson(placeholder.metadata?.ownerReferences)
  );
}
