import {
  controllerReference,
  isStatus,
  resources,
  type AppsV1,
  type KubeClient,
} from '../../client/index.js';
import {
  createRevision,
  holdsTemplate,
  nextRevision,
  ownedRevisions,
  POD_REVISION_LABEL,
  renumberRevision,
  revisionName,
  revisionsToPrune,
  sortRevisions,
  templatePatch,
  type ControllerRevision,
} from '../history/controller-history.js';
import { computeHash } from '../history/hash.js';

/**
 * A DaemonSet's ControllerRevisions (`constructHistory`, `snapshot` and `cleanupHistory` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/daemon/update.go): one per
 * distinct pod template, named `<ds>-<template hash>` and labelled with the hash its pods carry.
 * A template seen before (a rollback) gets its old revision renumbered as the newest rather than a
 * new one, which is what `kubectl rollout history` shows.
 */

export interface DaemonSetHistory {
  current: ControllerRevision;
  /** The pods' `controller-revision-hash` for the current template. */
  hash: string;
  old: ControllerRevision[];
  collisionCount: number;
}

function snapshot(ds: AppsV1.DaemonSet, revision: number, collisionCount: number): ControllerRevision {
  const hash = computeHash(ds.spec?.template ?? {}, collisionCount);
  const meta = ds.metadata ?? {};
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(meta.name ?? '', hash),
      namespace: meta.namespace,
      labels: { ...ds.spec?.template?.metadata?.labels, [POD_REVISION_LABEL]: hash },
      // Kubernetes copies the DaemonSet's annotations, so kubernetes.io/change-cause shows in
      // `kubectl rollout history`.
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [controllerReference(ds)],
    },
    data: templatePatch(ds.spec?.template),
    revision,
  };
}

/** Find or make the revision for the DaemonSet's template; the others are `old`. */
export async function constructHistory(
  client: KubeClient,
  all: readonly ControllerRevision[],
  ds: AppsV1.DaemonSet,
): Promise<DaemonSetHistory> {
  const revisions = client.resource(resources.controllerRevisions);
  const owned = sortRevisions(ownedRevisions(all, ds));
  const matching = owned.filter((r) => holdsTemplate(r, ds.spec?.template));
  let collisionCount = ds.status?.collisionCount ?? 0;
  let current: ControllerRevision;
  if (matching.length === 0) {
    const made = await createRevision(
      revisions,
      (count) => snapshot(ds, nextRevision(owned), count),
      collisionCount,
    );
    current = made.revision;
    collisionCount = made.collisionCount;
  } else {
    current = matching[matching.length - 1]!;
    const newest = nextRevision(owned) - 1;
    if ((current.revision ?? 0) < newest) current = await renumberRevision(revisions, current, newest + 1);
  }
  const name = current.metadata?.name;
  const hash =
    current.metadata?.labels?.[POD_REVISION_LABEL] ?? name?.slice((ds.metadata?.name ?? '').length + 1) ?? '';
  return { current, hash, old: owned.filter((r) => r.metadata?.name !== name), collisionCount };
}

/** Delete old revisions beyond `revisionHistoryLimit` that no pod still runs. */
export async function cleanupHistory(
  client: KubeClient,
  ds: AppsV1.DaemonSet,
  old: readonly ControllerRevision[],
  liveHashes: ReadonlySet<string>,
): Promise<void> {
  const limit = ds.spec?.revisionHistoryLimit ?? 10;
  if (old.length <= limit) return;
  const live = new Set(
    old
      .filter((r) => liveHashes.has(r.metadata?.labels?.[POD_REVISION_LABEL] ?? ''))
      .map((r) => r.metadata!.name!),
  );
  const revisions = client.resource(resources.controllerRevisions);
  for (const revision of revisionsToPrune(old, limit, live)) {
    try {
      await revisions.delete(revision.metadata!.name!, { namespace: revision.metadata!.namespace! });
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
    }
  }
}
