import {
  controllerOf,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type AppsV1,
  type Component,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type ReconcileResult,
  type ResourceClient,
} from '../client/index.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { labelSelectorFromObject, type LabelSelector } from '../api/selectors/index.js';
import type { ControllerContext } from './controller-context.js';
import { claimObjects } from './replicas/controller-ref-manager.js';
import {
  getCondition,
  hasProgressDeadline,
  newCondition,
  Reason,
  setCondition,
  type WorkingDeployment,
} from './deployment/conditions.js';
import { rolloutRecreate } from './deployment/recreate.js';
import { rolloutRolling } from './deployment/rolling.js';
import { DeploymentSync } from './deployment/sync.js';
import { activeReplicaSets } from './deployment/replica-sets.js';
import { desiredReplicasOf } from './deployment/annotations.js';

type RS = AppsV1.ReplicaSet;

/**
 * The Deployment controller: rolls a Deployment's pod template out through ReplicaSets, one per
 * template (named `<deployment>-<pod-template-hash>`), with the RollingUpdate or Recreate
 * strategy; scales them when `spec.replicas` changes; keeps `revisionHistoryLimit` old ones for
 * `kubectl rollout undo`; and reports Available and Progressing conditions. After kube's
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/deployment_controller.go.
 *
 * Rollback is client-side, as in kube since apps/v1: `kubectl rollout undo` copies an old
 * ReplicaSet's template into the Deployment, and this controller then finds that ReplicaSet to be
 * the new one again and gives it the next revision.
 */
