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
} from '../client/index.js';
import type { NamespaceLabels } from './affinity-terms.js';
import { schedulePod } from './algorithm.js';
import { podInfoOf } from './node-info.js';
import { SchedulerCache } from './scheduler-cache.js';
import { SchedulingQueue } from './scheduling-queue.js';
import { conditionPatch, nodeChangedForScheduling, podChangedForScheduling } from './pod-status.js';

export interface SchedulerConfig extends ComponentContext {
  /** Pods whose `spec.schedulerName` is this are ours (default `default-scheduler`). */
  schedulerName?: string;
  /** How many bindings may be in flight at once (default 16). */
  parallelBindings?: number;
}

/** The name of the default scheduler, and the event source it reports as. */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/**
 * The scheduler: places each unscheduled pod on a node and writes its choice as a Binding through
 * the API server; the node's kubelet, watching the API, does the rest. Modelled on kube-scheduler
 * (pkg/scheduler/schedule_one.go):
 *
 * - **Scheduling cycle**, one pod at a time, in memory: filter every node, score the feasible ones
 *   (see algorithm.ts), and *assume* the pod onto the chosen node in the {@link SchedulerCache} so
 *   the next decision already counts it.
 * - **Binding cycle**, concurrent (up to `parallelBindings`): POST `pods/<name>/binding`, then
 *   record the `Scheduled` event. A failed binding forgets the assumption and retries with backoff.
 * - **Failure**: a `FailedScheduling` warning and the condition `PodScheduled=False`
 *   (reason `Unschedulable`) carrying the same message; the pod waits in the
 *   {@link SchedulingQueue} until a node or pod event could help, or five minutes pass.
 */
export class Scheduler implements Component {
  readonly name = 'scheduler';
  private readonly queue: WorkQueue<string>;
  private readonly waiting: SchedulingQueue;
  private readonly cache = new SchedulerCache();
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly nodes: Informer<CoreV1.Node>;
  private readonly namespaces: Informer<CoreV1.Namespace>;
  private readonly recorder: EventRecorder;
  private readonly schedulerName: string;
  private readonly bindings: Slots;
  private readonly inFlight = new Set<Promise<void>>();
  private running: Promise<void> | undefined;

  constructor(private readonly config: SchedulerConfig) {
    this.schedulerName = config.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.queue = new WorkQueue({ clock: config.clock });
    this.waiting = new SchedulingQueue(this.queue, config.clock);
    this.bindings = new Slots(config.parallelBindings ?? 16);
    this.pods = config.informers.for(resources.pods);
    this.nodes = config.informers.for(resources.nodes);
    this.namespaces = config.informers.for(resources.namespaces);
    this.recorder = recorderFor(config, this.schedulerName);
    this.pods.addHandler({
      added: (pod) => this.podAdded(pod),
      updated: (old, pod) => this.podUpdated(old, pod),
      deleted: (pod) => this.podDeleted(pod),
    });
    this.nodes.addHandler({
      added: (node) => {
        this.cache.setNode(node);
        this.waiting.moveOnEvent('NodeAdd');
      },
      updated: (old, node) => {
        this.cache.setNode(node);
        if (nodeChangedForScheduling(old, node)) this.waiting.moveOnEvent('NodeUpdate');
      },
      deleted: (node) => this.cache.removeNode(node.metadata?.name ?? ''),
    });
  }

