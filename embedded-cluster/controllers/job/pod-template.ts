import { controllerReference, type BatchV1, type CoreV1 } from '../../client/index.js';
import { COMPLETION_INDEX_ENV, COMPLETION_INDEX_KEY, JOB_TRACKING_FINALIZER } from './job-utils.js';

/** A pod's generated name may add five random characters to its prefix; the name fits in 63. */
const MAX_PREFIX = 63 - 5;

/**
 * The pod a Job creates from its template (kube's `GetPodFromTemplate` plus the Job controller's
 * additions): the template's labels and annotations, the tracking finalizer, the Job as
 * controller and the name prefix `<job>-`. For an Indexed Job also the completion index as
 * annotation and label, hostname `<job>-<index>`, name prefix `<job>-<index>-` and the
 * `JOB_COMPLETION_INDEX` variable (from the annotation, through the downward API) in every
 * container.
 */
export function podForJob(job: BatchV1.Job, index?: number): CoreV1.Pod {
  const template = structuredClone(job.spec?.template ?? {});
  const meta = template.metadata ?? {};
  const labels = { ...meta.labels };
  const annotations = { ...meta.annotations };
  const finalizers = [...(meta.finalizers ?? [])];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  const spec: CoreV1.PodSpec = template.spec ?? { containers: [] };
  const jobName = job.metadata?.name ?? '';
  let generateName = prefix(`${jobName}-`);
  if (index !== undefined) {
    annotations[COMPLETION_INDEX_KEY] = String(index);
    labels[COMPLETION_INDEX_KEY] = String(index);
    spec.hostname = `${jobName}-${index}`;
    generateName = prefix(`${jobName}-${index}-`);
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      if (container.env?.some((e) => e.name === COMPLETION_INDEX_ENV)) continue;
      container.env = [
        ...(container.env ?? []),
        {
          name: COMPLETION_INDEX_ENV,
          valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_KEY}']` } },
        },
      ];
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: job.metadata?.namespace ?? '',
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      finalizers,
      ownerReferences: [controllerReference(job)],
    },
    spec,
  };
}

/** A name prefix short enough to leave room for the random suffix. */
function prefix(text: string): string {
  return text.length <= MAX_PREFIX ? text : text.slice(0, MAX_PREFIX);
}
