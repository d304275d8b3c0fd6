/**
 * Rollout restart and undo, computed as kubectl computes them.
 *
 * - Restart (`kubectl rollout restart`, k8s.io/kubectl/pkg/polymorphichelpers/objectrestarter.go):
 *   a strategic-merge patch that stamps `kubectl.kubernetes.io/restartedAt` on the pod template,
 *   so the controller sees a new template and rolls every pod.
 * - Undo (`kubectl rollout undo`, k8s.io/kubectl/pkg/polymorphichelpers/rollback.go,
 *   DeploymentRollbacker): among the Deployment's ReplicaSets, take the one with the second
 *   highest `deployment.kubernetes.io/revision`; refuse a paused Deployment; skip when its
 *   template already equals the Deployment's (ignoring `pod-template-hash`); otherwise a JSON
 *   patch replaces `spec.template` with the ReplicaSet's (hash label removed) and
 *   `metadata.annotations` with the ReplicaSet's, except the revision bookkeeping annotations,
 *   which keep the Deployment's values.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
export const REVISION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

/** Annotations the Deployment keeps when rolled back (rollback.go's annotationsToSkip). */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deprecated.deployment.rollback.to',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
]);

/** The restart patch for Deployments, StatefulSets and DaemonSets; `now` as kubectl formats it (RFC 3339). */
export function restartPatch(now: Date): object {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: stamp } } } } };
}

export type JsonPatchOp = { op: 'replace'; path: string; value: unknown };

export type UndoPlan =
  | { action: 'patch'; patch: JsonPatchOp[]; replicaSet: string; revision: number }
  | { action: 'skip'; message: string };

/** An error a user can act on (no history, paused): shown as is. */
export class UndoError extends Error {
  override readonly name = 'UndoError';
}

/**
 * What `kubectl rollout undo deployment/<name>` would do, given the Deployment and its
 * ReplicaSets (the caller passes only those the Deployment owns).
 */
export function planUndo(deployment: Deployment, replicaSets: readonly ReplicaSet[]): UndoPlan {
  const name = deployment.metadata?.name ?? '';
  let latest: { rs: ReplicaSet; revision: number } | undefined;
  let previous: { rs: ReplicaSet; revision: number } | undefined;
  for (const rs of replicaSets) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    if (!latest || revision > latest.revision) {
      previous = latest;
      latest = { rs, revision };
    } else if (!previous || revision > previous.revision) {
      previous = { rs, revision };
    }
  }
  if (!previous) throw new UndoError(`no rollout history found for deployment "${name}"`);
  if (deployment.spec?.paused) {
    throw new UndoError(`you cannot rollback a paused deployment; resume it first and try again`);
  }
  const target = previous.rs;
  const rsName = target.metadata?.name ?? '';
  const template = withoutHash(target.spec?.template ?? {});
  if (equalJson(template, withoutHash(deployment.spec?.template ?? {}))) {
    return {
      action: 'skip',
      message: `skipped rollback (current template already matches revision ${previous.revision}, replicaset ${rsName})`,
    };
  }
  const annotations: Record<string, string> = {};
  const current = deployment.metadata?.annotations ?? {};
  for (const key of ANNOTATIONS_TO_SKIP) {
    if (key in current) annotations[key] = current[key]!;
  }
  for (const [key, value] of Object.entries(target.metadata?.annotations ?? {})) {
    if (!ANNOTATIONS_TO_SKIP.has(key)) annotations[key] = value;
  }
  return {
    action: 'patch',
    replicaSet: rsName,
    revision: previous.revision,
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}

/** The ReplicaSet's revision; a ReplicaSet without the annotation counts as revision 0, as in kubectl. */
export function revisionOf(rs: ReplicaSet): number | undefined {
  const text = rs.metadata?.annotations?.[REVISION];
  if (text === undefined) return 0;
  const n = Number(text);
  return Number.isInteger(n) ? n : undefined;
}

function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[HASH_LABEL];
  }
  return copy;
}

/** Deep equality of JSON values, key order ignored (semantic DeepEqual for what the API returns). */
function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => equalJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
