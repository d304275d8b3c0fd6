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
  renumberRevision,
  REVISION_HASH_LABEL,
  revisionName,
  revisionsToPrune,
  sortRevisions,
  templateOf,
  templatePatch,
  type ControllerRevision,
} from '../history/controller-history.js';
import { computeHash } from '../history/hash.js';

/**
 * A StatefulSet's ControllerRevisions (`getStatefulSetRevisions` and `truncateHistory` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/statefulset/stateful_set_control.go):
 * the update revision holds the set's template now; the current revision is the one
 * `status.currentRevision` names (the template the rollout started from). Pods carry the revision's
 * full name in `controller-revision-hash`.
 */

export interface StatefulSetRevisions {
  current: ControllerRevision;
  update: ControllerRevision;
  all: ControllerRevision[];
  collisionCount: number;
}

function newRevision(set: AppsV1.StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const data = templatePatch(set.spec?.template);
  const hash = computeHash(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(set.metadata?.name ?? '', hash),
      namespace: set.metadata?.namespace,
      labels: { ...set.spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      ownerReferences: [controllerReference(set)],
    },
    data,
    revision,
  };
}

export async function statefulSetRevisions(
  client: KubeClient,
  cached: readonly ControllerRevision[],
  set: AppsV1.StatefulSet,
): Promise<StatefulSetRevisions> {
  const api = client.resource(resources.controllerRevisions);
  const all = sortRevisions(ownedRevisions(cached, set));
  let collisionCount = set.status?.collisionCount ?? 0;
  const equal = all.filter((r) => holdsTemplate(r, set.spec?.template));
  const latest = all[all.length - 1];
  let update: ControllerRevision;
  if (equal.length > 0 && equal[equal.length - 1] === latest) {
    update = latest!;
  } else if (equal.length > 0) {
    // The template went back to an earlier one (a rollback): that revision becomes the newest.
    const renumbered = await renumberRevision(api, equal[equal.length - 1]!, nextRevision(all));
    all.splice(all.indexOf(equal[equal.length - 1]!), 1, renumbered);
    update = renumbered;
  } else {
    const made = await createRevision(
      api,
      (count) => newRevision(set, nextRevision(all), count),
      collisionCount,
    );
    update = made.revision;
    collisionCount = made.collisionCount;
    if (!all.some((r) => r.metadata?.name === update.metadata?.name)) all.push(update);
  }
  const current = all.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
  return { current, update, all: sortRevisions(all), collisionCount };
}

/** The set as it was at `revision`: its template put back (`ApplyRevision`). */
export function atRevision(set: AppsV1.StatefulSet, revision: ControllerRevision): AppsV1.StatefulSet {
  const template = templateOf(revision);
  return template ? { ...set, spec: { ...set.spec!, template } } : set;
}

/**
 * Delete the oldest revisions beyond `revisionHistoryLimit`, never the current or update revision
 * nor one a pod still runs.
 */
export async function truncateHistory(
  client: KubeClient,
  set: AppsV1.StatefulSet,
  revisions: StatefulSetRevisions,
  podRevisions: ReadonlySet<string>,
): Promise<void> {
  const live = new Set([
    ...podRevisions,
    revisions.current.metadata!.name!,
    revisions.update.metadata!.name!,
  ]);
  const history = revisions.all.filter((r) => !live.has(r.metadata?.name ?? ''));
  const api = client.resource(resources.controllerRevisions);
  for (const revision of revisionsToPrune(history, set.spec?.revisionHistoryLimit ?? 10, new Set())) {
    try {
      await api.delete(revision.metadata!.name!, { namespace: revision.metadata!.namespace! });
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
    }
  }
}
