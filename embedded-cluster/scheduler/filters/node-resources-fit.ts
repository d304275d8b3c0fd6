import type { NodeInfo } from '../node-info.js';
import type { Resources } from '../resources.js';
import type { CycleState, Rejection } from './types.js';

/**
 * Every resource the node cannot spare for a pod asking `request`, as `fitsRequest` in
 * pkg/scheduler/framework/plugins/noderesources/fit.go (Kubernetes 1.32): `Too many pods` when its
 * pod count is reached, then `Insufficient <resource>` for cpu, memory, ephemeral-storage and each
 * other resource the pod requests more of than allocatable minus what is already placed. A pod
 * that asks for nothing is checked only for the pod count.
 */
export function insufficientResources(request: Resources, node: NodeInfo): string[] {
  const reasons: string[] = [];
  const { allocatable, requested } = node;
  if (node.pods.size + 1 > allocatable.pods) reasons.push('Too many pods');
  if (request.milliCpu > 0 && request.milliCpu > allocatable.milliCpu - requested.milliCpu) {
    reasons.push('Insufficient cpu');
  }
  if (request.memory > 0 && request.memory > allocatable.memory - requested.memory) {
    reasons.push('Insufficient memory');
  }
  if (
    request.ephemeralStorage > 0 &&
    request.ephemeralStorage > allocatable.ephemeralStorage - requested.ephemeralStorage
  ) {
    reasons.push('Insufficient ephemeral-storage');
  }
  for (const [name, amount] of Object.entries(request.scalar)) {
    if (amount === 0) continue;
    if (amount > (allocatable.scalar[name] ?? 0) - (requested.scalar[name] ?? 0)) {
      reasons.push(`Insufficient ${name}`);
    }
  }
  return reasons;
}

/**
 * The NodeResourcesFit filter: a node without room for the pod's requests is rejected with one
 * reason per short resource. In 1.32 that is always resolvable (`Unschedulable`), even when the
 * pod asks for more than the whole node has; 1.34 made that case unresolvable.
 */
export function nodeResourcesFitFilter(state: CycleState, node: NodeInfo): Rejection | undefined {
  const reasons = insufficientResources(state.podInfo.requests, node);
  return reasons.length === 0 ? undefined : { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons };
}
