import type { AppsV1, CoreV1, ReconcileResult } from '../../client/index.js';
import { deploymentComplete, type WorkingDeployment } from './conditions.js';
import { syncRolloutStatus } from './progress.js';
import { activeReplicaSets, actualReplicaCount, specReplicas } from './replica-sets.js';
import type { DeploymentSync } from './sync.js';

type RS = AppsV1.ReplicaSet;

/**
 * The Recreate strategy, as kube's
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/recreate.go: scale
 * every old ReplicaSet to 0, wait until none of their pods is left running, then create (or scale
 * up) the new ReplicaSet.
 *
 * `podsByReplicaSet`: the Deployment's pods by the uid of the ReplicaSet controlling them.
 */
export async function rolloutRecreate(
  sync: DeploymentSync,
  d: WorkingDeployment,
  sets: RS[],
  podsByReplicaSet: Map<string, CoreV1.Pod[]>,
): Promise<ReconcileResult | void> {
  let { newRS, oldRSs } = await sync.newAndOld(d, sets, false);
  let all = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    await sync.scaleAndRecord(rs, 0, d);
    scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(sync, all, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podsByReplicaSet)) return syncRolloutStatus(sync, all, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await sync.newAndOld(d, sets, true));
    all = [...oldRSs, newRS];
  }
  if (newRS && specReplicas(newRS) !== (d.spec?.replicas ?? 1)) {
    await sync.scaleAndRecord(newRS, d.spec?.replicas ?? 1, d);
  }
  if (deploymentComplete(d, d.status)) await sync.cleanup(oldRSs, d);
  return syncRolloutStatus(sync, all, newRS, d);
}

/** Whether any pod of an old ReplicaSet still exists and has not finished (`oldPodsRunning`). */
function oldPodsRunning(
  newRS: RS | undefined,
  oldRSs: RS[],
  podsByReplicaSet: Map<string, CoreV1.Pod[]>,
): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByReplicaSet) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (pods.some((pod) => pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}
