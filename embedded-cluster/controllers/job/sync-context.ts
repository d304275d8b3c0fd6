import type { BatchV1, CoreV1 } from '../../client/index.js';
import type { BackoffRecord } from './backoff.js';
import type { Expectations } from './expectations.js';
import type { Interval } from './indexes.js';
import type { JobCondition } from './job-utils.js';
import type { JobPods } from './job-pods.js';

/** A Job status being built; unlike the API type it may be changed in place. */
export type JobStatusDraft = {
  -readonly [K in keyof BatchV1.JobStatus]: BatchV1.JobStatus[K];
};

/**
 * What one sync of a Job knows and decides (kube's `syncJobCtx`): the Job (a copy; replaced by the
 * API server's answer after each status write), its status draft, its pods from the cache and
 * the counts worked out from them.
 */
export interface SyncContext {
  key: string;
  now: number;
  job: BatchV1.Job;
  status: JobStatusDraft;
  uncounted: { succeeded: string[]; failed: string[] };
  pods: CoreV1.Pod[];
  activePods: CoreV1.Pod[];
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  /** The uids in `status.uncountedTerminatedPods` when the sync began. */
  wasUncountedSucceeded: ReadonlySet<string>;
  wasUncountedFailed: ReadonlySet<string>;
  /** Pods whose finalizer removal is not yet in the cache: as good as counted. */
  expectedRmFinalizers: ReadonlySet<string>;
  /** The condition that ends the Job, once decided (interim: FailureTarget, SuccessCriteriaMet). */
  finished?: JobCondition;
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  newBackoff: BackoffRecord;
}

/** What the sync steps act through. */
export interface SyncDeps {
  pods: JobPods;
  expectations: Expectations;
  /** Write the Job's status; answers the stored Job. */
  writeStatus(job: BatchV1.Job): Promise<BatchV1.Job>;
  saveBackoff(key: string, record: BackoffRecord): void;
  recordFinished(job: BatchV1.Job, condition: JobCondition): void;
}
