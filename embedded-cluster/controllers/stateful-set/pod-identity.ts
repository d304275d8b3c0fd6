import { controllerReference, type AppsV1, type CoreV1 } from '../../client/index.js';
import { POD_REVISION_LABEL } from '../history/controller-history.js';

/**
 * The stable identity of a StatefulSet's pods: names `<set>-<ordinal>`, the labels that carry the
 * name and ordinal, hostname and subdomain for the governing Service, and one PersistentVolumeClaim
 * per claim template, `<template>-<set>-<ordinal>`, that outlives the pod. As
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/statefulset/stateful_set_utils.go
 */

/** `apps.StatefulSetPodNameLabel`. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** `apps.PodIndexLabel` (on by default since 1.28). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

type StatefulSet = AppsV1.StatefulSet;

/** The first ordinal (`spec.ordinals.start`, default 0). */
export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata?.name}-${ordinal}`;
}

/** The ordinal in a member's name, or -1 when the name is not `<set>-<number>`. */
export function ordinalOf(set: StatefulSet, pod: CoreV1.Pod): number {
  const name = pod.metadata?.name ?? '';
  const prefix = `${set.metadata?.name}-`;
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1;
}

export function claimName(set: StatefulSet, template: CoreV1.PersistentVolumeClaim, ordinal: number): string {
  return `${template.metadata?.name}-${set.metadata?.name}-${ordinal}`;
}

/**
 * The claims the pod at `ordinal` uses (`getPersistentVolumeClaims`), owned as the retention
 * policy says: with `whenDeleted: Delete` the StatefulSet owns them (the garbage collector removes
 * them with it); with the default `Retain` nothing does, so they survive the set.
 */
export function claimsFor(set: StatefulSet, ordinal: number): CoreV1.PersistentVolumeClaim[] {
  const meta = set.metadata ?? {};
  const deleteWithSet = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec?.volumeClaimTemplates ?? []).map((template) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(set, template, ordinal),
      namespace: meta.namespace,
      labels: { ...template.metadata?.labels, ...set.spec?.selector?.matchLabels },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(deleteWithSet
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'StatefulSet', name: meta.name ?? '', uid: meta.uid ?? '' },
            ],
          }
        : {}),
    },
    spec: { ...template.spec },
  }));
}

/** The pod's volumes with one per claim template pointing at its claim (`updateStorage`). */
function volumesFor(set: StatefulSet, ordinal: number, volumes: readonly CoreV1.Volume[]): CoreV1.Volume[] {
  const templates = set.spec?.volumeClaimTemplates ?? [];
  const claimed = new Set(templates.map((t) => t.metadata?.name));
  return [
    ...templates.map((template) => ({
      name: template.metadata?.name ?? '',
      persistentVolumeClaim: { claimName: claimName(set, template, ordinal) },
    })),
    ...volumes.filter((v) => !claimed.has(v.name)),
  ];
}

/** The identity labels of the pod at `ordinal`. */
export function identityLabels(set: StatefulSet, ordinal: number): Record<string, string> {
  return { [POD_NAME_LABEL]: podName(set, ordinal), [POD_INDEX_LABEL]: String(ordinal) };
}

/** Whether an existing pod's labels still carry its identity (`identityMatches`, for what may change). */
export function identityMatches(set: StatefulSet, pod: CoreV1.Pod): boolean {
  const ordinal = ordinalOf(set, pod);
  const labels = pod.metadata?.labels ?? {};
  return (
    ordinal >= 0 &&
    Object.entries(identityLabels(set, ordinal)).every(([key, value]) => labels[key] === value)
  );
}

/**
 * The pod at `ordinal`, from the template of `templateSet` (the set at the revision the pod
 * belongs to) and labelled with that revision's name (`newVersionedStatefulSetPod`).
 */
export function newStatefulSetPod(
  set: StatefulSet,
  templateSet: StatefulSet,
  ordinal: number,
  revisionName: string,
): CoreV1.Pod {
  const template = templateSet.spec?.template ?? {};
  const name = podName(set, ordinal);
  const serviceName = set.spec?.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata?.namespace,
      labels: {
        ...template.metadata?.labels,
        ...identityLabels(set, ordinal),
        [POD_REVISION_LABEL]: revisionName,
      },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [controllerReference(set)],
    },
    spec: {
      ...template.spec!,
      hostname: name,
      ...(serviceName ? { subdomain: serviceName } : {}),
      volumes: volumesFor(set, ordinal, template.spec?.volumes ?? []),
    },
  };
}
