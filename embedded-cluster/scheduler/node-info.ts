import { objectKey, type CoreV1 } from '../client/index.js';
import { podAffinityTerms, type PodAffinityTerms } from './affinity-terms.js';
import {
  addResources,
  allocatableOf,
  emptyResources,
  podRequests,
  type Allocatable,
  type Resources,
} from './resources.js';

/** A host port a pod wants: protocol, host IP (`0.0.0.0` for all) and port. */
export interface HostPort {
  protocol: string;
  ip: string;
  port: number;
}

/**
 * A pod with what the scheduler needs of it computed once (the framework's `PodInfo`): its
 * requests (exact, and with the scoring defaults for containers that ask for nothing), host
 * ports, parsed affinity terms and priority.
 */
export interface PodInfo extends PodAffinityTerms {
  key: string;
  pod: CoreV1.Pod;
  requests: Resources;
  nonZeroRequests: Resources;
  hostPorts: HostPort[];
  priority: number;
}

export function podInfoOf(pod: CoreV1.Pod): PodInfo {
  return {
    key: objectKey(pod),
    pod,
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hostPorts: hostPortsOf(pod),
    priority: pod.spec?.priority ?? 0,
    ...podAffinityTerms(pod),
  };
}

/** The host ports of a pod's containers (`hostPort` > 0), as the NodePorts plugin reads them. */
export function hostPortsOf(pod: CoreV1.Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ protocol: p.protocol || 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort });
    }
  }
  return out;
}

function hasAffinity(info: PodInfo): boolean {
  return (
    info.requiredAffinity.length > 0 ||
    info.requiredAntiAffinity.length > 0 ||
    info.preferredAffinity.length > 0 ||
    info.preferredAntiAffinity.length > 0
  );
}

/**
 * One node and what is placed on it, kept current incrementally (the framework's `NodeInfo`):
 * the pods bound or assumed there, the sum of their requests, the host ports they hold, and which
 * of them carry affinity terms (so inter-pod affinity need not look at every pod).
 */
export class NodeInfo {
  node: CoreV1.Node | undefined;
  allocatable: Allocatable = { ...emptyResources(), pods: 0 };
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested: Resources = emptyResources();
  /** `protocol/port` → host IP → how many pods hold it. */
  readonly usedPorts = new Map<string, Map<string, number>>();
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();

  constructor(readonly name: string) {}

  setNode(node: CoreV1.Node | undefined): void {
    this.node = node;
    this.allocatable = allocatableOf(node);
  }

  get labels(): Readonly<Record<string, string>> {
    return this.node?.metadata?.labels ?? {};
  }

  addPod(info: PodInfo): void {
    this.removePod(info.key);
    this.pods.set(info.key, info);
    addResources(this.requested, info.requests);
    addResources(this.nonZeroRequested, info.nonZeroRequests);
    for (const p of info.hostPorts) {
      const slot = `${p.protocol}/${p.port}`;
      let ips = this.usedPorts.get(slot);
      if (!ips) this.usedPorts.set(slot, (ips = new Map()));
      ips.set(p.ip, (ips.get(p.ip) ?? 0) + 1);
    }
    if (hasAffinity(info)) this.podsWithAffinity.add(info);
    if (info.requiredAntiAffinity.length > 0) this.podsWithRequiredAntiAffinity.add(info);
  }

  removePod(key: string): PodInfo | undefined {
    const info = this.pods.get(key);
    if (!info) return undefined;
    this.pods.delete(key);
    addResources(this.requested, info.requests, -1);
    addResources(this.nonZeroRequested, info.nonZeroRequests, -1);
    for (const p of info.hostPorts) {
      const slot = `${p.protocol}/${p.port}`;
      const ips = this.usedPorts.get(slot);
      const n = (ips?.get(p.ip) ?? 0) - 1;
      if (n > 0) ips!.set(p.ip, n);
      else {
        ips?.delete(p.ip);
        if (ips?.size === 0) this.usedPorts.delete(slot);
      }
    }
    this.podsWithAffinity.delete(info);
    this.podsWithRequiredAntiAffinity.delete(info);
    return info;
  }
}
