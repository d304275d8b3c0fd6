import { requiredNodeAffinityMatches, toleratesTaint } from '../../api/scheduling/index.js';
import type { CoreV1 } from '../../client/index.js';

/**
 * Which nodes a DaemonSet's pod belongs on: the node name, node selector and required node
 * affinity of its template, and the node's taints against the pod's tolerations (the template's
 * plus the ones the controller adds). As `NodeShouldRunDaemonPod` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/daemon/daemon_controller.go
 * and the scheduler's NodeAffinity and TaintToleration filters it calls.
 */

export interface NodeFit {
  /** A daemon pod should be created on the node. */
  shouldRun: boolean;
  /** A daemon pod already there may stay (only a NoExecute taint it does not tolerate evicts it). */
  shouldContinueRunning: boolean;
}

/**
 * The tolerations every daemon pod gets (`util.AddOrUpdateDaemonPodTolerations`), so that node
 * problems the node lifecycle controller reports as taints do not evict or block daemons.
 */
export function daemonTolerations(spec: CoreV1.PodSpec | undefined): CoreV1.Toleration[] {
  const exists = (key: string, effect: string): CoreV1.Toleration => ({ key, operator: 'Exists', effect });
  const out = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (spec?.hostNetwork) out.push(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return out;
}

/** The template's tolerations plus {@link daemonTolerations}, without duplicates. */
export function withDaemonTolerations(spec: CoreV1.PodSpec | undefined): CoreV1.Toleration[] {
  const own = spec?.tolerations ?? [];
  const same = (a: CoreV1.Toleration, b: CoreV1.Toleration) =>
    a.key === b.key && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && a.effect === b.effect;
  return [...own, ...daemonTolerations(spec).filter((t) => !own.some((o) => same(o, t)))];
}

/** Whether `toleration` tolerates `taint` (`v1.Toleration.ToleratesTaint`). */
export const tolerates = toleratesTaint;

function untolerated(
  taints: readonly CoreV1.Taint[],
  tolerations: readonly CoreV1.Toleration[],
  effects: string[],
) {
  return taints.some(
    (taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)),
  );
}

/** `nodeaffinity.RequiredNodeAffinity.Match`: the node selector, then any one of the required terms. */
export function matchesNodeAffinity(spec: CoreV1.PodSpec | undefined, node: CoreV1.Node): boolean {
  return requiredNodeAffinityMatches(spec, {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
  });
}

/** Whether the DaemonSet's pod should run on `node`, and whether one there may stay. */
export function nodeShouldRunDaemonPod(
  ds: { spec?: { template?: CoreV1.PodTemplateSpec } },
  node: CoreV1.Node,
): NodeFit {
  const spec = ds.spec?.template?.spec;
  const name = node.metadata?.name ?? '';
  if ((spec?.nodeName && spec.nodeName !== name) || !matchesNodeAffinity(spec, node)) {
    return { shouldRun: false, shouldContinueRunning: false };
  }
  const taints = node.spec?.taints ?? [];
  const tolerations = withDaemonTolerations(spec);
  if (!untolerated(taints, tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: true, shouldContinueRunning: true };
  }
  return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ['NoExecute']) };
}

/**
 * The template's affinity with its required node terms pinned to `nodeName`
 * (`util.ReplaceDaemonSetPodNodeNameNodeAffinity`): each term keeps its label expressions and
 * gets `metadata.name In [nodeName]` as its only field requirement.
 */
export function pinToNode(affinity: CoreV1.Affinity | undefined, nodeName: string): CoreV1.Affinity {
  const field: CoreV1.NodeSelectorRequirement = { key: 'metadata.name', operator: 'In', values: [nodeName] };
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required?.nodeSelectorTerms?.length
    ? required.nodeSelectorTerms.map((term) => ({ ...term, matchFields: [field] }))
    : [{ matchFields: [field] }];
  return {
    ...affinity,
    nodeAffinity: {
      ...affinity?.nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: { ...required, nodeSelectorTerms: terms },
    },
  };
}
