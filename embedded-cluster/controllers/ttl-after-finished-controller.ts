import {
  objectKey,
  resources,
  runWorkers,
  WorkQueue,
  type BatchV1,
  type Component,
  type Informer,
  type ReconcileResult,
  type ResourceClient,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';

/**
 * The TTL-after-finished controller: deletes a finished Job (with its pods, propagation
 * Foreground) `spec.ttlSecondsAfterFinished` after it finished, i.e. after the
 * lastTransitionTime of its Complete or Failed condition. It wakes itself when the TTL runs out
 * (`requeueAfterMs`); before deleting it re-reads the Job from the API server, since the TTL may
 * have been changed in the meantime, and deletes only that very Job (uid precondition).
 *
 * Copies kube's pkg/controller/ttlafterfinished/ttlafterfinished_controller.go.
 */
export class TtlAfterFinishedController implements Component {
  readonly name = 'ttl-after-finished';
  private readonly queue: WorkQueue<string>;
  private readonly jobs: Informer<BatchV1.Job>;
  private readonly jobClient: ResourceClient<BatchV1.Job>;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.jobs = context.informers.for(resources.jobs);
    this.jobClient = context.client.resource(resources.jobs);
    const enqueue = (job: BatchV1.Job) => {
      if (needsCleanup(job)) this.queue.add(objectKey(job));
    };
    this.jobs.addHandler({ added: enqueue, updated: (_old, job) => enqueue(job) });
  }

  async start(): Promise<void> {
    this.running = runWorkers(this.name, this.queue, (key) => this.reconcile(key), {
      workers: 1,
      logger: this.context.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.jobs.store.get(key);
    if (!cached) return;
    const left = this.timeLeft(cached);
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left };

    // The cache may be behind a user who just raised or removed the TTL: decide on the stored Job.
    const meta = cached.metadata ?? {};
    const fresh = await this.jobClient.get(meta.name ?? '', meta.namespace);
    const freshLeft = this.timeLeft(fresh);
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return { requeueAfterMs: freshLeft };
    this.context.logger.info('cleaning up finished job', { job: key });
    await this.jobClient.delete(meta.name ?? '', {
      namespace: meta.namespace,
      propagationPolicy: 'Foreground',
      preconditions: { uid: fresh.metadata?.uid ?? '' },
    });
  }

  /** Milliseconds until the Job expires (≤ 0: now); undefined when it is not ours to delete. */
  private timeLeft(job: BatchV1.Job): number | undefined {
    if (job.metadata?.deletionTimestamp || !needsCleanup(job)) return undefined;
    const finishedAt = finishTime(job);
    if (finishedAt === undefined) {
      this.context.logger.warn('unable to find the time when the Job finished', { job: objectKey(job) });
      return undefined;
    }
    return finishedAt + job.spec!.ttlSecondsAfterFinished! * 1000 - this.context.clock.now();
  }
}

/** A finished Job with a TTL. */
function needsCleanup(job: BatchV1.Job): boolean {
  return job.spec?.ttlSecondsAfterFinished != null && finishTime(job) !== undefined;
}

/** When the Job finished: the transition time of its True Complete or Failed condition. */
function finishTime(job: BatchV1.Job): number | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True' && c.lastTransitionTime) {
      return Date.parse(c.lastTransitionTime);
    }
  }
  return undefined;
}
