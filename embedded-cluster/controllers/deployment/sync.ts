import {
  controllerOf,
  controllerReference,
  isStatus,
  type AppsV1,
  type EventRecorder,
  type ResourceClient,
} from '../../client/index.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { messageOf } from '../replicas/pod-control.js';
import {
  maxRevision,
  REVISION,
  replicasAnnotationsNeedUpdate,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './annotations.js';
import {
  calculateStatus,
  getCondition,
  hasProgressDeadline,
  newCondition,
  Reason,
  sameStatus,
  setCondition,
  type WorkingDeployment,
} from './conditions.js';
import { isRollingUpdate, maxSurge } from './fenceposts.js';
import { computeHash, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import {
  activeReplicaSets,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  isSaturated,
  newReplicaSetReplicas,
  replicaCount,
  replicaSetFraction,
  specReplicas,
} from './replica-sets.js';

type RS = AppsV1.ReplicaSet;

export interface DeploymentSyncConfig {
  replicaSets: ResourceClient<RS>;
  deployments: ResourceClient<AppsV1.Deployment>;
  recorder: EventRecorder;
  clock: Clock;
  logger: Logger;
}

/**
 * The steps of a Deployment sync that every strategy shares — finding and creating the new
 * ReplicaSet, scaling, cleaning up old revisions, writing status — after kube's
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go.
 * Each works on the caller's own copy of the Deployment (a {@link WorkingDeployment}).
 */
export class DeploymentSync {
  constructor(readonly config: DeploymentSyncConfig) {}

  now(): number {
    return this.config.clock.now();
  }

  /**
   * The new ReplicaSet (created when asked and missing) and all the old ones, with the new one's
   * revision raised above the old ones' and copied to the Deployment.
   */
  async newAndOld(
    d: WorkingDeployment,
    sets: readonly RS[],
    create: boolean,
  ): Promise<{ newRS?: RS; oldRSs: RS[] }> {
    const oldRSs = findOldReplicaSets(d, sets);
    const newRS = await this.newReplicaSet(d, sets, oldRSs, create);
    return { ...(newRS ? { newRS } : {}), oldRSs };
  }

  private async newReplicaSet(
    d: WorkingDeployment,
    sets: readonly RS[],
    oldRSs: RS[],
    create: boolean,
  ): Promise<RS | undefined> {
    const existing = findNewReplicaSet(d, sets);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReadySeconds = d.spec?.minReadySeconds ?? 0;
      if (annotationsChanged || (copy.spec!.minReadySeconds ?? 0) !== minReadySeconds) {
        copy.spec!.minReadySeconds = minReadySeconds;
        return this.config.replicaSets.update(copy);
      }
      let needsUpdate = setDeploymentRevision(d, copy.metadata?.annotations?.[REVISION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        // Progress is being estimated for the first time: count from when the new RS was found.
        const message = `Found new replica set "${copy.metadata?.name}"`;
        setCondition(d.status, newCondition('Progressing', 'True', Reason.FoundNewRS, message, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus(d);
      return copy;
    }
    if (!create) return undefined;

    const hash = computeHash(d.spec?.template, d.status.collisionCount);
    const template = structuredClone(d.spec!.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash },
    };
    const selector = structuredClone(d.spec!.selector);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const name = `${d.metadata!.name}-${hash}`;
    const rs: RS = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata?.namespace,
        ownerReferences: [controllerReference(d)],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
    rs.spec!.replicas = replicas;
    setNewReplicaSetAnnotations(d, rs, newRevision, false);

    let created: RS;
    let alreadyExists = false;
    try {
      created = await this.config.replicaSets.create(rs);
    } catch (error) {
      if (isStatus(error, 'AlreadyExists')) {
        alreadyExists = true;
        const found = await this.config.replicaSets.get(name, d.metadata?.namespace);
        if (
          controllerOf(found)?.uid !== d.metadata?.uid ||
          !equalIgnoreHash(d.spec?.template, found.spec?.template)
        ) {
          // A hash collision: another template hashed to this name. Hash again with a new count.
          d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
          await this.writeStatus(d);
          throw error;
        }
        created = found;
      } else {
        const message = `Failed to create new replica set "${name}": ${messageOf(error)}`;
        if (hasProgressDeadline(d)) {
          setCondition(
            d.status,
            newCondition('Progressing', 'False', Reason.FailedRSCreate, message, this.now()),
          );
          await this.writeStatus(d).catch(() => {});
        }
        this.config.recorder.event(d, 'Warning', Reason.FailedRSCreate, message);
        throw error;
      }
    }
    if (!alreadyExists && replicas > 0) {
      this.scalingEvent(d, 'up', created.metadata!.name!, 0, replicas);
    }
    let needsUpdate = setDeploymentRevision(d, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      const message = `Created new replica set "${created.metadata?.name}"`;
      setCondition(d.status, newCondition('Progressing', 'True', Reason.NewRSCreated, message, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(d);
    return created;
  }

  /**
   * Scale for a changed `spec.replicas` (`scale`): the one active ReplicaSet takes the new count;
   * during a rollout, the change is spread over the active ReplicaSets in proportion to their size.
   */
  async scale(d: WorkingDeployment, newRS: RS | undefined, oldRSs: RS[]): Promise<void> {
    const replicas = d.spec?.replicas ?? 1;
    const single = findActiveOrLatest(newRS, oldRSs);
    if (single) {
      if (specReplicas(single) !== replicas) await this.scaleAndRecord(single, replicas, d);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeReplicaSets(oldRSs)) await this.scaleAndRecord(old, 0, d);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = activeReplicaSets([...oldRSs, newRS]);
    const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
    const toAdd = allowed - replicaCount(all);
    let operation = '';
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      operation = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      operation = 'down';
    }
    const sizes = new Map<string, number>();
    let added = 0;
    for (const rs of all) {
      if (toAdd !== 0) {
        const share = replicaSetFraction(rs, d);
        sizes.set(rs.metadata!.name!, specReplicas(rs) + share);
        added += share;
      } else {
        sizes.set(rs.metadata!.name!, specReplicas(rs));
      }
    }
    // Rounding leftovers go to the largest ReplicaSet.
    if (toAdd !== 0 && all[0]) {
      const first = all[0].metadata!.name!;
      sizes.set(first, Math.max(sizes.get(first)! + toAdd - added, 0));
    }
    for (const rs of all) await this.scaleReplicaSet(rs, sizes.get(rs.metadata!.name!)!, d, operation);
  }

  /** Scale `rs` to `newScale`, recording a ScalingReplicaSet event; answers the ReplicaSet as stored. */
  async scaleAndRecord(rs: RS, newScale: number, d: WorkingDeployment): Promise<RS> {
    if (specReplicas(rs) === newScale) return rs;
    return this.scaleReplicaSet(rs, newScale, d, specReplicas(rs) < newScale ? 'up' : 'down');
  }

  private async scaleReplicaSet(
    rs: RS,
    newScale: number,
    d: WorkingDeployment,
    operation: string,
  ): Promise<RS> {
    const replicas = d.spec?.replicas ?? 1;
    const max = replicas + maxSurge(d);
    const sizeChanges = specReplicas(rs) !== newScale;
    if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, replicas, max)) return rs;
    const oldScale = specReplicas(rs);
    const copy = structuredClone(rs);
    copy.spec!.replicas = newScale;
    setReplicasAnnotations(copy, replicas, max);
    const updated = await this.config.replicaSets.update(copy);
    if (sizeChanges) this.scalingEvent(d, operation, rs.metadata!.name!, oldScale, newScale);
    return updated;
  }

  private scalingEvent(
    d: WorkingDeployment,
    operation: string,
    name: string,
    from: number,
    to: number,
  ): void {
    // Kubernetes 1.32's wording (earlier releases said "… to N", then "… to N from M").
    this.config.recorder.event(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${operation} replica set ${name} from ${from} to ${to}`,
    );
  }

  /**
   * Delete the oldest old ReplicaSets beyond `revisionHistoryLimit`, only those already scaled to
   * nothing and settled (`cleanupDeployment`).
   */
  async cleanup(oldRSs: RS[], d: WorkingDeployment): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    alive.sort(byRevision);
    for (const rs of alive.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
      if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.config.replicaSets.delete(rs.metadata!.name!, { namespace: rs.metadata?.namespace });
      } catch (error) {
        if (!isStatus(error, 'NotFound')) throw error;
      }
    }
  }

  /** Write the status the ReplicaSets add up to, if it changed (`syncDeploymentStatus`). */
  async syncStatus(all: (RS | undefined)[], newRS: RS | undefined, d: WorkingDeployment): Promise<void> {
    const status = calculateStatus(all, newRS, d, this.now());
    if (sameStatus(d.status, status)) return;
    d.status = status;
    await this.writeStatus(d);
  }

  /**
   * Write `d.status`, then the revision annotation if it changed. In kube both go in one status
   * update (the Deployment status strategy keeps annotation changes); our API server keeps only
   * the status of a status write, so the annotation follows as a patch.
   */
  async writeStatus(d: WorkingDeployment): Promise<void> {
    const { status, ...rest } = d;
    const stored = await this.config.deployments.updateStatus({ ...rest, status });
    d.metadata = { ...d.metadata, resourceVersion: stored.metadata?.resourceVersion };
    const revision = d.metadata?.annotations?.[REVISION];
    if (revision !== undefined && stored.metadata?.annotations?.[REVISION] !== revision) {
      const patched = await this.config.deployments.patch(
        d.metadata!.name!,
        { metadata: { annotations: { [REVISION]: revision } } },
        { namespace: d.metadata?.namespace },
      );
      d.metadata = { ...d.metadata, resourceVersion: patched.metadata?.resourceVersion };
    }
  }
}

/** Set the Deployment's revision annotation; answers whether it changed (`SetDeploymentRevision`). */
function setDeploymentRevision(d: WorkingDeployment, revision: string): boolean {
  const annotations = (d.metadata!.annotations ??= {});
  if (annotations[REVISION] === revision) return false;
  annotations[REVISION] = revision;
  return true;
}
