import type { CoreV1 } from '../../client/index.js';

/**
 * Disruption zones, as the node lifecycle controller judges them before it taints nodes NoExecute
 * (`ComputeZoneState`, `handleDisruption` and `ReducedQPSFunc` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/nodelifecycle/node_lifecycle_controller.go).
 *
 * The point: when every node of the cluster stops reporting at once, the fault is more likely
 * the control plane's or the network's than the nodes', so Kubernetes evicts nothing ("master
 * disruption mode") and even removes the NoExecute taints it had set. A single-node cluster is
 * always in that case when its node goes away: its node turns NotReady and gets the NoSchedule
 * taint, but its pods are not evicted — exactly what a one-node kind or minikube cluster shows.
 */
export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** `--unhealthy-zone-threshold` and `--large-cluster-size-threshold` defaults. */
const UNHEALTHY_ZONE_THRESHOLD = 0.55;
const LARGE_CLUSTER_THRESHOLD = 50;

/** A node's zone (`nodetopology.GetZoneKey`): region and zone labels; "" when it has neither. */
export function zoneKey(node: CoreV1.Node): string {
  const labels = node.metadata?.labels ?? {};
  const region =
    labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone =
    labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

/** Nodes with this label do not count towards their zone's health. */
export const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';

/** A zone's state from its nodes' Ready conditions (`ComputeZoneState`). */
export function computeZoneState(ready: readonly (CoreV1.NodeCondition | undefined)[]): ZoneState {
  let readyNodes = 0;
  let notReadyNodes = 0;
  for (const condition of ready) {
    if (condition?.status === 'True') readyNodes++;
    else notReadyNodes++;
  }
  if (readyNodes === 0 && notReadyNodes > 0) return 'FullDisruption';
  if (notReadyNodes > 2 && notReadyNodes / (readyNodes + notReadyNodes) >= UNHEALTHY_ZONE_THRESHOLD)
    return 'PartialDisruption';
  return 'Normal';
}

/** Each zone's state, from every node (excluded ones left out). */
export function zoneStates(nodes: readonly CoreV1.Node[]): Map<string, ZoneState> {
  const byZone = new Map<string, (CoreV1.NodeCondition | undefined)[]>();
  for (const node of nodes) {
    if (node.metadata?.labels?.[EXCLUDE_DISRUPTION_LABEL] !== undefined) continue;
    const key = zoneKey(node);
    const list = byZone.get(key) ?? [];
    list.push(node.status?.conditions?.find((c) => c.type === 'Ready'));
    byZone.set(key, list);
  }
  return new Map([...byZone].map(([key, conditions]) => [key, computeZoneState(conditions)]));
}

/** Whether every zone is fully disrupted: the controller then evicts nothing anywhere. */
export function allFullyDisrupted(states: ReadonlyMap<string, ZoneState>): boolean {
  return states.size > 0 && [...states.values()].every((s) => s === 'FullDisruption');
}

/**
 * Whether nodes of `zone` may be tainted NoExecute now: the zone's eviction rate is not zero. A
 * partially disrupted zone of a small cluster (≤ 50 nodes) gets rate 0; a fully disrupted zone
 * keeps the normal rate unless every zone is fully disrupted. (The rate itself, 0.1 nodes per
 * second, is not modelled: on a desktop there are a handful of nodes.)
 */
export function mayTaint(zone: string, states: ReadonlyMap<string, ZoneState>, nodeCount: number): boolean {
  if (allFullyDisrupted(states)) return false;
  const state = states.get(zone) ?? 'Initial';
  if (state === 'PartialDisruption') return nodeCount > LARGE_CLUSTER_THRESHOLD;
  return true;
}
