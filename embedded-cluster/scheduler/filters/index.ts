/**
 * The filter plugins in the order kube-scheduler's default profile runs them
 * (pkg/scheduler/apis/config/v1/default_plugins.go); a node is rejected by the first that fails.
 */
import { interPodAffinityFilter } from './inter-pod-affinity.js';
import { nodeAffinityFilter } from './node-affinity.js';
import { nodePortsFilter } from './node-ports.js';
import { nodeResourcesFitFilter } from './node-resources-fit.js';
import { nodeUnschedulableFilter } from './node-unschedulable.js';
import { taintTolerationFilter } from './taint-toleration.js';
import type { Filter } from './types.js';

export const FILTERS: readonly Filter[] = [
  nodeUnschedulableFilter,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePortsFilter,
  nodeResourcesFitFilter,
  interPodAffinityFilter,
];

export { interPodAffinityPreFilter, type InterPodAffinityState } from './inter-pod-affinity.js';
export type { CycleState, Filter, PluginName, Rejection } from './types.js';