  async start(): Promise<void> {
    this.config.informers.start();
    await Promise.all([this.pods.synced(), this.nodes.synced(), this.namespaces.synced()]);
    // One worker: decisions are made one at a time against the cache; bindings run concurrently.
    this.running = runWorkers(this.name, this.queue, (key) => this.scheduleOne(key), {
      workers: 1,
      logger: this.config.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    this.waiting.shutDown();
    await this.running;
    await Promise.all(this.inFlight);
  }

  // ---- informer handlers: keep the cache current and enqueue; no API calls here ----

  private podAdded(pod: CoreV1.Pod): void {
    if (isBound(pod)) {
      if (isTerminal(pod)) return;
      this.cache.addOrUpdateBoundPod(pod);
      this.waiting.moveOnEvent('AssignedPodAdd');
    } else if (this.isOurs(pod)) {
      this.waiting.activate(objectKey(pod));
    }
  }

  private podUpdated(old: CoreV1.Pod, pod: CoreV1.Pod): void {
    const key = objectKey(pod);
    if (isBound(pod)) {
      this.waiting.done(key);
      if (isTerminal(pod)) {
        if (this.cache.removePod(key)) this.waiting.moveOnEvent('AssignedPodDelete');
        return;
      }
      const isNew = this.cache.addOrUpdateBoundPod(pod);
      if (isNew) this.waiting.moveOnEvent('AssignedPodAdd');
      else if (!sameLabels(old, pod)) this.waiting.moveOnEvent('AssignedPodUpdate');
      return;
    }
    if (!this.isOurs(pod)) {
      this.waiting.done(key);
      return;
    }
    // Our own status writes (the PodScheduled condition) come back as updates: only a change to
    // what scheduling reads sends a waiting pod back to the queue early.
    if (this.waiting.isUnschedulable(key) && !podChangedForScheduling(old, pod)) return;
    this.waiting.activate(key);
  }

  private podDeleted(pod: CoreV1.Pod): void {
    const key = objectKey(pod);
    this.waiting.done(key);
    if (this.cache.removePod(key)) this.waiting.moveOnEvent('AssignedPodDelete');
  }

  private isOurs(pod: CoreV1.Pod): boolean {
    return (
      !isBound(pod) &&
      !pod.metadata?.deletionTimestamp &&
      (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.schedulerName &&
      !isTerminal(pod) &&
      // Gated pods wait for their gates to be removed (the SchedulingGates plugin).
      (pod.spec?.schedulingGates ?? []).length === 0
    );
  }

  private readonly nsLabels: NamespaceLabels = (namespace) =>
    this.namespaces.store.getByName(undefined, namespace)?.metadata?.labels;

  // ---- the scheduling cycle ----

  private async scheduleOne(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    if (!pod || !this.isOurs(pod)) {
      this.waiting.done(key);
      return;
    }
    // Already placed, its binding in flight: the informer will show it bound soon.
    if (this.cache.isAssumed(key)) return;
    const info = podInfoOf(pod);
    const result = schedulePod(info, this.cache.nodeInfos(), this.nsLabels);
    if (result.nodeName === undefined) {
      this.waiting.markUnschedulable(key, result.rejectedBy);
      this.recorder.event(pod, 'Warning', 'FailedScheduling', result.message);
      await this.bindings.acquire();
      this.track(this.writeCondition(pod, 'Unschedulable', result.message));
      return;
    }
    this.cache.assume(info, result.nodeName);
    this.waiting.done(key);
    await this.bindings.acquire();
    this.track(this.bind(pod, result.nodeName));
  }

  /** Run `work` holding a binding slot, so stop() can wait for it. */
  private track(work: Promise<void>): void {
    const done = work.finally(() => {
      this.bindings.release();
      this.inFlight.delete(done);
    });
    this.inFlight.add(done);
  }

  // ---- the binding cycle ----

  private async bind(pod: CoreV1.Pod, nodeName: string): Promise<void> {
    const meta = pod.metadata!;
    const key = objectKey(pod);
    try {
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
    } catch (error) {
      // Whatever happened, the room it held is free again.
      if (this.cache.forget(key)) this.waiting.moveOnEvent('AssignedPodDelete');
      const current = this.pods.store.get(key);
      // Deleted meanwhile, or bound by someone else: nothing more to do.
      if (isStatus(error, 'NotFound') || !current || !this.isOurs(current)) return;
      const message = `running Bind plugin "DefaultBinder": ${errorMessage(error)}`;
      this.config.logger.warn('binding failed; retrying', { pod: key, node: nodeName, error: message });
      this.recorder.event(pod, 'Warning', 'FailedScheduling', message);
      this.waiting.retryAfterBackoff(key);
      await this.writeCondition(current, 'SchedulerError', message);
      return;
    }
    this.recorder.event(
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${meta.namespace}/${meta.name} to ${nodeName}`,
    );
  }

  /** Set PodScheduled=False through pods/status, as kube's `updatePod`; only when it changes. */
  private async writeCondition(pod: CoreV1.Pod, reason: string, message: string): Promise<void> {
    const patch = conditionPatch(pod, reason, message, this.config.clock.now());
    if (!patch) return;
    try {
      await this.config.client.resource(resources.pods).patch(pod.metadata!.name!, patch, {
        namespace: pod.metadata!.namespace!,
        subresource: 'status',
        type: 'strategic',
      });
    } catch (error) {
      // The pod went, or changed under us: the next attempt writes the condition afresh.
      if (!isStatus(error, 'NotFound') && !isStatus(error, 'Conflict')) {
        this.config.logger.warn('could not update pod condition', {
          pod: objectKey(pod),
          error: errorMessage(error),
        });
      }
    }
  }
}

function isBound(pod: CoreV1.Pod): boolean {
  return !!pod.spec?.nodeName;
}

/** Finished pods hold nothing on their node (kube's scheduler does not even watch them). */
function isTerminal(pod: CoreV1.Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function sameLabels(a: CoreV1.Pod, b: CoreV1.Pod): boolean {
  return JSON.stringify(a.metadata?.labels ?? {}) === JSON.stringify(b.metadata?.labels ?? {});
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A counting semaphore: at most `size` holders at once; waiters are served in order. */
class Slots {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}
