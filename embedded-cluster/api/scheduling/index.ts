/** Scheduling predicates shared by components (Kubernetes keeps them in k8s.io/component-helpers). */
export {
  nodeSelectorMatches,
  nodeSelectorTermMatches,
  requiredNodeAffinityMatches,
  requirementMatches,
  type NodeLabels,
} from './node-affinity.js';
export { toleratesTaint } from './tolerations.js';
