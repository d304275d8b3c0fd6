import type { NamespaceLabels } from '../affinity-terms.js';
import type { NodeInfo, PodInfo } from '../node-info.js';
import type { InterPodAffinityState } from './inter-pod-affinity.js';

/** The filter plugins, by their kube-scheduler names (they also name what a rejection waits for). */
export type PluginName =
  | 'NodeUnschedulable'
  | 'TaintToleration'
  | 'NodeAffinity'
  | 'NodePorts'
  | 'NodeResourcesFit'
  | 'InterPodAffinity';

/**
 * Why a node cannot take a pod, as a framework `Status`: `Unschedulable` may change once pods
 * leave the node (so preemption could help), `UnschedulableAndUnresolvable` may not.
 */
export interface Rejection {
  plugin: PluginName;
  code: 'Unschedulable' | 'UnschedulableAndUnresolvable';
  reasons: string[];
}

/** What one scheduling attempt computes once about the pod and shares with every filter. */
export interface CycleState {
  podInfo: PodInfo;
  nsLabels: NamespaceLabels;
  interPodAffinity: InterPodAffinityState;
}

/** A filter: whether `node` can take the pod; undefined when it can. */
export type Filter = (state: CycleState, node: NodeInfo) => Rejection | undefined;
