import type { CoordinationV1, CoreV1 } from '../../client/index.js';

/**
 * How the node lifecycle controller tells a live node from a dead one (`tryUpdateNodeHealth` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/nodelifecycle/node_lifecycle_controller.go).
 *
 * A node proves it is alive in two ways: its kubelet renews the node's Lease in `kube-node-lease`
 * (every 10 s) and posts node status (the Ready condition's `lastHeartbeatTime`). The controller
 * never trusts the timestamps themselves — the node's clock may be off — but notes, on its own
 * clock, when it last *saw* either change (the probe timestamp). When nothing has changed for the
 * grace period, the kubelet is presumed gone and the node's conditions become Unknown.
 */
export interface NodeHealth {
  /** When (controller clock, ms) a heartbeat was last seen to change. */
  probeTimestamp: number;
  /** When (controller clock, ms) the Ready condition was last seen to change. */
  readyTransitionTimestamp: number;
  /** The node status as last seen. */
  status: CoreV1.NodeStatus | undefined;
  /** The Lease's renewTime as last seen. */
  leaseRenewTime: string | undefined;
}

export interface HealthOptions {
  /** `--node-monitor-grace-period` (Kubernetes 1.32: 50 s). */
  gracePeriodMs: number;
  /** `--node-startup-grace-period` (60 s): for a node whose kubelet never posted a Ready condition. */
  startupGracePeriodMs: number;
}

export const DEFAULT_HEALTH_OPTIONS: HealthOptions = { gracePeriodMs: 50_000, startupGracePeriodMs: 60_000 };

export interface HealthCheck {
  health: NodeHealth;
  /** The Ready condition as the node had it (a stand-in Unknown one when it has none). */
  observedReady: CoreV1.NodeCondition;
  /** The status to write when the grace period has run out and conditions must turn Unknown. */
  newStatus?: CoreV1.NodeStatus;
  /** When the grace period runs out unless a heartbeat comes (controller clock, ms). */
  expiresAt: number;
}

/** The conditions a silent node gets set to Unknown (NetworkUnavailable is the network's, not the kubelet's). */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** RFC 3339 with seconds, as `metav1.Time` serializes. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function readyOf(status: CoreV1.NodeStatus | undefined): CoreV1.NodeCondition | undefined {
  return status?.conditions?.find((c) => c.type === 'Ready');
}

function timeOf(text: string | undefined): number {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * Update the bookkeeping for `node` seen at `now` (with its Lease, if any) and say whether its
 * conditions must turn Unknown. Pure: the caller writes `newStatus` and keeps `health`.
 */
export function checkNodeHealth(
  node: CoreV1.Node,
  saved: NodeHealth | undefined,
  lease: CoordinationV1.Lease | undefined,
  now: number,
  options: HealthOptions = DEFAULT_HEALTH_OPTIONS,
): HealthCheck {
  const created = timeOf(node.metadata?.creationTimestamp);
  const current = readyOf(node.status);
  let gracePeriod = options.gracePeriodMs;
  let observedReady: CoreV1.NodeCondition;
  let health = saved;
  if (!current) {
    // The kubelet never posted status: judge from the node's creation, with the startup grace.
    const createdText = node.metadata?.creationTimestamp;
    observedReady = {
      type: 'Ready',
      status: 'Unknown',
      ...(createdText ? { lastHeartbeatTime: createdText, lastTransitionTime: createdText } : {}),
    };
    gracePeriod = options.startupGracePeriodMs;
    health = health
      ? { ...health, status: node.status }
      : {
          status: node.status,
          probeTimestamp: created,
          readyTransitionTimestamp: created,
          leaseRenewTime: undefined,
        };
  } else {
    observedReady = current;
  }
  const savedReady = readyOf(health?.status);
  if (!health) {
    health = {
      status: node.status,
      probeTimestamp: now,
      readyTransitionTimestamp: now,
      leaseRenewTime: undefined,
    };
  } else if (current && !savedReady) {
    // First sight of a Ready condition (or after a controller restart): start counting now.
    health = { ...health, status: node.status, probeTimestamp: now, readyTransitionTimestamp: now };
  } else if (current && savedReady && savedReady.lastHeartbeatTime !== current.lastHeartbeatTime) {
    const transitioned = savedReady.lastTransitionTime !== current.lastTransitionTime;
    health = {
      ...health,
      status: node.status,
      probeTimestamp: now,
      readyTransitionTimestamp: transitioned ? now : health.readyTransitionTimestamp,
    };
  }
  // A renewed Lease is a heartbeat too (and the usual one: status is posted only on change).
  const renewTime = lease?.spec?.renewTime;
  if (
    renewTime &&
    (health.leaseRenewTime === undefined || timeOf(health.leaseRenewTime) < timeOf(renewTime))
  ) {
    health = { ...health, leaseRenewTime: renewTime, probeTimestamp: now };
  }

  const expiresAt = health.probeTimestamp + gracePeriod;
  if (now <= expiresAt) return { health, observedReady, expiresAt };

  // Silent for longer than the grace period: every kubelet-owned condition turns Unknown.
  const time = rfc3339(now);
  let changed = false;
  const conditions = [...(node.status?.conditions ?? [])];
  for (const type of KUBELET_CONDITIONS) {
    const index = conditions.findIndex((c) => c.type === type);
    if (index < 0) {
      changed = true;
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        ...(node.metadata?.creationTimestamp ? { lastHeartbeatTime: node.metadata.creationTimestamp } : {}),
        lastTransitionTime: time,
      });
    } else if (conditions[index]!.status !== 'Unknown') {
      changed = true;
      conditions[index] = {
        ...conditions[index]!,
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: time,
      };
    }
  }
  if (!changed) return { health, observedReady, expiresAt };
  return { health, observedReady, expiresAt, newStatus: { ...node.status, conditions } };
}
