/**
 * Scoring: how much each feasible node suits the pod, as the score plugins of kube-scheduler's
 * default profile compute it (pkg/scheduler/framework/plugins/*): each gives every node a raw
 * score, normalizes it to 0–100, and the weighted sum picks the node. Scoring runs only when more
 * than one node is feasible.
 */
import type { CoreV1 } from '../client/index.js';
import { termMatches, type NamespaceLabels, type WeightedAffinityTerm } from './affinity-terms.js';
import { nodeSelectorTermMatches } from './filters/node-affinity.js';
import { effectiveTaints, tolerated } from './filters/taint-toleration.js';
import type { NodeInfo, PodInfo } from './node-info.js';

export const MAX_NODE_SCORE = 100;

/** A score plugin: raw scores for the feasible nodes, then normalized in place. */
export interface ScorePlugin {
  name: string;
  weight: number;
  score(pod: PodInfo, nodes: readonly NodeInfo[], context: ScoreContext): number[];
}

export interface ScoreContext {
  /** Every node (not only the feasible ones): inter-pod affinity counts pods anywhere. */
  allNodes: readonly NodeInfo[];
  nsLabels: NamespaceLabels;
}

/** `helper.DefaultNormalizeScore`: scale so the best is 100 (reversed: so the worst is 0). */
export function defaultNormalize(scores: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  return scores.map((s) => {
    if (max === 0) return reverse ? MAX_NODE_SCORE : 0;
    const scaled = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}

/** NodeAffinity score: the summed weights of the preferred node affinity terms the node matches. */
export function nodeAffinityScore(pod: CoreV1.Pod, node: CoreV1.Node | undefined): number {
  if (!node) return 0;
  const terms = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  let score = 0;
  for (const term of terms) {
    if (term.weight !== 0 && nodeSelectorTermMatches(term.preference, node)) score += term.weight;
  }
  return score;
}

/**
 * TaintToleration score: how many PreferNoSchedule taints the pod does not tolerate (counting only
 * its tolerations for that effect or for any effect); fewer is better.
 */
export function intolerableTaintCount(pod: CoreV1.Pod, node: CoreV1.Node | undefined): number {
  const tolerations = (pod.spec?.tolerations ?? []).filter(
    (t) => !t.effect || t.effect === 'PreferNoSchedule',
  );
  return effectiveTaints(node).filter((t) => t.effect === 'PreferNoSchedule' && !tolerated(tolerations, t))
    .length;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * NodeResourcesFit's default `LeastAllocated` score: the share of cpu and memory left free once the
 * pod is placed (counting 100m / 200Mi for containers that ask for nothing), averaged.
 */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastRequested(
    node.nonZeroRequested.milliCpu + pod.nonZeroRequests.milliCpu,
    node.allocatable.milliCpu,
  );
  const memory = leastRequested(
    node.nonZeroRequested.memory + pod.nonZeroRequests.memory,
    node.allocatable.memory,
  );
  return Math.trunc((cpu + memory) / 2);
}

/**
 * NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in the same
 * proportion, `(1 − standard deviation of the used fractions) × 100`.
 */
export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const fraction = (requested: number, capacity: number) =>
    capacity === 0 ? 0 : Math.min(1, requested / capacity);
  const cpu = fraction(node.requested.milliCpu + pod.requests.milliCpu, node.allocatable.milliCpu);
  const memory = fraction(node.requested.memory + pod.requests.memory, node.allocatable.memory);
  const std = Math.abs(cpu - memory) / 2;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/**
 * InterPodAffinity raw scores (pkg/scheduler/framework/plugins/interpodaffinity/scoring.go): for each
 * pod placed anywhere, the weights of the incoming pod's preferred terms it matches (minus those of
 * its preferred anti-affinity terms), plus the placed pod's own preferred terms (and, weighted 1,
 * required affinity terms) the incoming pod matches, credited to every node in that pod's topology
 * domain.
 */
export function interPodAffinityScores(
  pod: PodInfo,
  nodes: readonly NodeInfo[],
  context: ScoreContext,
): number[] {
  const ownTerms = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
  const byDomain = new Map<string, Map<string, number>>();
  const add = (topologyKey: string, node: NodeInfo, amount: number) => {
    const value = node.labels[topologyKey];
    if (value === undefined || amount === 0) return;
    let values = byDomain.get(topologyKey);
    if (!values) byDomain.set(topologyKey, (values = new Map()));
    values.set(value, (values.get(value) ?? 0) + amount);
  };
  const terms = (list: readonly WeightedAffinityTerm[], target: CoreV1.Pod, node: NodeInfo, sign: number) => {
    for (const t of list)
      if (termMatches(t, target, context.nsLabels)) add(t.topologyKey, node, sign * t.weight);
  };
  for (const node of context.allNodes) {
    if (Object.keys(node.labels).length === 0) continue;
    const placed = ownTerms ? node.pods.values() : node.podsWithAffinity.values();
    for (const existing of placed) {
      terms(pod.preferredAffinity, existing.pod, node, 1);
      terms(pod.preferredAntiAffinity, existing.pod, node, -1);
      for (const t of existing.requiredAffinity) {
        if (termMatches(t, pod.pod, context.nsLabels)) add(t.topologyKey, node, 1);
      }
      terms(existing.preferredAffinity, pod.pod, node, 1);
      terms(existing.preferredAntiAffinity, pod.pod, node, -1);
    }
  }
  return nodes.map((node) => {
    let score = 0;
    for (const [key, values] of byDomain) {
      const value = node.labels[key];
      if (value !== undefined) score += values.get(value) ?? 0;
    }
    return score;
  });
}

/** InterPodAffinity normalization: min–max scaled to 0–100 (all 0 when every node scores alike). */
export function minMaxNormalize(scores: number[]): number[] {
  if (scores.length === 0) return scores;
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const diff = max - min;
  return scores.map((s) => (diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s - min)) / diff) : 0));
}

/** The default profile's score plugins and weights (pkg/scheduler/apis/config/v1/default_plugins.go). */
export const SCORE_PLUGINS: readonly ScorePlugin[] = [
  {
    name: 'TaintToleration',
    weight: 3,
    score: (pod, nodes) =>
      defaultNormalize(
        nodes.map((n) => intolerableTaintCount(pod.pod, n.node)),
        true,
      ),
  },
  {
    name: 'NodeAffinity',
    weight: 2,
    score: (pod, nodes) =>
      defaultNormalize(
        nodes.map((n) => nodeAffinityScore(pod.pod, n.node)),
        false,
      ),
  },
  {
    name: 'NodeResourcesFit',
    weight: 1,
    score: (pod, nodes) => nodes.map((n) => leastAllocatedScore(pod, n)),
  },
  {
    name: 'NodeResourcesBalancedAllocation',
    weight: 1,
    score: (pod, nodes) => nodes.map((n) => balancedAllocationScore(pod, n)),
  },
  {
    name: 'InterPodAffinity',
    weight: 2,
    score: (pod, nodes, context) => minMaxNormalize(interPodAffinityScores(pod, nodes, context)),
  },
];

/** The weighted total of every plugin's normalized score, per node. */
export function scoreNodes(pod: PodInfo, nodes: readonly NodeInfo[], context: ScoreContext): number[] {
  const totals = nodes.map(() => 0);
  for (const plugin of SCORE_PLUGINS) {
    const scores = plugin.score(pod, nodes, context);
    for (let i = 0; i < nodes.length; i++) totals[i]! += plugin.weight * scores[i]!;
  }
  return totals;
}
