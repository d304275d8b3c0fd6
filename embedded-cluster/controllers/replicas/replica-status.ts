import type { AppsV1, CoreV1, KubeObjectLike } from '../../client/index.js';
import { selectorFromSet } from '../../api/selectors/index.js';
import { isPodAvailable, isPodReady } from './pod-status.js';
import { messageOf } from './pod-control.js';

/** The status both ReplicaSets and ReplicationControllers report (their fields are the same). */
export type ReplicaStatus = AppsV1.ReplicaSetStatus;
export type ReplicaCondition = AppsV1.ReplicaSetCondition;

/** What the shared replica controller needs of a ReplicaSet or a ReplicationController. */
export interface ReplicaSetLike extends KubeObjectLike {
  spec?: { replicas?: number; minReadySeconds?: number; template?: CoreV1.PodTemplateSpec };
  readonly status?: ReplicaStatus;
}

/**
 * The status a ReplicaSet reports for the pods it controls, as kube's `calculateStatus`
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set_utils.go):
 * `replicas` counts active pods, `fullyLabeledReplicas` those carrying every template label,
 * `readyReplicas` the ready ones and `availableReplicas` those ready for `minReadySeconds`. A failed
 * create or delete sets the `ReplicaFailure` condition; the next success clears it.
 */
export function calculateStatus(
  owner: ReplicaSetLike,
  pods: readonly CoreV1.Pod[],
  manageError: unknown,
  now: number,
): ReplicaStatus {
  const templateLabels = selectorFromSet(owner.spec?.template?.metadata?.labels);
  const minReadySeconds = owner.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  let conditions = [...(owner.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError !== undefined && !failure) {
    const diff = pods.length - (owner.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [
      ...conditions,
      {
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: timestamp(now),
        reason,
        message: messageOf(manageError),
      },
    ];
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  return {
    ...owner.status,
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    ...(conditions.length > 0 ? { conditions } : { conditions: undefined }),
  };
}

/** Whether writing `status` would change nothing (kube's steady-state check in `updateReplicaSetStatus`). */
export function statusUnchanged(owner: ReplicaSetLike, status: ReplicaStatus): boolean {
  const old = owner.status;
  return (
    (old?.replicas ?? 0) === status.replicas &&
    (old?.fullyLabeledReplicas ?? 0) === (status.fullyLabeledReplicas ?? 0) &&
    (old?.readyReplicas ?? 0) === (status.readyReplicas ?? 0) &&
    (old?.availableReplicas ?? 0) === (status.availableReplicas ?? 0) &&
    (owner.metadata?.generation ?? 0) === (old?.observedGeneration ?? 0) &&
    JSON.stringify(old?.conditions ?? []) === JSON.stringify(status.conditions ?? [])
  );
}

/** A metav1.Time: RFC 3339 in whole seconds. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
