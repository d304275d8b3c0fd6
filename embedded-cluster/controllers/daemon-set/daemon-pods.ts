import { controllerReference, type AppsV1, type CoreV1 } from '../../client/index.js';
import { POD_REVISION_LABEL } from '../history/controller-history.js';
import { pinToNode, withDaemonTolerations } from './node-eligibility.js';

/**
 * The pods of a DaemonSet: how one is made for a node, and what "updated", "ready" and "available"
 * mean for them (`util.CreatePodTemplate`, `podutil.IsPodAvailable`).
 */

/** The DaemonSet annotation counting template changes, mirrored on pods as a label. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
/** `apps.DaemonSetTemplateGenerationKey`: the pod label carrying the template generation. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/**
 * The template generation: the annotation the API server keeps (it counts template changes); the
 * object's generation when it is missing, which also grows with every template change.
 */
export function templateGeneration(ds: AppsV1.DaemonSet): string {
  return ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? String(ds.metadata?.generation ?? 1);
}

/**
 * A daemon pod for `nodeName`, placed there by the controller itself: `spec.nodeName` is set, so
 * the scheduler never sees it, and (as Kubernetes does since 1.12, when the scheduler took the
 * placing over) a required node affinity on `metadata.name` says the same.
 */
export function newDaemonPod(ds: AppsV1.DaemonSet, nodeName: string, hash: string): CoreV1.Pod {
  const template = ds.spec?.template ?? {};
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata?.name}-`,
      namespace: ds.metadata?.namespace,
      labels: {
        ...meta.labels,
        [POD_REVISION_LABEL]: hash,
        [TEMPLATE_GENERATION_LABEL]: templateGeneration(ds),
      },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [controllerReference(ds)],
    },
    spec: {
      ...template.spec!,
      nodeName,
      affinity: pinToNode(template.spec?.affinity, nodeName),
      tolerations: withDaemonTolerations(template.spec),
    },
  };
}

/** Whether the pod was made from the revision with this hash. */
export function isUpdated(pod: CoreV1.Pod, hash: string): boolean {
  return pod.metadata?.labels?.[POD_REVISION_LABEL] === hash;
}

export function isTerminating(pod: CoreV1.Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

export function isFailed(pod: CoreV1.Pod): boolean {
  return pod.status?.phase === 'Failed';
}

export function isReady(pod: CoreV1.Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * How long until the pod counts as available: 0 when it is (ready for `minReadySeconds`), the wait
 * when it is ready but not long enough, `undefined` when it is not ready at all.
 */
export function availableIn(pod: CoreV1.Pod, minReadySeconds: number, now: number): number | undefined {
  if (!isReady(pod)) return undefined;
  if (minReadySeconds <= 0) return 0;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const since = ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : now;
  return Math.max(0, since + minReadySeconds * 1000 - now);
}

/** Oldest first, as `podByCreationTimestampAndPhase` (name breaks ties). */
export function oldestFirst(pods: readonly CoreV1.Pod[]): CoreV1.Pod[] {
  return [...pods].sort(
    (a, b) =>
      (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') ||
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
}
