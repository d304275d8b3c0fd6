import { termMatches, type AffinityTerm, type NamespaceLabels } from '../affinity-terms.js';
import type { NodeInfo, PodInfo } from '../node-info.js';
import type { CycleState, Rejection } from './types.js';

/** Counts per topology domain, keyed `topologyKey\0value`. */
export type TopologyCounts = Map<string, number>;

const pair = (key: string, value: string) => `${key}\u0000${value}`;

/**
 * What the InterPodAffinity filter computes once per pod (its PreFilter state,
 * pkg/scheduler/framework/plugins/interpodaffinity/filtering.go): for each topology domain, how
 * many placed pods have a required anti-affinity term the incoming pod matches, how many placed
 * pods match all of the pod's required affinity terms, and how many match its anti-affinity terms.
 */
export interface InterPodAffinityState {
  existingAntiAffinityCounts: TopologyCounts;
  affinityCounts: TopologyCounts;
  antiAffinityCounts: TopologyCounts;
}

function bump(counts: TopologyCounts, node: NodeInfo, topologyKey: string): void {
  const value = node.labels[topologyKey];
  if (value === undefined) return;
  const k = pair(topologyKey, value);
  counts.set(k, (counts.get(k) ?? 0) + 1);
}

/** Whether `pod` matches every term (and there is at least one). */
export function podMatchesAllTerms(
  terms: readonly AffinityTerm[],
  pod: PodInfo['pod'],
  nsLabels: NamespaceLabels,
): boolean {
  return terms.length > 0 && terms.every((t) => termMatches(t, pod, nsLabels));
}

/**
 * The PreFilter step. It looks only at pods carrying required anti-affinity unless the incoming pod
 * has required terms of its own, so ordinary pods cost O(nodes).
 */
export function interPodAffinityPreFilter(
  podInfo: PodInfo,
  nodes: readonly NodeInfo[],
  nsLabels: NamespaceLabels,
): InterPodAffinityState {
  const state: InterPodAffinityState = {
    existingAntiAffinityCounts: new Map(),
    affinityCounts: new Map(),
    antiAffinityCounts: new Map(),
  };
  const ownTerms = podInfo.requiredAffinity.length > 0 || podInfo.requiredAntiAffinity.length > 0;
  for (const node of nodes) {
    for (const existing of node.podsWithRequiredAntiAffinity) {
      for (const term of existing.requiredAntiAffinity) {
        if (termMatches(term, podInfo.pod, nsLabels))
          bump(state.existingAntiAffinityCounts, node, term.topologyKey);
      }
    }
    if (!ownTerms) continue;
    for (const existing of node.pods.values()) {
      if (podMatchesAllTerms(podInfo.requiredAffinity, existing.pod, nsLabels)) {
        for (const term of podInfo.requiredAffinity) bump(state.affinityCounts, node, term.topologyKey);
      }
      for (const term of podInfo.requiredAntiAffinity) {
        if (termMatches(term, existing.pod, nsLabels)) bump(state.antiAffinityCounts, node, term.topologyKey);
      }
    }
  }
  return state;
}

function satisfiesPodAffinity(state: CycleState, node: NodeInfo): boolean {
  const { podInfo, interPodAffinity } = state;
  let podsExist = true;
  for (const term of podInfo.requiredAffinity) {
    const value = node.labels[term.topologyKey];
    // Every topology key must be a label of the node.
    if (value === undefined) return false;
    if ((interPodAffinity.affinityCounts.get(pair(term.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: nothing matches anywhere yet, so it may go
  // wherever it would match its own terms, or it would stay pending for ever.
  return (
    interPodAffinity.affinityCounts.size === 0 &&
    podMatchesAllTerms(podInfo.requiredAffinity, podInfo.pod, state.nsLabels)
  );
}

function satisfiesPodAntiAffinity(state: CycleState, node: NodeInfo): boolean {
  const counts = state.interPodAffinity.antiAffinityCounts;
  if (counts.size === 0) return true;
  for (const term of state.podInfo.requiredAntiAffinity) {
    const value = node.labels[term.topologyKey];
    if (value !== undefined && (counts.get(pair(term.topologyKey, value)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfiesExistingPodsAntiAffinity(state: CycleState, node: NodeInfo): boolean {
  const counts = state.interPodAffinity.existingAntiAffinityCounts;
  if (counts.size === 0) return true;
  for (const [key, value] of Object.entries(node.labels)) {
    if ((counts.get(pair(key, value)) ?? 0) > 0) return false;
  }
  return true;
}

/**
 * The InterPodAffinity filter: the pod's required affinity (unresolvable: evicting pods cannot
 * create the pods it wants beside it), its required anti-affinity, and the required anti-affinity
 * of pods already placed (both resolvable), checked in that order.
 */
export function interPodAffinityFilter(state: CycleState, node: NodeInfo): Rejection | undefined {
  if (!satisfiesPodAffinity(state, node)) {
    return {
      plugin: 'InterPodAffinity',
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match pod affinity rules"],
    };
  }
  if (!satisfiesPodAntiAffinity(state, node)) {
    return {
      plugin: 'InterPodAffinity',
      code: 'Unschedulable',
      reasons: ["node(s) didn't match pod anti-affinity rules"],
    };
  }
  if (!satisfiesExistingPodsAntiAffinity(state, node)) {
    return {
      plugin: 'InterPodAffinity',
      code: 'Unschedulable',
      reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"],
    };
  }
  return undefined;
}
