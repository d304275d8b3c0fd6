import {
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type ComponentContext,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type ReconcileResult,
} from '../../client/index.js';
import { rfc3339 } from './node-health.js';
import { matchingTolerations, minTolerationMs, noExecuteTaints } from './taints.js';

/** The pod index both node controllers use: pods by `spec.nodeName` (unscheduled pods are not in it). */
export const POD_NODE_INDEX = 'spec.nodeName';

export function indexPodsByNode(pods: Informer<CoreV1.Pod>): void {
  pods.store.addIndex(POD_NODE_INDEX, (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
}

/**
 * The taint eviction controller: deletes pods from nodes tainted `NoExecute` unless they tolerate
 * every such taint, after the shortest `tolerationSeconds` among the tolerations they use (pods
 * whose tolerations set no limit stay). The clock for a pod starts when the controller first sees
 * it on the tainted node, as in Kubernetes. Before deleting, it marks the pod with a
 * `DisruptionTarget` condition.
 *
 * Copies https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/tainteviction/taint_eviction.go
 * (`taint-eviction-controller`), run as part of the node lifecycle controller.
 */
export class TaintEvictionController implements Component {
  readonly name = 'taint-eviction-controller';
  private readonly queue: WorkQueue<string>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly nodes: Informer<CoreV1.Node>;
  private readonly recorder: EventRecorder;
  /** Pods with a deletion scheduled: when the controller first saw them on the tainted node. */
  private readonly scheduled = new Map<string, number>();
  private running: Promise<void> | undefined;

  constructor(private readonly context: ComponentContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.recorder = recorderFor(context, this.name);
    this.pods = context.informers.for(resources.pods);
    this.nodes = context.informers.for(resources.nodes);
    indexPodsByNode(this.pods);
    // Keys: a pod's `namespace/name`, or a node's name (node names cannot contain a slash).
    this.pods.addHandler({
      added: (pod) => this.podChanged(undefined, pod),
      updated: (old, pod) => this.podChanged(old, pod),
      deleted: (pod) => this.queue.add(objectKey(pod)),
    });
    this.nodes.addHandler({
      added: (node) => this.nodeChanged(undefined, node),
      updated: (old, node) => this.nodeChanged(old, node),
      deleted: (node) => this.queue.add(node.metadata!.name!),
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

  private podChanged(old: CoreV1.Pod | undefined, pod: CoreV1.Pod): void {
    // Only a change of node or tolerations can change the verdict.
    if (
      old &&
      old.spec?.nodeName === pod.spec?.nodeName &&
      JSON.stringify(old.spec?.tolerations ?? []) === JSON.stringify(pod.spec?.tolerations ?? [])
    )
      return;
    this.queue.add(objectKey(pod));
  }

  private nodeChanged(old: CoreV1.Node | undefined, node: CoreV1.Node): void {
    if (old && JSON.stringify(noExecuteTaints(old)) === JSON.stringify(noExecuteTaints(node))) return;
    this.queue.add(node.metadata!.name!);
  }

  private async reconcile(key: string): Promise<ReconcileResult | void> {
    if (!key.includes('/')) {
      // A node's NoExecute taints changed: look at each of its pods.
      for (const pod of this.pods.store.byIndex(POD_NODE_INDEX, key)) this.queue.add(objectKey(pod));
      return;
    }
    const pod = this.pods.store.get(key);
    if (!pod || !pod.spec?.nodeName || pod.metadata?.deletionTimestamp) {
      this.scheduled.delete(key);
      return;
    }
    const taints = noExecuteTaints(this.nodes.store.get(pod.spec.nodeName));
    if (taints.length === 0) return this.cancel(pod, key);
    const { allTolerated, used } = matchingTolerations(taints, pod.spec.tolerations ?? []);
    const now = this.context.clock.now();
    if (!allTolerated) return this.evict(pod, key);
    const stayMs = minTolerationMs(used);
    if (stayMs < 0) return this.cancel(pod, key);
    const since = this.scheduled.get(key) ?? now;
    this.scheduled.set(key, since);
    if (now >= since + stayMs) return this.evict(pod, key);
    return { requeueAfterMs: since + stayMs - now };
  }

  private cancel(pod: CoreV1.Pod, key: string): void {
    if (!this.scheduled.delete(key)) return;
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  private async evict(pod: CoreV1.Pod, key: string): Promise<void> {
    const meta = pod.metadata!;
    const client = this.context.client.resource(resources.pods);
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      const conditions = pod.status?.conditions ?? [];
      if (!conditions.some((c) => c.type === 'DisruptionTarget' && c.status === 'True')) {
        const condition: CoreV1.PodCondition = {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'DeletionByTaintManager',
          message: 'Taint manager: deleting due to NoExecute taint',
          lastTransitionTime: rfc3339(this.context.clock.now()),
        };
        await client.updateStatus({
          ...pod,
          status: {
            ...pod.status,
            conditions: [...conditions.filter((c) => c.type !== condition.type), condition],
          },
        });
      }
      await client.delete(meta.name!, { namespace: meta.namespace!, preconditions: { uid: meta.uid! } });
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
    }
    this.scheduled.delete(key);
  }
}
