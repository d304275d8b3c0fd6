import type { Service } from 'kubernetes-types/core/v1.js';
import type { ResourceType } from '../api/catalog.js';
import { errors, type FieldCause } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { Registry } from './registry/registry.js';

/** Kubedesk's service network: 10.96.0.0/16, the `kubernetes` Service at its first address (as kubeadm lays it out). */
export const SERVICE_CIDR = { base: ipToNumber('10.96.0.0'), size: 1 << 16 };
export const NODE_PORT_RANGE = { first: 30000, last: 32767 };

/**
 * Allocates Service cluster IPs and node ports, as kube-apiserver's
 * ipallocator and portallocator do. What is taken is read from the stored
 * Services themselves rather than from a separate bitmap, which is enough
 * for one API server per store; allocations are serialised in-process so two
 * creates never pick the same address.
 */
export class ServiceAllocator {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly registry: Registry,
    private readonly services: () => ResourceType,
  ) {}

  /**
   * Fill `spec.clusterIP(s)` and node ports of `svc` (in place), keeping what
   * `old` had; explicit values must be free. Run inside {@link serialise}.
   */
  async allocate(svc: KubeObject, old: KubeObject | undefined): Promise<void> {
    const spec = ((svc as Service).spec ??= {}) as NonNullable<Service['spec']> & Record<string, unknown>;
    const oldSpec = (old as Service | undefined)?.spec;
    const taken = await this.taken(svc);
    const causes: FieldCause[] = [];
    const type = spec.type ?? 'ClusterIP';

    if (type !== 'ExternalName') {
      if (oldSpec?.clusterIP && !spec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
      if (!spec.clusterIP) {
        const ip = this.freeIp(taken.ips);
        if (!ip) throw errors.internal('failed to allocate a serviceIP: range is full');
        spec.clusterIP = ip;
      } else if (spec.clusterIP !== 'None' && spec.clusterIP !== oldSpec?.clusterIP) {
        const n = ipToNumber(spec.clusterIP);
        if (Number.isNaN(n) || n <= SERVICE_CIDR.base || n >= SERVICE_CIDR.base + SERVICE_CIDR.size - 1) {
          causes.push({
            reason: 'FieldValueInvalid',
            field: 'spec.clusterIPs',
            message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is 10.96.0.0/16`,
          });
        } else if (taken.ips.has(spec.clusterIP)) {
          causes.push({
            reason: 'FieldValueInvalid',
            field: 'spec.clusterIPs',
            message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
          });
        }
      }
      spec.clusterIPs = [spec.clusterIP];
      if (spec.clusterIP !== 'None') {
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
    }

    if (type === 'NodePort' || type === 'LoadBalancer') {
      const oldPorts = new Map(
        (oldSpec?.ports ?? []).map((p) => [`${p.protocol ?? 'TCP'}/${p.port}`, p.nodePort]),
      );
      for (const [i, port] of (spec.ports ?? []).entries()) {
        const mutable = port as { nodePort?: number; protocol?: string; port: number };
        const kept = oldPorts.get(`${mutable.protocol ?? 'TCP'}/${mutable.port}`);
        if (!mutable.nodePort && kept) mutable.nodePort = kept;
        if (!mutable.nodePort) {
          const free = freePort(taken.ports);
          if (!free) throw errors.internal('failed to allocate a nodePort: range is full');
          mutable.nodePort = free;
          taken.ports.add(free);
        } else if (mutable.nodePort !== kept) {
          if (mutable.nodePort < NODE_PORT_RANGE.first || mutable.nodePort > NODE_PORT_RANGE.last) {
            causes.push({
              reason: 'FieldValueInvalid',
              field: `spec.ports[${i}].nodePort`,
              message: `Invalid value: ${mutable.nodePort}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`,
            });
          } else if (taken.ports.has(mutable.nodePort)) {
            causes.push({
              reason: 'FieldValueInvalid',
              field: `spec.ports[${i}].nodePort`,
              message: `Invalid value: ${mutable.nodePort}: provided port is already allocated`,
            });
          } else {
            taken.ports.add(mutable.nodePort);
          }
        }
      }
    } else {
      // Only NodePort and LoadBalancer Services keep node ports.
      for (const port of spec.ports ?? []) delete (port as { nodePort?: number }).nodePort;
    }
    if (causes.length > 0) throw errors.invalid('', 'Service', svc.metadata.name ?? '', causes);
  }

  /** Run allocation and the write that makes it visible one at a time. */
  serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Addresses and ports held by every other Service. */
  private async taken(svc: KubeObject): Promise<{ ips: Set<string>; ports: Set<number> }> {
    const list = await this.registry.list(this.services(), undefined);
    const ips = new Set<string>();
    const ports = new Set<number>();
    for (const other of list.items as Service[]) {
      if (other.metadata?.uid === svc.metadata.uid && other.metadata?.namespace === svc.metadata.namespace)
        continue;
      if (other.metadata?.name === svc.metadata.name && other.metadata?.namespace === svc.metadata.namespace)
        continue;
      for (const ip of other.spec?.clusterIPs ?? [other.spec?.clusterIP])
        if (ip && ip !== 'None') ips.add(ip);
      for (const port of other.spec?.ports ?? []) if (port.nodePort) ports.add(port.nodePort);
    }
    return { ips, ports };
  }

  private freeIp(taken: Set<string>): string | undefined {
    return freeClusterIp(taken, Math.random);
  }
}

/**
 * How many addresses at the bottom of the service range are kept for static choices (KEP-3070,
 * GA in 1.26): `min(max(16, size / 16), 256)`, none for ranges of 16 addresses or fewer. For
 * 10.96.0.0/16 that is 256: 10.96.0.1–10.96.1.0, where kube-dns's 10.96.0.10 lives.
 * https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/
 */
export function reservedBandSize(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 16)), 256);
}

/**
 * A free cluster IP, chosen as kube-apiserver's ipallocator does since KEP-3070: from a random
 * point of the upper band (above the reserved low band), wrapping around; only when that is full,
 * from the low band. The network and broadcast addresses are never handed out, nor .1 (the
 * `kubernetes` Service's). `random` returns [0, 1), as Math.random.
 */
export function freeClusterIp(
  taken: ReadonlySet<string>,
  random: () => number,
  cidr: { base: number; size: number } = SERVICE_CIDR,
): string | undefined {
  // Host offsets 1 … size-2 are usable; offset 1 is the kubernetes Service's.
  const reserved = reservedBandSize(cidr.size);
  const bands = [
    { first: Math.max(2, 1 + reserved), last: cidr.size - 2 },
    { first: 2, last: reserved },
  ];
  for (const { first, last } of bands) {
    const count = last - first + 1;
    if (count <= 0) continue;
    const start = Math.floor(random() * count);
    for (let i = 0; i < count; i++) {
      const ip = numberToIp(cidr.base + first + ((start + i) % count));
      if (!taken.has(ip)) return ip;
    }
  }
  return undefined;
}

function freePort(taken: Set<number>): number | undefined {
  const count = NODE_PORT_RANGE.last - NODE_PORT_RANGE.first + 1;
  const start = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    const port = NODE_PORT_RANGE.first + ((start + i) % count);
    if (!taken.has(port)) return port;
  }
  return undefined;
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return NaN;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return NaN;
    n = n * 256 + Number(part);
  }
  return n;
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
