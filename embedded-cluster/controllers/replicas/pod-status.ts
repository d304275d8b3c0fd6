import type { CoreV1 } from '../../client/index.js';

/**
 * Pod facts the workload controllers decide on, as `k8s.io/kubernetes/pkg/api/v1/pod` and
 * `pkg/controller/controller_utils.go` define them.
 */

/** Not finished and not being deleted: a pod that counts towards replicas (`controller.IsPodActive`). */
export function isPodActive(pod: CoreV1.Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** The pod's `Ready` condition, if it has one. */
export function podReadyCondition(pod: CoreV1.Pod): CoreV1.PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** `podutil.IsPodReady`: the Ready condition is True. */
export function isPodReady(pod: CoreV1.Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** When the pod became ready (ms since the epoch); undefined when it is not ready or does not say. */
export function podReadySince(pod: CoreV1.Pod): number | undefined {
  const condition = podReadyCondition(pod);
  if (condition?.status !== 'True' || !condition.lastTransitionTime) return undefined;
  const at = Date.parse(condition.lastTransitionTime);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * `podutil.IsPodAvailable`: ready, and ready for longer than `minReadySeconds` (at once when that
 * is 0).
 */
export function isPodAvailable(pod: CoreV1.Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/**
 * How long until the first ready-but-not-yet-available pod becomes available (undefined when
 * none is waiting): when a controller should look again to count it.
 */
export function nextAvailableInMs(pods: readonly CoreV1.Pod[], minReadySeconds: number, now: number) {
  if (minReadySeconds <= 0) return undefined;
  let next: number | undefined;
  for (const pod of pods) {
    const since = podReadySince(pod);
    if (since === undefined || isPodAvailable(pod, minReadySeconds, now)) continue;
    const wait = since + minReadySeconds * 1000 - now + 1;
    if (next === undefined || wait < next) next = wait;
  }
  return next === undefined ? undefined : Math.max(next, 1);
}

/** `namespace/name`: how expectations track a pod (`controller.PodKey`). */
export function podKey(pod: CoreV1.Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
