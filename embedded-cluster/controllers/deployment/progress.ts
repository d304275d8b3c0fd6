import type { AppsV1, ReconcileResult } from '../../client/index.js';
import {
  calculateStatus,
  deadlineOf,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  Reason,
  removeCondition,
  sameStatus,
  setCondition,
  type WorkingDeployment,
} from './conditions.js';
import type { DeploymentSync } from './sync.js';

type RS = AppsV1.ReplicaSet;

/**
 * Write a rolling-out Deployment's status with its Progressing condition, as kube's
 * `syncRolloutStatus` (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/progress.go):
 * NewReplicaSetAvailable once complete, ReplicaSetUpdated whenever pods progress, and
 * ProgressDeadlineExceeded when nothing has progressed for `progressDeadlineSeconds`. When nothing
 * changed but the rollout is still under way, answers when to look again: the moment the deadline
 * would pass.
 */
export async function syncRolloutStatus(
  sync: DeploymentSync,
  all: (RS | undefined)[],
  newRS: RS | undefined,
  d: WorkingDeployment,
): Promise<ReconcileResult | void> {
  const now = sync.now();
  const status = calculateStatus(all, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === Reason.NewRSAvailable;
  const name = d.metadata?.name;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      const message = newRS
        ? `ReplicaSet "${newRS.metadata?.name}" has successfully progressed.`
        : `Deployment "${name}" has successfully progressed.`;
      setCondition(status, newCondition('Progressing', 'True', Reason.NewRSAvailable, message, now));
    } else if (deploymentProgressing(d, status)) {
      const message = newRS
        ? `ReplicaSet "${newRS.metadata?.name}" is progressing.`
        : `Deployment "${name}" is progressing.`;
      const condition = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, message, now);
      // Progress moves lastUpdateTime even when the reason stays the same (setCondition would not).
      if (current) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
      }
      setCondition(status, condition);
    } else if (deploymentTimedOut(d, status, now)) {
      const message = newRS
        ? `ReplicaSet "${newRS.metadata?.name}" has timed out progressing.`
        : `Deployment "${name}" has timed out progressing.`;
      setCondition(status, newCondition('Progressing', 'False', Reason.TimedOut, message, now));
    }
  }
  // A ReplicaSet's failure to create or delete pods shows on the Deployment.
  const failure = replicaFailure(all, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');

  if (sameStatus(d.status, status)) return requeueStuck(d, status, now);
  d.status = status;
  await sync.writeStatus(d);
}

/** When to check a rollout that shows no progress for its deadline (`requeueStuckDeployment`). */
function requeueStuck(
  d: WorkingDeployment,
  status: WorkingDeployment['status'],
  now: number,
): ReconcileResult | void {
  const current = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, status) || current.reason === Reason.TimedOut) return;
  const after = deadlineOf(d, current) - now;
  // Condition times have whole seconds: near the deadline, look again shortly rather than exactly.
  return { requeueAfterMs: after < 1000 ? 250 : after };
}

/**
 * The ReplicaFailure condition of the new ReplicaSet, or else of the first old one that has it
 * (`getReplicaFailures`).
 */
function replicaFailure(
  all: (RS | undefined)[],
  newRS: RS | undefined,
): AppsV1.DeploymentCondition | undefined {
  const sets = newRS ? [newRS, ...all.filter((rs) => rs !== newRS)] : all;
  for (const rs of sets) {
    const condition = rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    if (condition) {
      return {
        type: 'ReplicaFailure',
        status: condition.status,
        reason: condition.reason,
        message: condition.message,
        lastUpdateTime: condition.lastTransitionTime,
        lastTransitionTime: condition.lastTransitionTime,
      };
    }
  }
  return undefined;
}
