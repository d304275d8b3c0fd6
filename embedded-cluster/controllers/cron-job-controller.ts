import {
  controllerOf,
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type BatchV1,
  type Component,
  type EventRecorder,
  type Informer,
  type ReconcileResult,
  type ResourceClient,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import { localTimeZone, parseSchedule, ScheduleError, type CronSchedule } from './cron-job/cron-schedule.js';
import {
  byStartTime,
  finishedType,
  inActiveList,
  inActiveListByName,
  jobFromTemplate,
  jobReference,
  rfc1123z,
  rfc3339,
  withoutActive,
} from './cron-job/cron-job-utils.js';
import { jobNameFor, mostRecentScheduleTime, nextScheduleDelayMs } from './cron-job/schedule-times.js';

const BY_CRONJOB_UID = 'cronjob-uid';

/** What one sync decided: the CronJob as it should now be, whether its status changed, when to look again. */
interface SyncOutcome {
  cronJob: BatchV1.CronJob;
  updateStatus: boolean;
  requeueAfterMs?: number;
}

/**
 * The CronJob controller: creates a Job for each time a CronJob's schedule fires, honouring
 * `concurrencyPolicy` (Allow, Forbid, Replace), `startingDeadlineSeconds`, `suspend` and
 * `timeZone`; keeps `status.active`, `lastScheduleTime` and `lastSuccessfulTime`; and deletes
 * finished Jobs beyond the history limits. It wakes itself just after the next schedule time
 * (`requeueAfterMs`), never by polling. Of several missed times only the most recent is started.
 *
 * Copies kube's pkg/controller/cronjob/cronjob_controllerv2.go (events, messages and order).
 */
export class CronJobController implements Component {
  readonly name = 'cronjob';
  private readonly queue: WorkQueue<string>;
  private readonly cronJobs: Informer<BatchV1.CronJob>;
  private readonly jobs: Informer<BatchV1.Job>;
  private readonly cronJobClient: ResourceClient<BatchV1.CronJob>;
  private readonly jobClient: ResourceClient<BatchV1.Job>;
  private readonly recorder: EventRecorder;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.cronJobs = context.informers.for(resources.cronJobs);
    this.jobs = context.informers.for(resources.jobs);
    this.cronJobClient = context.client.resource(resources.cronJobs);
    this.jobClient = context.client.resource(resources.jobs);
    this.recorder = recorderFor(context, 'cronjob-controller');
    this.jobs.store.addIndex(BY_CRONJOB_UID, (job) => {
      const owner = controllerOf(job);
      return owner?.kind === 'CronJob' && owner.uid ? [owner.uid] : [];
    });
    this.cronJobs.addHandler({
      added: (cronJob) => this.queue.add(objectKey(cronJob)),
      updated: (old, cronJob) => this.cronJobUpdated(old, cronJob),
    });
    this.jobs.addHandler({
      added: (job) => this.enqueueOwner(job),
      updated: (old, job) => {
        const oldOwner = controllerOf(old);
        if (oldOwner && oldOwner.uid !== controllerOf(job)?.uid) this.enqueueOwner(old);
        this.enqueueOwner(job);
      },
      deleted: (job) => this.enqueueOwner(job),
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

  /** A new schedule or zone may bring the next run closer: requeue for it; anything else, now. */
  private cronJobUpdated(old: BatchV1.CronJob, cronJob: BatchV1.CronJob): void {
    const key = objectKey(cronJob);
    if (old.spec?.schedule === cronJob.spec?.schedule && old.spec?.timeZone === cronJob.spec?.timeZone) {
      this.queue.add(key);
      return;
    }
    const schedule = this.scheduleOf(cronJob);
    if (!schedule) {
      this.recorder.event(
        cronJob,
        'Warning',
        'UnParseableCronJobSchedule',
        `unparseable schedule for cronjob: ${cronJob.spec?.schedule ?? ''}`,
      );
      return;
    }
    this.queue.addAfter(key, nextScheduleDelayMs(cronJob, this.context.clock.now(), schedule));
  }

  private enqueueOwner(job: BatchV1.Job): void {
    const owner = controllerOf(job);
    if (owner?.kind !== 'CronJob' || !owner.name) return;
    const namespace = job.metadata?.namespace ?? '';
    const cronJob = this.cronJobs.store.getByName(namespace, owner.name);
    if (cronJob?.metadata?.uid === owner.uid) this.queue.add(objectKey(cronJob));
  }

  /** The schedule in force (spec.timeZone, else this process's zone), or undefined if unusable. */
  private scheduleOf(cronJob: BatchV1.CronJob): CronSchedule | undefined {
    try {
      return parseSchedule(cronJob.spec?.schedule ?? '', cronJob.spec?.timeZone ?? localTimeZone());
    } catch {
      return undefined;
    }
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.cronJobs.store.get(key);
    if (!cached) return;
    const jobs = this.jobs.store.byIndex(BY_CRONJOB_UID, cached.metadata?.uid ?? '');
    const outcome = await this.syncCronJob(structuredClone(cached), jobs);
    let { cronJob, updateStatus } = outcome;
    if (!cronJob.metadata?.deletionTimestamp) {
      const cleaned = await this.cleanupFinishedJobs(cronJob, jobs);
      if (cleaned !== cronJob) {
        cronJob = cleaned;
        updateStatus = true;
      }
    }
    if (updateStatus) await this.cronJobClient.updateStatus(cronJob);
    if (outcome.requeueAfterMs !== undefined) return { requeueAfterMs: outcome.requeueAfterMs };
  }

  /** kube's `syncCronJob`: reconcile `status.active` with the Jobs, then start the due Job, if any. */
  private async syncCronJob(initial: BatchV1.CronJob, jobs: BatchV1.Job[]): Promise<SyncOutcome> {
    let cronJob = initial;
    let updateStatus = false;
    const now = this.context.clock.now();
    const children = new Set<string>();
    for (const job of jobs) {
      const uid = job.metadata?.uid ?? '';
      children.add(uid);
      const finished = finishedType(job);
      const found = inActiveList(cronJob, uid);
      if (!found && !finished) {
        // Our cache may predate the status update that listed this Job: ask the API server.
        const fresh = await this.cronJobClient.get(cronJob.metadata!.name!, cronJob.metadata!.namespace);
        if (inActiveList(fresh, uid)) {
          cronJob = fresh;
          continue;
        }
        this.recorder.event(
          cronJob,
          'Warning',
          'UnexpectedJob',
          `Saw a job that the controller did not create or forgot: ${job.metadata?.name ?? ''}`,
        );
      } else if (found && finished) {
        cronJob = withoutActive(cronJob, uid);
        this.recorder.event(
          cronJob,
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${job.metadata?.name ?? ''}, condition: ${finished}`,
        );
        updateStatus = true;
      }
      if (finished === 'Complete' && job.status?.completionTime) {
        // A Job need not be active to count: any success moves lastSuccessfulTime forward.
        const last = cronJob.status?.lastSuccessfulTime;
        if (!last || Date.parse(job.status.completionTime) > Date.parse(last)) {
          cronJob = {
            ...cronJob,
            status: { ...cronJob.status, lastSuccessfulTime: job.status.completionTime },
          };
          updateStatus = true;
        }
      }
    }

    // An active Job that no longer exists would keep a Forbid CronJob waiting forever.
    for (const ref of cronJob.status?.active ?? []) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.jobClient.get(ref.name ?? '', ref.namespace);
      } catch (error) {
        if (!isStatus(error, 'NotFound')) throw error;
        this.recorder.event(cronJob, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
        cronJob = withoutActive(cronJob, ref.uid);
        updateStatus = true;
      }
    }

    if (cronJob.metadata?.deletionTimestamp) return { cronJob, updateStatus };
    if (cronJob.spec?.suspend) return { cronJob, updateStatus };

    const scheduleText = cronJob.spec?.schedule ?? '';
    if (scheduleText.includes('TZ')) {
      this.recorder.event(
        cronJob,
        'Warning',
        'UnsupportedSchedule',
        `CRON_TZ or TZ used in schedule "${scheduleText}" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
      );
    }
    let schedule: CronSchedule;
    try {
      schedule = parseSchedule(scheduleText, cronJob.spec?.timeZone ?? localTimeZone());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof ScheduleError && error.kind === 'invalid') {
        this.recorder.event(
          cronJob,
          'Warning',
          'InvalidSchedule',
          `invalid schedule: ${scheduleText} : ${message}`,
        );
      } else {
        this.recorder.event(
          cronJob,
          'Warning',
          'UnparseableSchedule',
          `unparseable schedule: "${scheduleText}" : ${message}`,
        );
      }
      return { cronJob, updateStatus };
    }
    const next = () => nextScheduleDelayMs(cronJob, now, schedule);

    let scheduled: number | undefined;
    try {
      const recent = mostRecentScheduleTime(cronJob, now, schedule, true);
      scheduled = recent.mostRecent;
      if (scheduled !== undefined && recent.missed === 'many') {
        this.recorder.event(
          cronJob,
          'Warning',
          'TooManyMissedTimes',
          'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
        );
      }
    } catch (error) {
      this.recorder.event(
        cronJob,
        'Warning',
        'InvalidSchedule',
        `invalid schedule: ${scheduleText} : ${error instanceof Error ? error.message : String(error)}`,
      );
      return { cronJob, updateStatus };
    }
    if (scheduled === undefined) return { cronJob, updateStatus, requeueAfterMs: next() };

    const deadline = cronJob.spec?.startingDeadlineSeconds;
    if (deadline != null && scheduled + deadline * 1000 < now) {
      this.recorder.event(
        cronJob,
        'Warning',
        'MissSchedule',
        `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`,
      );
      return { cronJob, updateStatus, requeueAfterMs: next() };
    }
    const lastSchedule = cronJob.status?.lastScheduleTime;
    if (
      inActiveListByName(cronJob, jobNameFor(cronJob, scheduled)) ||
      (lastSchedule && Date.parse(lastSchedule) === scheduled)
    ) {
      return { cronJob, updateStatus, requeueAfterMs: next() };
    }
    const active = cronJob.status?.active ?? [];
    if (cronJob.spec?.concurrencyPolicy === 'Forbid' && active.length > 0) {
      this.recorder.event(
        cronJob,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return { cronJob, updateStatus, requeueAfterMs: next() };
    }
    if (cronJob.spec?.concurrencyPolicy === 'Replace') {
      for (const ref of active) {
        let job: BatchV1.Job;
        try {
          job = await this.jobClient.get(ref.name ?? '', ref.namespace);
        } catch (error) {
          this.recorder.event(cronJob, 'Warning', 'FailedGet', `Get job: ${String(error)}`);
          throw error;
        }
        const after = await this.deleteJob(cronJob, job);
        if (!after) throw new Error(`could not replace job ${ref.namespace ?? ''}/${ref.name ?? ''}`);
        cronJob = after;
        updateStatus = true;
      }
    }

    const request = jobFromTemplate(cronJob, scheduled);
    let created: BatchV1.Job;
    try {
      created = await this.jobClient.create(request);
      this.recorder.event(
        cronJob,
        'Normal',
        'SuccessfulCreate',
        `Created job ${created.metadata?.name ?? ''}`,
      );
    } catch (error) {
      if (!isStatus(error, 'AlreadyExists')) {
        this.recorder.event(cronJob, 'Warning', 'FailedCreate', `Error creating job: ${String(error)}`);
        throw error;
      }
      // Created earlier, but the status update that followed was lost: list it as active now,
      // unless someone else made it.
      created = await this.jobClient.get(request.metadata!.name!, request.metadata!.namespace);
      if (controllerOf(created)?.uid !== cronJob.metadata?.uid) return { cronJob, updateStatus };
      if (inActiveList(cronJob, created.metadata?.uid)) return { cronJob, updateStatus };
    }
    cronJob = {
      ...cronJob,
      status: {
        ...cronJob.status,
        active: [...(cronJob.status?.active ?? []), jobReference(created)],
        lastScheduleTime: rfc3339(scheduled),
      },
    };
    return { cronJob, updateStatus: true, requeueAfterMs: next() };
  }

  /**
   * Delete the oldest finished Jobs beyond `successfulJobsHistoryLimit` and
   * `failedJobsHistoryLimit`; answers the CronJob as it now is.
   */
  private async cleanupFinishedJobs(cronJob: BatchV1.CronJob, jobs: BatchV1.Job[]): Promise<BatchV1.CronJob> {
    const spec = cronJob.spec;
    let result = cronJob;
    const groups: [BatchV1.Job[], number | undefined][] = [
      [jobs.filter((job) => finishedType(job) === 'Complete'), spec?.successfulJobsHistoryLimit],
      [jobs.filter((job) => finishedType(job) === 'Failed'), spec?.failedJobsHistoryLimit],
    ];
    for (const [finished, limit] of groups) {
      if (limit == null || finished.length <= limit) continue;
      const oldest = [...finished].sort(byStartTime).slice(0, finished.length - limit);
      for (const job of oldest) {
        if (job.metadata?.deletionTimestamp) continue;
        result = (await this.deleteJob(result, job)) ?? result;
      }
    }
    return result;
  }

  /** Delete a Job (its pods go in the background) and drop it from `active`; undefined on failure. */
  private async deleteJob(cronJob: BatchV1.CronJob, job: BatchV1.Job): Promise<BatchV1.CronJob | undefined> {
    const name = job.metadata?.name ?? '';
    try {
      await this.jobClient.delete(name, {
        namespace: job.metadata?.namespace,
        propagationPolicy: 'Background',
      });
    } catch (error) {
      if (!isStatus(error, 'NotFound')) {
        this.recorder.event(cronJob, 'Warning', 'FailedDelete', `Deleted job: ${String(error)}`);
        return undefined;
      }
    }
    this.recorder.event(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
    return withoutActive(cronJob, job.metadata?.uid);
  }
}
