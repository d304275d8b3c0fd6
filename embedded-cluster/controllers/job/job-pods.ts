import {
  isStatus,
  type BatchV1,
  type CoreV1,
  type EventRecorder,
  type ResourceClient,
} from '../../client/index.js';
import { JOB_TRACKING_FINALIZER } from './job-utils.js';

/**
 * How the Job controller creates, deletes and releases its pods, with the events kube's
 * `PodControl` records about the Job.
 */
export class JobPods {
  constructor(
    private readonly pods: ResourceClient<CoreV1.Pod>,
    private readonly recorder: EventRecorder,
  ) {}

  async create(job: BatchV1.Job, pod: CoreV1.Pod): Promise<void> {
    try {
      const created = await this.pods.create(pod);
      this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`);
    } catch (error) {
      this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${messageOf(error)}`);
      throw error;
    }
  }

  /** Delete a pod (its tracking finalizer, if kept, holds it until counted). NotFound is success. */
  async delete(job: BatchV1.Job, pod: CoreV1.Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    try {
      await this.pods.delete(name, { namespace: pod.metadata?.namespace });
      this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (error) {
      if (isStatus(error, 'NotFound')) return;
      this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(error)}`);
      throw error;
    }
  }

  /** Remove the tracking finalizer; a pod already gone counts as done. */
  async removeFinalizer(pod: CoreV1.Pod): Promise<void> {
    if (!pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER)) return;
    try {
      await this.pods.patch(
        pod.metadata.name ?? '',
        { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } },
        { namespace: pod.metadata.namespace, type: 'strategic' },
      );
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
