import {
  controllerOf,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type BatchV1,
  type Component,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type ReconcileResult,
  type ResourceClient,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import type { BackoffRecord } from './job/backoff.js';
import { Expectations } from './job/expectations.js';
import { JobPods } from './job/job-pods.js';
import {
  ensureCondition,
  finishedType,
  hasTrackingFinalizer,
  isReady,
  isSuspended,
  newCondition,
  rfc3339,
  type JobCondition,
} from './job/job-utils.js';
import { buildSyncContext, interimCondition } from './job/job-state.js';
import { manageJob } from './job/manage-job.js';
import type { SyncContext, SyncDeps } from './job/sync-context.js';
import { trackStatusAndRemoveFinalizers } from './job/track-status.js';

const BY_JOB_UID = 'job-uid';

/**
 * The Job controller: runs a Job's pods to completion. It keeps `parallelism` pods running until
 * `completions` have succeeded (or, without `completions`, until one has: a work queue), gives
 * Indexed Jobs one pod per completion index, replaces failed pods after a backoff (10 s doubling,
 * at most 6 min) until `backoffLimit` is passed, stops at `activeDeadlineSeconds`, deletes the
 * pods of a suspended Job, and counts finished pods through the `batch.kubernetes.io/job-tracking`
 * finalizer and `status.uncountedTerminatedPods`, so counts survive pod deletion. A finished Job
 * gets SuccessCriteriaMet then Complete, or FailureTarget then Failed, as kube 1.31+.
 *
 * Copies kube's pkg/controller/job/job_controller.go; the steps live in `job/`. Not done: pod
 * adoption and orphaning by selector, `podFailurePolicy`, `backoffLimitPerIndex`, `successPolicy`,
 * `managedBy`.
 */
export class JobController implements Component {
  readonly name = 'job';
  private readonly queue: WorkQueue<string>;
  /** Pods still holding the tracking finalizer whose Job is gone or finished. */
  private readonly orphanQueue: WorkQueue<string>;
  private readonly jobs: Informer<BatchV1.Job>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly jobClient: ResourceClient<BatchV1.Job>;
  private readonly podControl: JobPods;
  private readonly recorder: EventRecorder;
  private readonly expectations: Expectations;
  private readonly backoff = new Map<string, BackoffRecord>();
  private readonly deps: SyncDeps;
  private running: Promise<unknown> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.orphanQueue = new WorkQueue({ clock: context.clock });
    this.jobs = context.informers.for(resources.jobs);
    this.pods = context.informers.for(resources.pods);
    this.jobClient = context.client.resource(resources.jobs);
    this.recorder = recorderFor(context, 'job-controller');
    this.podControl = new JobPods(context.client.resource(resources.pods), this.recorder);
    this.expectations = new Expectations(() => context.clock.now());
    this.deps = {
      pods: this.podControl,
      expectations: this.expectations,
      writeStatus: (job) => this.jobClient.updateStatus(job),
      saveBackoff: (key, record) => this.backoff.set(key, record),
      recordFinished: (job, condition) => this.recordFinished(job, condition),
    };
    this.pods.store.addIndex(BY_JOB_UID, (pod) => {
      const owner = controllerOf(pod);
      return owner?.kind === 'Job' && owner.uid ? [owner.uid] : [];
    });
    this.jobs.addHandler({
      added: (job) => this.queue.add(objectKey(job)),
      updated: (_old, job) => this.queue.add(objectKey(job)),
      deleted: (job) => {
        this.queue.add(objectKey(job));
        this.releasePods(job);
      },
    });
    this.pods.addHandler({
      added: (pod) => this.podAdded(pod),
      updated: (old, pod) => this.podUpdated(old, pod),
      deleted: (pod) => this.podDeleted(pod, true),
    });
  }

  async start(): Promise<void> {
    this.running = Promise.all([
      runWorkers(this.name, this.queue, (key) => this.reconcile(key), {
        workers: 2,
        logger: this.context.logger,
      }),
      runWorkers(`${this.name}-orphans`, this.orphanQueue, (key) => this.releaseOrphan(key), {
        logger: this.context.logger,
      }),
    ]);
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    this.orphanQueue.shutDown();
    await this.running;
  }

  /** The Job controlling `pod`, if it is in the cache. */
  private jobOf(pod: CoreV1.Pod): BatchV1.Job | undefined {
    const owner = controllerOf(pod);
    if (owner?.kind !== 'Job' || !owner.name) return undefined;
    const job = this.jobs.store.getByName(pod.metadata?.namespace, owner.name);
    return job?.metadata?.uid === owner.uid ? job : undefined;
  }

  private podAdded(pod: CoreV1.Pod): void {
    if (pod.metadata?.deletionTimestamp) {
      // Seen for the first time while already being deleted (e.g. after a relist).
      this.podDeleted(pod, false);
      return;
    }
    const job = this.jobOf(pod);
    if (!job) {
      if (hasTrackingFinalizer(pod)) this.orphanQueue.add(objectKey(pod));
      return;
    }
    const key = objectKey(job);
    this.expectations.creationObserved(key);
    this.queue.add(key);
  }

  private podUpdated(old: CoreV1.Pod, pod: CoreV1.Pod): void {
    const oldJob = this.jobOf(old);
    const job = this.jobOf(pod);
    if (oldJob && oldJob.metadata?.uid !== job?.metadata?.uid) this.queue.add(objectKey(oldJob));
    if (pod.metadata?.deletionTimestamp) {
      this.podDeleted(pod, false);
      return;
    }
    if (!job) {
      if (hasTrackingFinalizer(pod)) this.orphanQueue.add(objectKey(pod));
      return;
    }
    const key = objectKey(job);
    if (hasTrackingFinalizer(old) && !hasTrackingFinalizer(pod)) {
      this.expectations.finalizerRemovalObserved(key, pod.metadata?.uid ?? '');
    }
    this.queue.add(key);
  }

  /** A pod went away (`final`) or began terminating. */
  private podDeleted(pod: CoreV1.Pod, final: boolean): void {
    const job = this.jobOf(pod);
    if (!job || finishedType(job)) {
      // No sync of a Job will release this pod's finalizer.
      if (!final && hasTrackingFinalizer(pod)) this.orphanQueue.add(objectKey(pod));
      return;
    }
    const key = objectKey(job);
    this.expectations.deletionObserved(key);
    if (final || !hasTrackingFinalizer(pod)) {
      this.expectations.finalizerRemovalObserved(key, pod.metadata?.uid ?? '');
    }
    this.queue.add(key);
  }

  /** Queue a gone or finished Job's pods that still hold the finalizer for release. */
  private releasePods(job: BatchV1.Job): void {
    for (const pod of this.pods.store.byIndex(BY_JOB_UID, job.metadata?.uid ?? '')) {
      if (hasTrackingFinalizer(pod)) this.orphanQueue.add(objectKey(pod));
    }
  }

  /** kube's `syncOrphanPod`: drop the finalizer of a pod no running Job will count. */
  private async releaseOrphan(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const owner = controllerOf(pod);
    if (owner) {
      if (owner.kind !== 'Job' || owner.apiVersion !== 'batch/v1') return;
      const job = this.jobOf(pod);
      if (job && !finishedType(job)) return;
    }
    await this.podControl.removeFinalizer(pod);
  }

  /** kube's `syncJob`. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.jobs.store.get(key);
    if (!cached) {
      this.expectations.forget(key);
      this.backoff.delete(key);
      return;
    }
    if (finishedType(cached)) {
      // Done: nothing more to run. Pods still holding the finalizer (a crash mid-way) are freed.
      this.backoff.delete(key);
      this.releasePods(cached);
      return;
    }
    const deps = this.deps;
    const ctx = buildSyncContext({
      key,
      job: cached,
      pods: this.pods.store.byIndex(BY_JOB_UID, cached.metadata?.uid ?? ''),
      expectedRmFinalizers: this.expectations.expectedFinalizerRemovals(key),
      backoff: this.backoff.get(key),
      now: this.context.clock.now(),
    });
    const { job } = ctx;
    const satisfied = this.expectations.satisfied(key);
    let requeueAfterMs: number | undefined;
    const now = rfc3339(ctx.now);

    if (!ctx.status.startTime && !isSuspended(job)) ctx.status.startTime = now;
    ctx.finished = interimCondition(ctx);
    if (!ctx.finished) {
      const deadline = job.spec?.activeDeadlineSeconds;
      if (deadline != null && !isSuspended(job) && ctx.status.startTime) {
        requeueAfterMs = Math.max(0, deadline * 1000 - (ctx.now - Date.parse(ctx.status.startTime)));
      }
    }

    let active = ctx.activePods.length;
    let suspendChanged = false;
    if (ctx.finished) {
      // Stop what still runs; the Job is finished once those pods are gone and counted.
      let deleted = 0;
      await Promise.all(
        ctx.activePods.map(async (pod) => {
          await this.podControl.delete(job, pod);
          deleted++;
          if (isReady(pod)) ctx.ready--;
        }),
      );
      if (deleted !== active || !satisfied) ctx.finished = undefined;
      active -= deleted;
      ctx.terminating += deleted;
    } else {
      let managed = false;
      if (satisfied && !job.metadata?.deletionTimestamp) {
        const result = await manageJob(ctx, deps);
        active = result.active;
        if (result.requeueAfterMs !== undefined) {
          requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, result.requeueAfterMs);
        }
        managed = true;
      }
      const completions = job.spec?.completions;
      const complete =
        completions == null
          ? ctx.succeeded > 0 && active === 0
          : ctx.succeeded >= completions && active === 0;
      if (complete) {
        ctx.finished = newCondition(
          'SuccessCriteriaMet',
          'True',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
          now,
        );
      } else if (managed) {
        suspendChanged = this.updateSuspended(ctx, now);
      }
    }

    const needsUpdate =
      suspendChanged ||
      active !== (job.status?.active ?? 0) ||
      ctx.ready !== job.status?.ready ||
      ctx.terminating !== job.status?.terminating;
    ctx.status.active = active;
    ctx.status.ready = ctx.ready;
    ctx.status.terminating = ctx.terminating;
    await trackStatusAndRemoveFinalizers(ctx, deps, needsUpdate);
    if (requeueAfterMs !== undefined) return { requeueAfterMs };
  }

  /** Keep the Suspended condition in step with `spec.suspend`; answers whether it changed. */
  private updateSuspended(ctx: SyncContext, now: string): boolean {
    const conditions = ctx.status.conditions ?? [];
    if (isSuspended(ctx.job)) {
      const next = ensureCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
      if (!next) return false;
      ctx.status.conditions = next;
      this.recorder.event(ctx.job, 'Normal', 'Suspended', 'Job suspended');
      return true;
    }
    const next = ensureCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
    if (!next) return false;
    ctx.status.conditions = next;
    this.recorder.event(ctx.job, 'Normal', 'Resumed', 'Job resumed');
    // activeDeadlineSeconds counts continuous activity: the clock restarts on resume.
    ctx.status.startTime = now;
    return true;
  }

  private recordFinished(job: BatchV1.Job, condition: JobCondition): void {
    if (condition.type === 'Complete') {
      const completions = job.spec?.completions;
      if (completions != null && (job.status?.succeeded ?? 0) > completions) {
        this.recorder.event(
          job,
          'Warning',
          'TooManySucceededPods',
          'Too many succeeded pods running after completion count reached',
        );
      }
      this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.recorder.event(job, 'Warning', condition.reason ?? 'Failed', condition.message ?? '');
    }
  }
}
