import type { AppsV1 } from '../../client/index.js';
import { maxSurge } from './fenceposts.js';

/**
 * The annotations a Deployment keeps on its ReplicaSets, as kube's deployment util
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go).
 */
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';

/** How long `revision-history` may grow (kube's `maxRevHistoryLengthInChars`). */
const MAX_REVISION_HISTORY_CHARS = 2000;

/** Deployment annotations never copied to its ReplicaSets (the controller owns them). */
const NOT_COPIED = new Set([
  LAST_APPLIED,
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  DEPRECATED_ROLLBACK_TO,
]);

/** The revision a ReplicaSet carries (0 when none or malformed). */
export function revisionOf(rs: AppsV1.ReplicaSet | undefined): number {
  const value = rs?.metadata?.annotations?.[REVISION];
  if (value === undefined || !/^-?\d+$/.test(value)) return 0;
  return Number(value);
}

export function maxRevision(replicaSets: readonly AppsV1.ReplicaSet[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

function intAnnotation(rs: AppsV1.ReplicaSet, key: string): number | undefined {
  const value = rs.metadata?.annotations?.[key];
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : undefined;
}

export function desiredReplicasOf(rs: AppsV1.ReplicaSet): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS);
}

export function maxReplicasOf(rs: AppsV1.ReplicaSet): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS);
}

/**
 * Set `desired-replicas` and `max-replicas` on `rs` (which the caller owns); answers whether
 * anything changed (`SetReplicasAnnotations`).
 */
export function setReplicasAnnotations(rs: AppsV1.ReplicaSet, desired: number, max: number): boolean {
  const annotations = (rs.metadata!.annotations ??= {});
  let changed = false;
  if (annotations[DESIRED_REPLICAS] !== String(desired)) {
    annotations[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS] !== String(max)) {
    annotations[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: AppsV1.ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata?.annotations ?? {};
  return annotations[DESIRED_REPLICAS] !== String(desired) || annotations[MAX_REPLICAS] !== String(max);
}

/**
 * Copy the Deployment's annotations to its new ReplicaSet (`kubernetes.io/change-cause` among
 * them, which `kubectl rollout history` shows), raise the ReplicaSet's revision to `newRevision`
 * keeping the one it replaces in `revision-history` (a rollback), and, on a ReplicaSet about to be
 * created, set the replica annotations. `rs` is the caller's copy; answers whether it changed
 * (`SetNewReplicaSetAnnotations`).
 */
export function setNewReplicaSetAnnotations(
  deployment: AppsV1.Deployment,
  rs: AppsV1.ReplicaSet,
  newRevision: number,
  exists: boolean,
): boolean {
  const annotations = (rs.metadata!.annotations ??= {});
  let changed = false;
  for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
    if (NOT_COPIED.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  const oldText = annotations[REVISION];
  const hadRevision = oldText !== undefined;
  let oldRevision = 0;
  if (hadRevision) {
    if (!/^-?\d+$/.test(oldText)) return changed; // kube gives up on a malformed revision
    oldRevision = Number(oldText);
  }
  if (oldRevision < newRevision) {
    annotations[REVISION] = String(newRevision);
    changed = true;
    if (hadRevision && oldText !== '') recordRevisionHistory(annotations, oldText);
  }
  const replicas = deployment.spec?.replicas ?? 1;
  if (!exists && setReplicasAnnotations(rs, replicas, replicas + maxSurge(deployment))) changed = true;
  return changed;
}

function recordRevisionHistory(annotations: Record<string, string>, oldRevision: string): void {
  const history = annotations[REVISION_HISTORY] ?? '';
  if (history === '') {
    annotations[REVISION_HISTORY] = oldRevision;
    return;
  }
  const revisions = history.split(',');
  let length = history.length + oldRevision.length + 1;
  let start = 0;
  while (length > MAX_REVISION_HISTORY_CHARS && start < revisions.length) {
    length -= revisions[start]!.length + 1;
    start++;
  }
  if (length <= MAX_REVISION_HISTORY_CHARS) {
    annotations[REVISION_HISTORY] = [...revisions.slice(start), oldRevision].join(',');
  }
}
