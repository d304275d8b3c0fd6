import {
  controllerReference,
  isStatus,
  type CoreV1,
  type EventRecorder,
  type KubeObjectLike,
  type ResourceClient,
} from '../../client/index.js';

/**
 * Creating and deleting a controller's pods, with the events kube's `RealPodControl` records
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go):
 * `SuccessfulCreate` "Created pod: <name>", `FailedCreate` "Error creating: <error>",
 * `SuccessfulDelete` "Deleted pod: <name>", `FailedDelete` "Error deleting: <error>".
 */
export class PodControl {
  constructor(
    private readonly pods: ResourceClient<CoreV1.Pod>,
    private readonly recorder: EventRecorder,
  ) {}

  /** Create one pod from `template`, controlled by `owner` and named `<owner>-<random>`. */
  async createPod(owner: KubeObjectLike, template: CoreV1.PodTemplateSpec | undefined): Promise<CoreV1.Pod> {
    const pod = podFromTemplate(template, owner);
    if (Object.keys(pod.metadata?.labels ?? {}).length === 0) {
      throw new Error('unable to create pods, no labels');
    }
    try {
      const created = await this.pods.create(pod, { namespace: owner.metadata?.namespace });
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      return created;
    } catch (error) {
      if (!isNamespaceTerminating(error)) {
        this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${messageOf(error)}`);
      }
      throw error;
    }
  }

  async deletePod(owner: KubeObjectLike, pod: CoreV1.Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    try {
      await this.pods.delete(name, { namespace: pod.metadata?.namespace });
    } catch (error) {
      if (isStatus(error, 'NotFound')) throw error;
      this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(error)}`);
      throw new Error(`unable to delete pods: ${messageOf(error)}`, { cause: error });
    }
    this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }
}

/**
 * The pod a controller creates from its template (`GetPodFromTemplate`): the template's labels,
 * annotations, finalizers and spec, `generateName: <owner>-`, and the owner as controller.
 */
export function podFromTemplate(
  template: CoreV1.PodTemplateSpec | undefined,
  owner: KubeObjectLike,
): CoreV1.Pod {
  const meta = template?.metadata ?? {};
  const ownerName = owner.metadata?.name ?? '';
  // A name of 63 characters or more leaves no room for the dash (ValidatePodName with prefix).
  const prefix = ownerName.length + 1 <= 253 ? `${ownerName}-` : ownerName;
  return {
    metadata: {
      generateName: prefix,
      namespace: owner.metadata?.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerReference(owner)],
    },
    spec: structuredClone(template?.spec ?? { containers: [] }),
  };
}

/**
 * Run `count` calls of `fn` in batches of 1, 2, 4, … (kube's `slowStartBatch`), stopping after the
 * first batch with a failure: a controller that lacks quota or permission then fails once, not
 * 500 times. Answers how many calls succeeded, and the first error.
 */
export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: () => Promise<unknown>,
): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failures.length;
    if (failures.length > 0) return { successes, error: failures[0]!.reason };
    remaining -= batch;
  }
  return { successes };
}

/** The first batch size of {@link slowStartBatch} (`controller.SlowStartInitialBatchSize`). */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNamespaceTerminating(error: unknown): boolean {
  const causes = (error as { status?: { details?: { causes?: { type?: string }[] } } })?.status?.details
    ?.causes;
  return causes?.some((c) => c.type === 'NamespaceTerminating') ?? false;
}
