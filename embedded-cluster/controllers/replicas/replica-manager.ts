import {
  controllerOf,
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoreV1,
  type Informer,
  type ReconcileResult,
  type ResourceClient,
  type ResourceRef,
} from '../../client/index.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { LabelSelector } from '../../api/selectors/index.js';
import type { ControllerContext } from '../controller-context.js';
import { claimObjects } from './controller-ref-manager.js';
import { ControllerExpectations } from './expectations.js';
import { PodControl, SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from './pod-control.js';
import { isPodActive, nextAvailableInMs, podKey } from './pod-status.js';
import { podsToDelete } from './pods-to-delete.js';
import {
  calculateStatus,
  statusUnchanged,
  type ReplicaSetLike,
  type ReplicaStatus,
} from './replica-status.js';

/** At most this many pods are created or deleted in one sync (kube's `BurstReplicas`). */
export const BURST_REPLICAS = 500;

/** What differs between the ReplicaSet and the ReplicationController controllers. */
export interface ReplicaKind<T extends ReplicaSetLike> {
  /** The controller's name in kube-controller-manager (`replicaset`, `replicationcontroller`). */
  name: string;
  /** The event source (`replicaset-controller`, `replication-controller`). */
  component: string;
  resource: ResourceRef<T>;
  /** The pods the object selects; throws when its selector is malformed. */
  selectorOf(object: T): LabelSelector;
}

/**
 * The ReplicaSet controller, shared by ReplicationControllers as in kube (where the RC controller
 * is the RS controller behind an adapter):
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set.go.
 *
 * `reconcile(key)` claims the active pods of the object's namespace (adopting matching orphans,
 * releasing owned pods that no longer match), creates or deletes pods towards `spec.replicas` —
 * unless it is still waiting to see its previous creates and deletes ({@link ControllerExpectations})
 * — and writes the status. Pod events only enqueue the owner and record what was observed.
 */
export class ReplicaManager<T extends ReplicaSetLike> implements Component {
  readonly name: string;
  private readonly queue: WorkQueue<string>;
  private readonly informer: Informer<T>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly client: ResourceClient<T>;
  private readonly podClient: ResourceClient<CoreV1.Pod>;
  private readonly podControl: PodControl;
  private readonly expectations: ControllerExpectations;
  private running: Promise<void> | undefined;

  constructor(
    private readonly context: ControllerContext,
    private readonly kind: ReplicaKind<T>,
  ) {
    this.name = kind.name;
    this.queue = new WorkQueue({ clock: context.clock });
    this.informer = context.informers.for(kind.resource);
    this.pods = context.informers.for(resources.pods);
    this.client = context.client.resource(kind.resource);
    this.podClient = context.client.resource(resources.pods);
    this.podControl = new PodControl(this.podClient, recorderFor(context, kind.component));
    this.expectations = new ControllerExpectations(context.clock);
    this.informer.addHandler({
      added: (object) => this.queue.add(objectKey(object)),
      updated: (old, object) => {
        if (old.metadata?.uid !== object.metadata?.uid) this.expectations.delete(objectKey(old));
        this.queue.add(objectKey(object));
      },
      deleted: (object) => {
        this.expectations.delete(objectKey(object));
        this.queue.add(objectKey(object));
      },
    });
    this.pods.addHandler({
      added: (pod) => this.podAdded(pod),
      updated: (old, pod) => this.podUpdated(old, pod),
      deleted: (pod) => this.podDeleted(pod),
    });
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

  // ---- event handlers: they only record observations and enqueue owners ----

  private podAdded(pod: CoreV1.Pod): void {
    // A pod that shows up already being deleted (after a restart) is no creation to observe.
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const owner = this.resolve(pod.metadata?.namespace, ref);
      if (!owner) return;
      const key = objectKey(owner);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    // An orphan: whoever selects it may adopt it. No creation is observed: nobody made it.
    for (const owner of this.selectingOwners(pod)) this.queue.add(objectKey(owner));
  }

  private podUpdated(old: CoreV1.Pod, pod: CoreV1.Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return; // a resync
    const labelsChanged = !sameJson(old.metadata?.labels, pod.metadata?.labels);
    if (pod.metadata?.deletionTimestamp) {
      // Graceful deletion starts: replace the pod now rather than when it is finally gone.
      this.podDeleted(pod);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const ref = controllerOf(pod);
    const oldRef = controllerOf(old);
    const refChanged = !sameJson(ref, oldRef);
    if (refChanged && oldRef) {
      const previous = this.resolve(old.metadata?.namespace, oldRef);
      if (previous) this.queue.add(objectKey(previous));
    }
    if (ref) {
      const owner = this.resolve(pod.metadata?.namespace, ref);
      if (owner) this.queue.add(objectKey(owner));
      return;
    }
    if (labelsChanged || refChanged) {
      for (const owner of this.selectingOwners(pod)) this.queue.add(objectKey(owner));
    }
  }

  private podDeleted(pod: CoreV1.Pod): void {
    const ref = controllerOf(pod);
    if (!ref) return; // nobody cares about an orphan going
    const owner = this.resolve(pod.metadata?.namespace, ref);
    if (!owner) return;
    const key = objectKey(owner);
    this.expectations.deletionObserved(key, podKey(pod));
    this.queue.add(key);
  }

  /** The cached object an ownerReference points to, if it is of our kind and the same uid. */
  private resolve(namespace: string | undefined, ref: OwnerReference): T | undefined {
    if (ref.kind !== this.kind.resource.kind) return undefined;
    const owner = this.informer.store.getByName(namespace, ref.name);
    return owner?.metadata?.uid === ref.uid ? owner : undefined;
  }

  /** Objects of our kind whose (non-empty) selector matches the pod's labels. */
  private selectingOwners(pod: CoreV1.Pod): T[] {
    return this.informer.store.byIndex('namespace', pod.metadata?.namespace ?? '').filter((owner) => {
      try {
        const selector = this.kind.selectorOf(owner);
        return !selector.empty() && selector.matches(pod.metadata?.labels);
      } catch {
        return false;
      }
    });
  }

  // ---- reconcile ----

  private async reconcile(key: string): Promise<ReconcileResult | void> {
    const object = this.informer.store.get(key);
    if (!object) {
      this.expectations.delete(key);
      return;
    }
    const meta = object.metadata ?? {};
    const needsSync = this.expectations.satisfied(key);
    let selector: LabelSelector;
    try {
      selector = this.kind.selectorOf(object);
    } catch (error) {
      // Validation keeps malformed selectors out; nothing to do but wait for a fix.
      this.context.logger.warn('invalid selector', { controller: this.name, key, error: String(error) });
      return;
    }
    // Every active pod of the namespace: owned pods that no longer match are released here too.
    const active = this.pods.store.byIndex('namespace', meta.namespace ?? '').filter(isPodActive);
    const pods = await claimObjects(active, {
      owner: object,
      client: this.podClient,
      matches: (pod) => selector.matches(pod.metadata?.labels),
      getFreshOwner: () => this.client.get(meta.name!, meta.namespace),
    });

    let manageError: unknown;
    if (needsSync && !meta.deletionTimestamp) {
      try {
        await this.manageReplicas(key, object, pods);
      } catch (error) {
        manageError = error;
      }
    }
    const now = this.context.clock.now();
    await this.updateStatus(object, calculateStatus(object, pods, manageError, now));
    if (manageError !== undefined) throw manageError;

    // Look again when a ready pod becomes available, or when unmet expectations expire.
    const waits = [
      nextAvailableInMs(pods, object.spec?.minReadySeconds ?? 0, now),
      this.expectations.expiresInMs(key),
    ].filter((ms): ms is number => ms !== undefined);
    return waits.length > 0 ? { requeueAfterMs: Math.min(...waits) } : undefined;
  }

  /** Create or delete pods so that `pods` (active, controlled) number `spec.replicas`. */
  private async manageReplicas(key: string, owner: T, pods: CoreV1.Pod[]): Promise<void> {
    const diff = pods.length - (owner.spec?.replicas ?? 1);
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, count);
      const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH_SIZE, () =>
        this.podControl.createPod(owner, owner.spec?.template),
      );
      // Pods never created will never be observed.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
    } else if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(pods, this.relatedPods(owner), count, this.context.clock.now());
      this.expectations.expectDeletions(key, victims.map(podKey));
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          try {
            await this.podControl.deletePod(owner, pod);
          } catch (error) {
            // Its deletion will not be observed.
            this.expectations.deletionObserved(key, podKey(pod));
            if (!isStatus(error, 'NotFound')) throw error;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /**
   * The pods of every object of our kind controlled by the same owner as `owner` (the ReplicaSets
   * of one Deployment): a node crowded with siblings loses pods first.
   */
  private relatedPods(owner: T): CoreV1.Pod[] {
    const ownerRef = controllerOf(owner);
    if (!ownerRef) return [];
    const namespace = owner.metadata?.namespace ?? '';
    const siblings = new Set(
      this.informer.store
        .byIndex('namespace', namespace)
        .filter((o) => controllerOf(o)?.uid === ownerRef.uid)
        .map((o) => o.metadata?.uid),
    );
    return this.pods.store
      .byIndex('namespace', namespace)
      .filter((pod) => siblings.has(controllerOf(pod)?.uid));
  }

  /** Write the status unless nothing changed; one retry on a fresh read, as kube does. */
  private async updateStatus(owner: T, status: ReplicaStatus): Promise<void> {
    if (statusUnchanged(owner, status)) return;
    const observed = { ...status, observedGeneration: owner.metadata?.generation ?? 0 };
    let current: T = owner;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.updateStatus({ ...current, status: observed });
        return;
      } catch (error) {
        if (isStatus(error, 'NotFound')) return; // deleted meanwhile: its delete event requeues it
        if (attempt >= 1) throw error;
        current = await this.client.get(owner.metadata!.name!, owner.metadata?.namespace);
      }
    }
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
