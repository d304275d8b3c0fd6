import type { NodeInfo } from '../node-info.js';
import { tolerated } from './taint-toleration.js';
import type { CycleState, Rejection } from './types.js';

/**
 * The NodeUnschedulable filter (pkg/scheduler/framework/plugins/nodeunschedulable): a cordoned
 * node (`spec.unschedulable`, as `kubectl cordon` sets) takes only pods that tolerate
 * `node.kubernetes.io/unschedulable:NoSchedule`.
 */
export function nodeUnschedulableFilter(state: CycleState, node: NodeInfo): Rejection | undefined {
  if (!node.node?.spec?.unschedulable) return undefined;
  const taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
  if (tolerated(state.podInfo.pod.spec?.tolerations, taint)) return undefined;
  return {
    plugin: 'NodeUnschedulable',
    code: 'UnschedulableAndUnresolvable',
    reasons: ['node(s) were unschedulable'],
  };
}
