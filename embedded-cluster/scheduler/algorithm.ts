import type { NamespaceLabels } from './affinity-terms.js';
import {
  FILTERS,
  interPodAffinityPreFilter,
  type CycleState,
  type PluginName,
  type Rejection,
} from './filters/index.js';
import { fitErrorMessage, NO_NODES_MESSAGE, preemptionMessage } from './fit-error.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import { scoreNodes } from './scores.js';

/** What one scheduling attempt decided: a node, or why there is none. */
export type ScheduleResult =
  | { nodeName: string; feasibleNodes: number }
  | {
      nodeName?: undefined;
      message: string;
      /** The plugins that rejected some node (`NoNodes` when there were none): what to wait for. */
      rejectedBy: ReadonlySet<PluginName | 'NoNodes'>;
    };

/**
 * One scheduling decision, as kube-scheduler's `schedulePod` (pkg/scheduler/schedule_one.go): run
 * the filters on every node, and if none is feasible say why, in Kubernetes' words; if one is, take
 * it; if several, score them and take the best, breaking ties at random. Pure and in memory: the
 * caller owns the cache and the API.
 */
export function schedulePod(
  podInfo: PodInfo,
  nodes: readonly NodeInfo[],
  nsLabels: NamespaceLabels,
  random: () => number = Math.random,
): ScheduleResult {
  if (nodes.length === 0) return { message: NO_NODES_MESSAGE, rejectedBy: new Set(['NoNodes']) };
  const state: CycleState = {
    podInfo,
    nsLabels,
    interPodAffinity: interPodAffinityPreFilter(podInfo, nodes, nsLabels),
  };
  const feasible: NodeInfo[] = [];
  const rejections: Rejection[] = [];
  for (const node of nodes) {
    let rejection: Rejection | undefined;
    for (const filter of FILTERS) {
      rejection = filter(state, node);
      if (rejection) break;
    }
    if (rejection) rejections.push(rejection);
    else feasible.push(node);
  }
  if (feasible.length === 0) {
    const preemption = preemptionMessage(nodes.length, rejections, podInfo.pod.spec?.preemptionPolicy);
    return {
      message: fitErrorMessage(nodes.length, rejections, preemption),
      rejectedBy: new Set(rejections.map((r) => r.plugin)),
    };
  }
  if (feasible.length === 1) return { nodeName: feasible[0]!.name, feasibleNodes: 1 };
  const scores = scoreNodes(podInfo, feasible, { allNodes: nodes, nsLabels });
  return { nodeName: selectHost(feasible, scores, random), feasibleNodes: feasible.length };
}

/** The highest score; among equals each is equally likely (reservoir sampling, as `selectHost`). */
function selectHost(nodes: readonly NodeInfo[], scores: readonly number[], random: () => number): string {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < nodes.length; i++) {
    if (scores[i]! > scores[best]!) {
      best = i;
      ties = 1;
    } else if (scores[i] === scores[best]) {
      ties++;
      if (random() * ties < 1) best = i;
    }
  }
  return nodes[best]!.name;
}
