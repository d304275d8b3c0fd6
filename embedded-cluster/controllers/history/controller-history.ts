import {
  isStatus,
  type AppsV1,
  type CoreV1,
  type KubeObjectLike,
  type ResourceClient,
} from '../../client/index.js';
import { canonicalJson, sortKeys } from './hash.js';

/**
 * ControllerRevision helpers shared by the DaemonSet and StatefulSet controllers: the history of a
 * workload's pod templates, as `pkg/controller/history` keeps it
 * (https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/history/controller_history.go).
 *
 * A revision's `data` is a strategic merge patch that puts its template back:
 * `{"spec":{"template":{…,"$patch":"replace"}}}`. kubectl's `rollout history --revision` and
 * `rollout undo` apply that patch, so the shape is part of the contract with kubectl.
 */

/** The label on pods (and DaemonSet revisions) naming the revision a pod was made from. */
export const POD_REVISION_LABEL = 'controller-revision-hash';
/** The label on StatefulSet revisions carrying their data's hash (`history.ControllerRevisionHashLabel`). */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

export type ControllerRevision = AppsV1.ControllerRevision;
export type PodTemplate = CoreV1.PodTemplateSpec;

/** `history.ControllerRevisionName`: `<prefix>-<hash>`, the prefix cut to keep the name within 253 bytes. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, 223)}-${hash}`;
}

/**
 * The revision data that restores `template` (the owners' `getPatch`), keys sorted as kubectl
 * marshals the patch it compares with.
 */
export function templatePatch(template: PodTemplate | undefined): Record<string, unknown> {
  return sortKeys({ spec: { template: { ...(template ?? {}), $patch: 'replace' } } }) as Record<
    string,
    unknown
  >;
}

/** The pod template a revision holds, without the patch directive. */
export function templateOf(revision: ControllerRevision): PodTemplate | undefined {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = data?.spec?.template;
  if (!template || typeof template !== 'object') return undefined;
  const { $patch: _directive, ...rest } = template;
  return rest as PodTemplate;
}

/** Whether `revision` holds exactly `template` (`history.EqualRevision`, by content). */
export function holdsTemplate(revision: ControllerRevision, template: PodTemplate | undefined): boolean {
  return canonicalJson(templateOf(revision) ?? {}) === canonicalJson(template ?? {});
}

/** Revisions oldest first: by number, then creation time, then name (`SortControllerRevisions`). */
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort(
    (a, b) =>
      (a.revision ?? 0) - (b.revision ?? 0) ||
      (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') ||
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
}

/** The number the next revision gets: one past the highest (1 for the first). */
export function nextRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision ?? 0), 0) + 1;
}

/** The revisions `owner` controls, from a cache of all revisions. */
export function ownedRevisions(
  all: readonly ControllerRevision[],
  owner: KubeObjectLike,
): ControllerRevision[] {
  const uid = owner.metadata?.uid;
  return all.filter(
    (r) =>
      r.metadata?.namespace === owner.metadata?.namespace &&
      r.metadata?.ownerReferences?.some((ref) => ref.controller && ref.uid === uid),
  );
}

/**
 * Which revisions to delete so that at most `limit` of `candidates` remain: the oldest ones not in
 * `keep` (revisions still in use by pods, or current). `candidates` must be sorted oldest first.
 */
export function revisionsToPrune(
  candidates: readonly ControllerRevision[],
  limit: number,
  keep: ReadonlySet<string>,
): ControllerRevision[] {
  let excess = candidates.length - Math.max(0, limit);
  const out: ControllerRevision[] = [];
  for (const revision of candidates) {
    if (excess <= 0) break;
    if (keep.has(revision.metadata?.name ?? '')) continue;
    out.push(revision);
    excess--;
  }
  return out;
}

/**
 * Create a revision, renaming it on a name clash with different data (`CreateControllerRevision`):
 * `build(collisionCount)` makes the revision for a collision count; a clash with a revision holding
 * the same data is no clash (our cache was behind) and answers the existing one. Answers the
 * revision and the collision count that named it, which the owner records in its status.
 */
export async function createRevision(
  client: ResourceClient<ControllerRevision>,
  build: (collisionCount: number) => ControllerRevision,
  collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  for (let attempt = 0; attempt < 10; attempt++, collisionCount++) {
    const revision = build(collisionCount);
    try {
      return { revision: await client.create(revision), collisionCount };
    } catch (error) {
      if (!isStatus(error, 'AlreadyExists')) throw error;
      const existing = await client.get(revision.metadata!.name!, revision.metadata!.namespace);
      if (canonicalJson(existing.data) === canonicalJson(revision.data)) {
        return { revision: existing, collisionCount };
      }
    }
  }
  throw new Error('could not find a free ControllerRevision name after 10 collisions');
}

/** Give `revision` a new number (kept when a rollback makes an old template current again). */
export async function renumberRevision(
  client: ResourceClient<ControllerRevision>,
  revision: ControllerRevision,
  number: number,
): Promise<ControllerRevision> {
  if (revision.revision === number) return revision;
  return client.patch(
    revision.metadata!.name!,
    { revision: number },
    { namespace: revision.metadata!.namespace! },
  );
}