export class DeploymentController implements Component {
  readonly name = 'deployment';
  private readonly queue: WorkQueue<string>;
  private readonly deployments: Informer<AppsV1.Deployment>;
  private readonly replicaSets: Informer<RS>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly deploymentClient: ResourceClient<AppsV1.Deployment>;
  private readonly replicaSetClient: ResourceClient<RS>;
  private readonly recorder: EventRecorder;
  private readonly sync: DeploymentSync;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.deployments = context.informers.for(resources.deployments);
    this.replicaSets = context.informers.for(resources.replicaSets);
    this.pods = context.informers.for(resources.pods);
    this.deploymentClient = context.client.resource(resources.deployments);
    this.replicaSetClient = context.client.resource(resources.replicaSets);
    this.recorder = recorderFor(context, 'deployment-controller');
    this.sync = new DeploymentSync({
      replicaSets: this.replicaSetClient,
      deployments: this.deploymentClient,
      recorder: this.recorder,
      clock: context.clock,
      logger: context.logger,
    });
    this.deployments.addHandler({
      added: (d) => this.enqueue(d),
      updated: (_old, d) => this.enqueue(d),
      deleted: (d) => this.enqueue(d),
    });
    this.replicaSets.addHandler({
      added: (rs) => this.replicaSetAdded(rs),
      updated: (old, rs) => this.replicaSetUpdated(old, rs),
      deleted: (rs) => this.replicaSetDeleted(rs),
    });
    this.pods.addHandler({ deleted: (pod) => this.podDeleted(pod) });
  }

  async start(): Promise<void> {
    this.running = runWorkers(this.name, this.queue, (key) => this.reconcile(key), {
      workers: 2,
      logger: this.context.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  // ---- event handlers: they only enqueue ----

  private enqueue(d: AppsV1.Deployment): void {
    this.queue.add(objectKey(d));
  }

  private replicaSetAdded(rs: RS): void {
    if (rs.metadata?.deletionTimestamp) return this.replicaSetDeleted(rs);
    const ref = controllerOf(rs);
    if (ref) {
      const d = this.resolve(rs.metadata?.namespace, ref);
      if (d) this.enqueue(d);
      return;
    }
    // An orphan: whoever selects it may adopt it.
    for (const d of this.selectingDeployments(rs)) this.enqueue(d);
  }

  private replicaSetUpdated(old: RS, rs: RS): void {
    if (old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
    const ref = controllerOf(rs);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(ref ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const previous = this.resolve(old.metadata?.namespace, oldRef);
      if (previous) this.enqueue(previous);
    }
    if (ref) {
      const d = this.resolve(rs.metadata?.namespace, ref);
      if (d) this.enqueue(d);
      return;
    }
    const labelsChanged =
      JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(rs.metadata?.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.selectingDeployments(rs)) this.enqueue(d);
  }

  private replicaSetDeleted(rs: RS): void {
    const ref = controllerOf(rs);
    const d = ref && this.resolve(rs.metadata?.namespace, ref);
    if (d) this.enqueue(d);
  }

  /** A Recreate rollout waits for the old pods to be gone: their deletion may let it go on. */
  private podDeleted(pod: CoreV1.Pod): void {
    const rsRef = controllerOf(pod);
    if (rsRef?.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.store.getByName(pod.metadata?.namespace, rsRef.name);
    if (!rs || rs.metadata?.uid !== rsRef.uid) return;
    const ref = controllerOf(rs);
    const d = ref && this.resolve(rs.metadata?.namespace, ref);
    if (d?.spec?.strategy?.type === 'Recreate') this.enqueue(d);
  }

  private resolve(namespace: string | undefined, ref: OwnerReference): AppsV1.Deployment | undefined {
    if (ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.store.getByName(namespace, ref.name);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  private selectingDeployments(rs: RS): AppsV1.Deployment[] {
    return this.deployments.store.byIndex('namespace', rs.metadata?.namespace ?? '').filter((d) => {
      const selector = selectorOf(d);
      return selector !== undefined && !selector.empty() && selector.matches(rs.metadata?.labels);
    });
  }

  // ---- reconcile (`syncDeployment`) ----

  private async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.deployments.store.get(key);
    if (!cached) return;
    const d: WorkingDeployment = { ...structuredClone(cached), status: structuredClone(cached.status ?? {}) };
    const selector = selectorOf(d);
    if (!selector) return;
    if (selector.empty()) {
      this.recorder.event(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      if ((d.status.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        d.status.observedGeneration = d.metadata?.generation ?? 0;
        await this.sync.writeStatus(d);
      }
      return;
    }
    const sets = await this.claimReplicaSets(d, selector);
    if (d.metadata?.deletionTimestamp) {
      const { newRS, oldRSs } = await this.sync.newAndOld(d, sets, false);
      return this.sync.syncStatus([...oldRSs, newRS], newRS, d);
    }
    await this.checkPausedConditions(d);
    if (d.spec?.paused || this.isScalingEvent(d, sets)) return this.scaleOnly(d, sets);
    if (d.spec?.strategy?.type === 'Recreate') {
      return rolloutRecreate(this.sync, d, sets, this.podsByReplicaSet(d, selector, sets));
    }
    return rolloutRolling(this.sync, d, sets);
  }

  /** The ReplicaSets this Deployment controls, after adoption and release (`getReplicaSetsForDeployment`). */
  private claimReplicaSets(d: WorkingDeployment, selector: LabelSelector): Promise<RS[]> {
    const meta = d.metadata ?? {};
    return claimObjects(this.replicaSets.store.byIndex('namespace', meta.namespace ?? ''), {
      owner: d,
      client: this.replicaSetClient,
      matches: (rs) => selector.matches(rs.metadata?.labels),
      getFreshOwner: () => this.deploymentClient.get(meta.name!, meta.namespace),
    });
  }

  /** Pods of the Deployment by the uid of their ReplicaSet (`getPodMapForDeployment`). */
  private podsByReplicaSet(
    d: WorkingDeployment,
    selector: LabelSelector,
    sets: RS[],
  ): Map<string, CoreV1.Pod[]> {
    const map = new Map<string, CoreV1.Pod[]>(sets.map((rs) => [rs.metadata?.uid ?? '', []]));
    for (const pod of this.pods.store.byIndex('namespace', d.metadata?.namespace ?? '')) {
      if (!selector.matches(pod.metadata?.labels)) continue;
      map.get(controllerOf(pod)?.uid ?? '')?.push(pod);
    }
    return map;
  }

  /**
   * Record pausing and resuming in the Progressing condition, so that time spent paused does not
   * count against the progress deadline (`checkPausedConditions`).
   */
  private async checkPausedConditions(d: WorkingDeployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const condition = getCondition(d.status, 'Progressing');
    if (condition?.reason === Reason.TimedOut) return; // a timeout stays reported
    const pausedNoted = condition?.reason === Reason.Paused;
    const now = this.context.clock.now();
    const paused = d.spec?.paused ?? false;
    if (paused && !pausedNoted) {
      setCondition(
        d.status,
        newCondition('Progressing', 'Unknown', Reason.Paused, 'Deployment is paused', now),
      );
    } else if (!paused && pausedNoted) {
      setCondition(
        d.status,
        newCondition('Progressing', 'Unknown', Reason.Resumed, 'Deployment is resumed', now),
      );
    } else {
      return;
    }
    await this.sync.writeStatus(d);
  }

  /**
   * Whether only `spec.replicas` changed: some active ReplicaSet was last sized for another
   * replica count (`isScalingEvent`).
   */
  private isScalingEvent(d: WorkingDeployment, sets: RS[]): boolean {
    const replicas = d.spec?.replicas ?? 1;
    return activeReplicaSets(sets).some((rs) => {
      const desired = desiredReplicasOf(rs);
      return desired !== undefined && desired !== replicas;
    });
  }

  /** A paused Deployment or a scaling event: scale, clean up when paused, write status (`sync`). */
  private async scaleOnly(d: WorkingDeployment, sets: RS[]): Promise<void> {
    const { newRS, oldRSs } = await this.sync.newAndOld(d, sets, false);
    await this.sync.scale(d, newRS, oldRSs);
    if (d.spec?.paused) await this.sync.cleanup(oldRSs, d);
    await this.sync.syncStatus([...oldRSs, newRS], newRS, d);
  }
}

function selectorOf(d: AppsV1.Deployment): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(d.spec?.selector);
  } catch {
    return undefined;
  }
}
