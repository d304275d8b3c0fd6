import {
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
} from '../client/index.js';

export interface SchedulerConfig extends ComponentContext {
  /** Pods whose `spec.schedulerName` is this are ours (default `default-scheduler`). */
  schedulerName?: string;
}

/**
 * The scheduler: places each unscheduled pod on a node and writes its choice as a Binding through
 * the API server; the node's kubelet, watching the API, does the rest.
 *
 * TODO(issue 5): filters and scoring; this first version binds to any Ready, schedulable node.
 */
export class Scheduler implements Component {
  readonly name = 'scheduler';
  private readonly queue: WorkQueue<string>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly nodes: Informer<CoreV1.Node>;
  private readonly recorder: EventRecorder;
  private readonly schedulerName: string;
  private running: Promise<void> | undefined;

  constructor(private readonly config: SchedulerConfig) {
    this.schedulerName = config.schedulerName ?? 'default-scheduler';
    this.queue = new WorkQueue({ clock: config.clock });
    this.pods = config.informers.for(resources.pods);
    this.nodes = config.informers.for(resources.nodes);
    this.recorder = recorderFor(config, this.schedulerName);
    this.pods.addHandler({
      added: (pod) => this.enqueue(pod),
      updated: (_old, pod) => this.enqueue(pod),
    });
    this.nodes.addHandler({
      added: () => this.retryPending(),
      updated: () => this.retryPending(),
    });
  }

  async start(): Promise<void> {
    this.config.informers.start();
    await Promise.all([this.pods.synced(), this.nodes.synced()]);
    this.running = runWorkers(this.name, this.queue, (key) => this.schedule(key), {
      workers: 4,
      logger: this.config.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  private enqueue(pod: CoreV1.Pod): void {
    if (this.isOurs(pod)) this.queue.add(objectKey(pod));
  }

  private retryPending(): void {
    for (const pod of this.pods.store.list()) this.enqueue(pod);
  }

  private isOurs(pod: CoreV1.Pod): boolean {
    return (
      !pod.spec?.nodeName &&
      !pod.metadata?.deletionTimestamp &&
      (pod.spec?.schedulerName ?? 'default-scheduler') === this.schedulerName &&
      pod.status?.phase !== 'Succeeded' &&
      pod.status?.phase !== 'Failed'
    );
  }

  private async schedule(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    if (!pod || !this.isOurs(pod)) return;
    const nodes = this.nodes.store.list();
    const node = nodes.find(
      (n) =>
        !n.spec?.unschedulable &&
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    const meta = pod.metadata!;
    if (!node) {
      this.recorder.event(
        pod,
        'Warning',
        'FailedScheduling',
        `0/${nodes.length} nodes are available: ${nodes.length === 0 ? 'no nodes available to schedule pods' : `${nodes.length} node(s) were not ready`}.`,
      );
      return;
    }
    const nodeName = node.metadata!.name!;
    await this.config.client.resource(resources.pods).createSubresource(
      meta.name!,
      'binding',
      {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      },
      meta.namespace,
    );
    this.recorder.event(
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${meta.namespace}/${meta.name} to ${nodeName}`,
    );
  }
}
