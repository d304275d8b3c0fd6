import type { CoreV1 } from '../../client/index.js';
import type { NodeInfo } from '../node-info.js';
import type { CycleState, Rejection } from './types.js';

const INT64 = /^[+-]?\d+$/;

/**
 * Whether a node label (or field) value satisfies one requirement (`nodeaffinity`'s
 * `nodeSelectorRequirementsAsSelector`): In, NotIn, Exists, DoesNotExist, and Gt/Lt comparing
 * integers (a missing or non-integer value fails them).
 */
function requirementMatches(req: CoreV1.NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, req.key);
  const value = has ? values[req.key]! : undefined;
  const wanted = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && wanted.includes(value);
    case 'NotIn':
      return value === undefined || !wanted.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || wanted.length !== 1 || !INT64.test(value) || !INT64.test(wanted[0]!))
        return false;
      const actual = BigInt(value);
      const bound = BigInt(wanted[0]!);
      return req.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/**
 * Whether a node matches one node selector term: every `matchExpressions` requirement against its
 * labels and every `matchFields` requirement against its fields (only `metadata.name`). A term
 * with neither matches no node.
 */
export function nodeSelectorTermMatches(term: CoreV1.NodeSelectorTerm, node: CoreV1.Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  if (!expressions.every((r) => requirementMatches(r, labels))) return false;
  const nodeFields = { 'metadata.name': node.metadata?.name ?? '' };
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, nodeFields));
}

/**
 * Whether a node satisfies the pod's `nodeSelector` (every label, exactly) and its required node
 * affinity (any one of the terms), as `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`.
 */
export function requiredNodeAffinityMatches(pod: CoreV1.Pod, node: CoreV1.Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((term) => nodeSelectorTermMatches(term, node));
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
