import {
  nodeSelectorTermMatches as termMatches,
  requiredNodeAffinityMatches as requiredMatches,
  type NodeLabels,
} from '../../api/scheduling/index.js';
import type { CoreV1 } from '../../client/index.js';
import type { NodeInfo } from '../node-info.js';
import type { CycleState, Rejection } from './types.js';

const labelsOf = (node: CoreV1.Node): NodeLabels => ({
  name: node.metadata?.name ?? '',
  labels: node.metadata?.labels ?? {},
});

/** Whether a node matches one node selector term (see api/scheduling). */
export function nodeSelectorTermMatches(term: CoreV1.NodeSelectorTerm, node: CoreV1.Node): boolean {
  return termMatches(term, labelsOf(node));
}

/** Whether a node satisfies the pod's `nodeSelector` and required node affinity. */
export function requiredNodeAffinityMatches(pod: CoreV1.Pod, node: CoreV1.Node): boolean {
  return requiredMatches(pod.spec, labelsOf(node));
}

/**
 * The NodeAffinity filter (pkg/scheduler/framework/plugins/nodeaffinity): a node that does not
 * match the pod's `nodeSelector` and required node affinity is rejected for good.
 */
export function nodeAffinityFilter(state: CycleState, node: NodeInfo): Rejection | undefined {
  if (node.node && requiredNodeAffinityMatches(state.podInfo.pod, node.node)) return undefined;
  return {
    plugin: 'NodeAffinity',
    code: 'UnschedulableAndUnresolvable',
    reasons: ["node(s) didn't match Pod's node affinity/selector"],
  };
}
