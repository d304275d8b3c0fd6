import {
  controllerOf,
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type AppsV1,
  type Component,
  type CoreV1,
  type Informer,
  type ReconcileResult,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import { POD_REVISION_LABEL, type ControllerRevision } from './history/controller-history.js';
import { statefulSetRevisions, truncateHistory } from './stateful-set/history.js';
import { StatefulPodControl } from './stateful-set/pod-control.js';
import { syncStatefulSet } from './stateful-set/sync.js';

const OWNER_INDEX = 'statefulset-controller/owner-uid';

/**
 * The StatefulSet controller: pods with stable names `<set>-<ordinal>` and stable storage (one
 * PersistentVolumeClaim per claim template and ordinal), started in order and stopped in reverse
 * (`OrderedReady`) or all at once (`Parallel`), rolled to a new template from the highest ordinal
 * down to the partition, with the template history kept as ControllerRevisions for
 * `kubectl rollout history/undo`. As
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/statefulset/stateful_set.go;
 * the algorithm itself is in stateful-set/sync.ts.
 */
export class StatefulSetController implements Component {
  readonly name = 'statefulset';
  private readonly queue: WorkQueue<string>;
  private readonly sets: Informer<AppsV1.StatefulSet>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly control: StatefulPodControl;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.sets = context.informers.for(resources.statefulSets);
    this.pods = context.informers.for(resources.pods);
    this.revisions = context.informers.for(resources.controllerRevisions);
    const claims = context.informers.for(resources.persistentVolumeClaims);
    this.control = new StatefulPodControl(
      context.client,
      claims,
      recorderFor(context, 'statefulset-controller'),
    );
    this.pods.store.addIndex(OWNER_INDEX, (pod) => {
      const ref = controllerOf(pod);
      return ref?.kind === 'StatefulSet' ? [ref.uid] : [];
    });
    const enqueue = (set: AppsV1.StatefulSet) => this.queue.add(objectKey(set));
    this.sets.addHandler({ added: enqueue, updated: (_old, set) => enqueue(set), deleted: enqueue });
    const enqueueOwner = (object: CoreV1.Pod | ControllerRevision) => {
      const ref = controllerOf(object);
      if (ref?.kind === 'StatefulSet') this.queue.add(`${object.metadata?.namespace}/${ref.name}`);
    };
    this.pods.addHandler({
      added: enqueueOwner,
      updated: (old, pod) => {
        enqueueOwner(pod);
        if (controllerOf(old)?.uid !== controllerOf(pod)?.uid) enqueueOwner(old);
      },
      deleted: enqueueOwner,
    });
    this.revisions.addHandler({ added: enqueueOwner, deleted: enqueueOwner });
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

  /** Bring one StatefulSet's pods, claims, history and status in line with its spec. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const set = this.sets.store.get(key);
    if (!set) return;
    const namespace = set.metadata?.namespace;
    const pods = this.pods.store
      .byIndex(OWNER_INDEX, set.metadata?.uid ?? '')
      .filter((pod) => pod.metadata?.namespace === namespace);
    const revisions = await statefulSetRevisions(this.context.client, this.revisions.store.list(), set);
    const { status, recheckMs } = await syncStatefulSet(
      { set, pods, current: revisions.current, update: revisions.update, now: this.context.clock.now() },
      this.control,
    );
    const podRevisions = new Set(pods.map((pod) => pod.metadata?.labels?.[POD_REVISION_LABEL] ?? ''));
    await truncateHistory(this.context.client, set, revisions, podRevisions);
    await this.writeStatus(set, { ...status, collisionCount: revisions.collisionCount });
    return recheckMs !== undefined ? { requeueAfterMs: recheckMs } : undefined;
  }

  private async writeStatus(set: AppsV1.StatefulSet, status: AppsV1.StatefulSetStatus): Promise<void> {
    const current: AppsV1.StatefulSetStatus = set.status ?? ({} as AppsV1.StatefulSetStatus);
    const changed = (Object.keys(status) as (keyof AppsV1.StatefulSetStatus)[]).some(
      (field) => (current[field] ?? 0) !== status[field],
    );
    if (!changed) return;
    try {
      await this.context.client
        .resource(resources.statefulSets)
        .patch(
          set.metadata!.name!,
          { status },
          { namespace: set.metadata!.namespace!, subresource: 'status' },
        );
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
    }
  }
}
