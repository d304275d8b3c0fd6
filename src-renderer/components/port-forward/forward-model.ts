/**
 * The port-forward view's logic, kept out of the components: the kinds one can forward to and
 * their API types, the ports a target offers (for suggestions), how the user's port text is
 * read, and how a forward is labelled and ordered.
 */
import type { PortForwardInfo, PortForwardRequest } from '../../../src-main/shared/bridge.js';
import type { ResourceType } from '../../kube/index.js';

export type TargetKind = PortForwardRequest['target']['kind'];

const apps = (resource: string, kind: string): ResourceType => ({
  group: 'apps',
  version: 'v1',
  resource,
  namespaced: true,
  kind,
});

/** The kinds a forward may target, in the order the form offers them, with their API types. */
export const TARGET_TYPES: Record<TargetKind, ResourceType> = {
  Pod: { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' },
  Service: { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' },
  Deployment: apps('deployments', 'Deployment'),
  StatefulSet: apps('statefulsets', 'StatefulSet'),
  DaemonSet: apps('daemonsets', 'DaemonSet'),
  ReplicaSet: apps('replicasets', 'ReplicaSet'),
};

export const TARGET_KINDS = Object.keys(TARGET_TYPES) as TargetKind[];

/** Whether `kind` is one a forward may target (e.g. a details view's kind). */
export function isTargetKind(kind: string): kind is TargetKind {
  return Object.hasOwn(TARGET_TYPES, kind);
}

/** One port suggestion: the value to send, and how to show it. */
export interface PortChoice {
  value: number | string;
  label: string;
}

interface ContainerPortLike {
  name?: string;
  containerPort?: number;
  protocol?: string;
}
interface ContainerLike {
  name?: string;
  ports?: ContainerPortLike[];
}
interface TargetObject {
  spec?: {
    containers?: ContainerLike[];
    ports?: { name?: string; port?: number; protocol?: string }[];
    template?: { spec?: { containers?: ContainerLike[] } };
  };
}

/**
 * The TCP ports a target offers: a Service's ports (which it maps to its pods' target ports), a
 * pod's or a workload template's container ports. Port-forwarding carries TCP only, so UDP and
 * SCTP ports are left out.
 */
export function targetPorts(kind: TargetKind, object: unknown): PortChoice[] {
  const spec = (object as TargetObject | undefined)?.spec;
  const tcp = (protocol: string | undefined) => !protocol || protocol === 'TCP';
  if (kind === 'Service') {
    return (spec?.ports ?? [])
      .filter((p) => p.port !== undefined && tcp(p.protocol))
      .map((p) => ({ value: p.port!, label: p.name ? `${p.port} (${p.name})` : String(p.port) }));
  }
  const containers = kind === 'Pod' ? spec?.containers : spec?.template?.spec?.containers;
  return (containers ?? []).flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => p.containerPort !== undefined && tcp(p.protocol))
      .map((p) => ({
        value: p.containerPort!,
        label: `${p.containerPort}${p.name ? ` (${p.name})` : ''} · ${c.name ?? ''}`,
      })),
  );
}

/**
 * What the user typed as a port: a number from 1 to 65535, or a port name (an IANA_SVC_NAME:
 * up to 15 lower-case letters, digits and dashes, with a letter). Undefined when it is neither.
 */
export function parsePort(text: string): number | string | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n >= 1 && n <= 65535 ? n : undefined;
  }
  return /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(t) && /[a-z]/.test(t) ? t : undefined;
}

/** What a forward points at, as kubectl names it: `service/web:80`. */
export function targetLabel(forward: Pick<PortForwardRequest, 'target' | 'port'>): string {
  return `${forward.target.kind.toLowerCase()}/${forward.target.name}:${forward.port}`;
}

/** The badge tone of a forward's state. */
export function stateTone(state: PortForwardInfo['state']): 'ok' | 'warning' | 'danger' {
  return state === 'active' ? 'ok' : state === 'waiting' ? 'warning' : 'danger';
}

/** The forwards of one cluster, by namespace, target and local port. */
export function forwardsOf(forwards: readonly PortForwardInfo[], clusterId: string): PortForwardInfo[] {
  return forwards
    .filter((f) => f.clusterId === clusterId)
    .sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) ||
        targetLabel(a).localeCompare(targetLabel(b)) ||
        a.localPort - b.localPort,
    );
}
