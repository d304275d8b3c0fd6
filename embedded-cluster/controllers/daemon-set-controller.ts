import {
  controllerOf,
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  splitKey,
  WorkQueue,
  type AppsV1,
  type Component,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type ReconcileResult,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import { newDaemonPod } from './daemon-set/daemon-pods.js';
import { PodExpectations } from './daemon-set/expectations.js';
import { cleanupHistory, constructHistory } from './daemon-set/history.js';
import { nodeShouldRunDaemonPod } from './daemon-set/node-eligibility.js';
import { computeStatus, planSync, type NodeState, type Plan } from './daemon-set/plan.js';
import { POD_REVISION_LABEL, type ControllerRevision } from './history/controller-history.js';

const OWNER_INDEX = 'daemonset-controller/owner-uid';

/**
 * The DaemonSet controller: one pod per eligible node, placed by the controller itself (the pod is
 * created with `spec.nodeName`), rolled to a new template with RollingUpdate (maxUnavailable or
 * maxSurge) or replaced only when deleted with OnDelete, with the template history kept as
 * ControllerRevisions for `kubectl rollout history/undo`. As
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/daemon/daemon_controller.go
 * except that Kubernetes (since 1.12) leaves the binding to the scheduler.
 */
export class DaemonSetController implements Component {
  readonly name = 'daemonset';
  private readonly queue: WorkQueue<string>;
  private readonly daemonSets: Informer<AppsV1.DaemonSet>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly nodes: Informer<CoreV1.Node>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly recorder: EventRecorder;
  private readonly expectations: PodExpectations;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.expectations = new PodExpectations(context.clock);
    this.recorder = recorderFor(context, 'daemonset-controller');
    this.daemonSets = context.informers.for(resources.daemonSets);
    this.pods = context.informers.for(resources.pods);
    this.nodes = context.informers.for(resources.nodes);
    this.revisions = context.informers.for(resources.controllerRevisions);
    this.pods.store.addIndex(OWNER_INDEX, (pod) => {
      const ref = controllerOf(pod);
      return ref?.kind === 'DaemonSet' ? [ref.uid] : [];
    });
    const enqueue = (ds: AppsV1.DaemonSet) => this.queue.add(objectKey(ds));
    this.daemonSets.addHandler({ added: enqueue, updated: (_old, ds) => enqueue(ds), deleted: enqueue });
    const enqueueOwner = (object: CoreV1.Pod | ControllerRevision) => {
      const ref = controllerOf(object);
      if (ref?.kind === 'DaemonSet') this.queue.add(`${object.metadata?.namespace}/${ref.name}`);
    };
    this.pods.addHandler({
      added: (pod) => {
        this.expectations.observed(objectKey(pod), Boolean(pod.metadata?.deletionTimestamp));
        enqueueOwner(pod);
      },
      updated: (old, pod) => {
        this.expectations.observed(objectKey(pod), Boolean(pod.metadata?.deletionTimestamp));
        enqueueOwner(pod);
        if (controllerOf(old)?.uid !== controllerOf(pod)?.uid) enqueueOwner(old);
      },
      deleted: (pod) => {
        this.expectations.observed(objectKey(pod), true);
        enqueueOwner(pod);
      },
    });
    this.revisions.addHandler({ added: enqueueOwner, deleted: enqueueOwner });
    // Any node change that can change where daemons belong: a new or removed node, labels, taints.
    const enqueueAll = () => {
      for (const ds of this.daemonSets.store.list()) enqueue(ds);
    };
    this.nodes.addHandler({
      added: enqueueAll,
      deleted: enqueueAll,
      updated: (old, node) => {
        if (
          JSON.stringify(old.metadata?.labels) !== JSON.stringify(node.metadata?.labels) ||
          JSON.stringify(old.spec?.taints) !== JSON.stringify(node.spec?.taints)
        ) {
          enqueueAll();
        }
      },
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

  /** Bring one DaemonSet's pods, history and status in line with its spec. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const ds = this.daemonSets.store.get(key);
    if (!ds) {
      this.expectations.forget(key);
      return;
    }
    // Being deleted: the garbage collector removes the pods; creating more would fight it.
    if (ds.metadata?.deletionTimestamp) return;
    const history = await constructHistory(this.context.client, this.revisions.store.list(), ds);
    const input = { ds, nodes: this.nodeStates(ds), hash: history.hash, now: this.context.clock.now() };
    let recheckMs: number | undefined;
    const present = (podKey: string) => {
      const pod = this.pods.store.get(podKey);
      return pod !== undefined && !pod.metadata?.deletionTimestamp;
    };
    if (this.expectations.satisfied(key, present)) {
      const plan = planSync(input);
      recheckMs = plan.recheckMs;
      await this.execute(key, ds, plan, history.hash);
    }
    const liveHashes = new Set(
      this.ownedPods(ds).map((pod) => pod.metadata?.labels?.[POD_REVISION_LABEL] ?? ''),
    );
    await cleanupHistory(this.context.client, ds, history.old, liveHashes);
    await this.writeStatus(ds, {
      ...computeStatus(input),
      observedGeneration: ds.metadata?.generation ?? 0,
      ...(history.collisionCount ? { collisionCount: history.collisionCount } : {}),
    });
    return recheckMs !== undefined ? { requeueAfterMs: recheckMs } : undefined;
  }

  private ownedPods(ds: AppsV1.DaemonSet): CoreV1.Pod[] {
    const namespace = ds.metadata?.namespace;
    return this.pods.store
      .byIndex(OWNER_INDEX, ds.metadata?.uid ?? '')
      .filter((pod) => pod.metadata?.namespace === namespace);
  }

  private nodeStates(ds: AppsV1.DaemonSet): NodeState[] {
    const byNode = new Map<string, CoreV1.Pod[]>();
    for (const pod of this.ownedPods(ds)) {
      const node = pod.spec?.nodeName;
      if (!node) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    return this.nodes.store.list().map((node) => {
      const name = node.metadata?.name ?? '';
      return { name, fit: nodeShouldRunDaemonPod(ds, node), pods: byNode.get(name) ?? [] };
    });
  }

  /** Create and delete what the plan says, recording expectations and events (`syncNodes`). */
  private async execute(key: string, ds: AppsV1.DaemonSet, plan: Plan, hash: string): Promise<void> {
    const pods = this.context.client.resource(resources.pods);
    const namespace = ds.metadata!.namespace!;
    const errors: unknown[] = [];
    for (const nodeName of plan.create) {
      try {
        const pod = await pods.create(newDaemonPod(ds, nodeName, hash));
        this.expectations.expectCreated(key, objectKey(pod));
        this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
      } catch (error) {
        this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${String(error)}`);
        errors.push(error);
      }
    }
    for (const { pod, failedOn } of plan.delete) {
      const name = pod.metadata!.name!;
      if (failedOn) {
        this.recorder.event(
          ds,
          'Warning',
          'FailedDaemonPod',
          `Found failed daemon pod ${namespace}/${name} on node ${failedOn}, will try to kill it`,
        );
      }
      try {
        await pods.delete(name, { namespace, preconditions: { uid: pod.metadata!.uid! } });
        this.expectations.expectDeleted(key, objectKey(pod));
        this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (error) {
        if (isStatus(error, 'NotFound')) continue;
        this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${String(error)}`);
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }

  private async writeStatus(ds: AppsV1.DaemonSet, status: AppsV1.DaemonSetStatus): Promise<void> {
    const current: AppsV1.DaemonSetStatus = ds.status ?? ({} as AppsV1.DaemonSetStatus);
    const changed = (Object.keys(status) as (keyof AppsV1.DaemonSetStatus)[]).some(
      (field) => (current[field] ?? 0) !== status[field],
    );
    if (!changed) return;
    const { namespace, name } = splitKey(objectKey(ds));
    try {
      await this.context.client
        .resource(resources.daemonSets)
        .patch(name, { status }, { namespace, subresource: 'status' });
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
    }
  }
}
