import { toleratesTaint } from '../../api/scheduling/index.js';
import type { CoreV1 } from '../../client/index.js';
import type { NodeInfo } from '../node-info.js';
import type { CycleState, Rejection } from './types.js';

export { toleratesTaint };

/** Whether any of the tolerations tolerates the taint. */
export function tolerated(
  tolerations: readonly CoreV1.Toleration[] | undefined,
  taint: CoreV1.Taint,
): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The taint the node lifecycle controller puts on a node whose Ready condition is False / Unknown. */
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/**
 * A node's taints as the scheduler should see them. In Kubernetes the scheduler does not read node
 * conditions: the node lifecycle controller (TaintNodesByCondition) taints a node that is not Ready
 * with `node.kubernetes.io/not-ready:NoSchedule` (`unreachable` when its kubelet stopped reporting),
 * and the taint filter does the rest. Kubedesk may run without that controller, so a not-Ready
 * node lacking the taint is given it here: the pod sees the same message either way.
 */
export function effectiveTaints(node: CoreV1.Node | undefined): CoreV1.Taint[] {
  const taints = node?.spec?.taints ?? [];
  const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return taints;
  const key = ready?.status === 'Unknown' ? UNREACHABLE_TAINT : NOT_READY_TAINT;
  if (taints.some((t) => t.key === key && t.effect === 'NoSchedule')) return taints;
  return [...taints, { key, effect: 'NoSchedule' }];
}

/**
 * The TaintToleration filter (pkg/scheduler/framework/plugins/tainttoleration): the first
 * NoSchedule or NoExecute taint the pod does not tolerate rejects the node for good
 * (PreferNoSchedule only lowers its score).
 */
export function taintTolerationFilter(state: CycleState, node: NodeInfo): Rejection | undefined {
  const tolerations = state.podInfo.pod.spec?.tolerations;
  for (const taint of effectiveTaints(node.node)) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (tolerated(tolerations, taint)) continue;
    return {
      plugin: 'TaintToleration',
      code: 'UnschedulableAndUnresolvable',
      reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`],
    };
  }
  return undefined;
}
