import type { NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from 'kubernetes-types/core/v1.js';

/**
 * Node selectors as k8s.io/component-helpers/scheduling/corev1/nodeaffinity matches them, shared by
 * the scheduler, the DaemonSet controller and the volume binder (a PV's node affinity).
 */

const INT64 = /^[+-]?\d+$/;

/** A node as node selectors see it: its labels, and its name (the one field `matchFields` may use). */
export interface NodeLabels {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * Whether a label (or field) value satisfies one requirement: In, NotIn, Exists, DoesNotExist,
 * and Gt/Lt comparing integers (a missing or non-integer value fails them).
 */
export function requirementMatches(
  requirement: NodeSelectorRequirement,
  values: Readonly<Record<string, string>>,
): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, requirement.key);
  const value = has ? values[requirement.key]! : undefined;
  const wanted = requirement.values ?? [];
  switch (requirement.operator) {
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
      return requirement.operator === 'Gt' ? actual > bound : actual < bound;
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
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: NodeLabels): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  if (!expressions.every((r) => requirementMatches(r, node.labels))) return false;
  const nodeFields = { 'metadata.name': node.name };
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, nodeFields));
}

/** Whether a node matches any one of the terms (a node selector's ORed terms). */
export function nodeSelectorMatches(terms: readonly NodeSelectorTerm[], node: NodeLabels): boolean {
  return terms.some((term) => nodeSelectorTermMatches(term, node));
}

/**
 * Whether a node satisfies a pod's `nodeSelector` (every label, exactly) and its required node
 * affinity (any one of the terms), as `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`.
 */
export function requiredNodeAffinityMatches(spec: PodSpec | undefined, node: NodeLabels): boolean {
  for (const [key, value] of Object.entries(spec?.nodeSelector ?? {})) {
    if (node.labels[key] !== value) return false;
  }
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return nodeSelectorMatches(required.nodeSelectorTerms ?? [], node);
}
