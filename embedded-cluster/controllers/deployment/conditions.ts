import type { AppsV1 } from '../../client/index.js';
import { timestamp } from '../replicas/replica-status.js';
import { maxUnavailable } from './fenceposts.js';
import {
  actualReplicaCount,
  availableReplicaCount,
  readyReplicaCount,
  replicaCount,
} from './replica-sets.js';

/**
 * Deployment conditions and status, with kube's reasons and messages
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go
 * and pkg/controller/deployment/progress.go).
 */

export const Reason = {
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  FailedRSCreate: 'ReplicaSetCreateError',
  NewRSCreated: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export type Condition = AppsV1.DeploymentCondition;
export type Status = AppsV1.DeploymentStatus;
type RS = AppsV1.ReplicaSet;

/** A Deployment whose status the controller may change in place (always its own deep copy). */
export type WorkingDeployment = Omit<AppsV1.Deployment, 'status'> & { status: Status };

export function newCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: number,
): Condition {
  const at = timestamp(now);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

export function getCondition(status: Status | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Set a condition in `status` (`SetDeploymentCondition`): nothing changes when status and reason
 * are the same; the transition time is kept when only the reason changes.
 */
export function setCondition(status: Status, condition: Condition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: Status, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function hasProgressDeadline(deployment: AppsV1.Deployment): boolean {
  const deadline = deployment.spec?.progressDeadlineSeconds;
  return deadline !== undefined && deadline !== null && deadline !== 2147483647;
}

/**
 * The status the ReplicaSets add up to (`calculateStatus`), keeping the existing conditions and
 * setting `Available` by whether at least `replicas - maxUnavailable` pods are available.
 */
export function calculateStatus(
  all: readonly (RS | undefined)[],
  newRS: RS | undefined,
  d: WorkingDeployment,
  now: number,
): Status {
  const available = availableReplicaCount(all);
  const total = replicaCount(all);
  const status: Status = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicaCount(all),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(total - available, 0),
    ...(d.status.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    conditions: [...(d.status.conditions ?? [])],
  };
  if (available >= (d.spec?.replicas ?? 1) - maxUnavailable(d)) {
    setCondition(
      status,
      newCondition(
        'Available',
        'True',
        Reason.MinimumReplicasAvailable,
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setCondition(
      status,
      newCondition(
        'Available',
        'False',
        Reason.MinimumReplicasUnavailable,
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** Every replica updated and available, and the latest spec observed (`DeploymentComplete`). */
export function deploymentComplete(d: AppsV1.Deployment, status: Status): boolean {
  const replicas = d.spec?.replicas ?? 1;
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** Whether `status` shows progress over the Deployment's current status (`DeploymentProgressing`). */
export function deploymentProgressing(d: WorkingDeployment, status: Status): boolean {
  const old = d.status;
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/**
 * Whether no progress has been reported for `progressDeadlineSeconds` since the Progressing
 * condition last changed (`DeploymentTimedOut`).
 */
export function deploymentTimedOut(d: AppsV1.Deployment, status: Status, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(status, 'Progressing');
  if (!condition) return false;
  if (condition.reason === Reason.NewRSAvailable) return false;
  if (condition.reason === Reason.TimedOut) return true;
  return deadlineOf(d, condition) < now;
}

/** When the Progressing condition's deadline passes (ms since the epoch). */
export function deadlineOf(d: AppsV1.Deployment, condition: Condition): number {
  const from = Date.parse(condition.lastUpdateTime ?? '');
  return (Number.isNaN(from) ? 0 : from) + (d.spec?.progressDeadlineSeconds ?? 600) * 1000;
}

/**
 * Whether two statuses are the same, as Go's `reflect.DeepEqual` of the structs sees them: absent
 * numbers are 0 and absent lists empty.
 */
export function sameStatus(a: Status | undefined, b: Status | undefined): boolean {
  const norm = (s: Status | undefined) =>
    JSON.stringify([
      s?.observedGeneration ?? 0,
      s?.replicas ?? 0,
      s?.updatedReplicas ?? 0,
      s?.readyReplicas ?? 0,
      s?.availableReplicas ?? 0,
      s?.unavailableReplicas ?? 0,
      s?.collisionCount ?? null,
      (s?.conditions ?? []).map((c) => [
        c.type,
        c.status,
        c.reason ?? '',
        c.message ?? '',
        c.lastUpdateTime ?? '',
        c.lastTransitionTime ?? '',
      ]),
    ]);
  return norm(a) === norm(b);
}
