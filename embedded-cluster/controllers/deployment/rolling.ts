import type { AppsV1, ReconcileResult } from '../../client/index.js';
import { deploymentComplete, type WorkingDeployment } from './conditions.js';
import { maxUnavailable } from './fenceposts.js';
import { syncRolloutStatus } from './progress.js';
import {
  activeReplicaSets,
  availableReplicaCount,
  byCreation,
  newReplicaSetReplicas,
  replicaCount,
  specReplicas,
} from './replica-sets.js';
import type { DeploymentSync } from './sync.js';

type RS = AppsV1.ReplicaSet;

/**
 * The RollingUpdate strategy, as kube's
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/rolling.go: scale
 * the new ReplicaSet up as far as `maxSurge` allows, scale old ones down as far as
 * `maxUnavailable` allows (unhealthy old pods first), one step per sync; each ReplicaSet status
 * change brings the next.
 */
export async function rolloutRolling(
  sync: DeploymentSync,
  d: WorkingDeployment,
  sets: RS[],
): Promise<ReconcileResult | void> {
  const { newRS, oldRSs } = await sync.newAndOld(d, sets, true);
  const all = [...oldRSs, newRS];
  if (newRS && (await reconcileNew(sync, all, newRS, d))) return syncRolloutStatus(sync, all, newRS, d);
  if (newRS && (await reconcileOld(sync, all, activeReplicaSets(oldRSs), newRS, d))) {
    return syncRolloutStatus(sync, all, newRS, d);
  }
  if (deploymentComplete(d, d.status)) await sync.cleanup(oldRSs, d);
  return syncRolloutStatus(sync, all, newRS, d);
}

async function reconcileNew(
  sync: DeploymentSync,
  all: (RS | undefined)[],
  newRS: RS,
  d: WorkingDeployment,
): Promise<boolean> {
  const replicas = d.spec?.replicas ?? 1;
  if (specReplicas(newRS) === replicas) return false;
  const target = specReplicas(newRS) > replicas ? replicas : newReplicaSetReplicas(d, all, newRS);
  const updated = await sync.scaleAndRecord(newRS, target, d);
  return updated !== newRS;
}

async function reconcileOld(
  sync: DeploymentSync,
  all: (RS | undefined)[],
  oldRSs: RS[],
  newRS: RS,
  d: WorkingDeployment,
): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const minAvailable = (d.spec?.replicas ?? 1) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  // Never go below minAvailable, counting the new pods not yet available as unavailable.
  const maxScaledDown = replicaCount(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { sets, scaledDown: cleaned } = await cleanupUnhealthy(sync, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOld(sync, [...sets, newRS], sets, d);
  return cleaned + scaledDown > 0;
}

/** Scale old ReplicaSets down by their unavailable pods first: those only block the rollout. */
async function cleanupUnhealthy(
  sync: DeploymentSync,
  oldRSs: RS[],
  d: WorkingDeployment,
  maxCleanup: number,
) {
  const sets = [...oldRSs].sort(byCreation);
  let scaledDown = 0;
  for (let i = 0; i < sets.length; i++) {
    if (scaledDown >= maxCleanup) break;
    const rs = sets[i]!;
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - scaledDown, replicas - available);
    sets[i] = await sync.scaleAndRecord(rs, replicas - count, d);
    scaledDown += count;
  }
  return { sets, scaledDown };
}

/** Scale old ReplicaSets down, oldest first, as far as availability allows. */
async function scaleDownOld(
  sync: DeploymentSync,
  all: (RS | undefined)[],
  oldRSs: RS[],
  d: WorkingDeployment,
): Promise<number> {
  const minAvailable = (d.spec?.replicas ?? 1) - maxUnavailable(d);
  const available = availableReplicaCount(all);
  if (available <= minAvailable) return 0;
  const total = available - minAvailable;
  let scaledDown = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (scaledDown >= total) break;
    if (specReplicas(rs) === 0) continue;
    const count = Math.min(specReplicas(rs), total - scaledDown);
    await sync.scaleAndRecord(rs, specReplicas(rs) - count, d);
    scaledDown += count;
  }
  return scaledDown;
}
