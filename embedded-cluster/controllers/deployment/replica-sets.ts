import type { AppsV1, CoreV1 } from '../../client/index.js';
import { desiredReplicasOf, maxReplicasOf, revisionOf } from './annotations.js';
import { maxSurge } from './fenceposts.js';
import { canonicalJson, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';

/**
 * How a Deployment sees its ReplicaSets: which is new, which are old, how many replicas they hold,
 * and how they sort — kube's deployment util
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go).
 */

type RS = AppsV1.ReplicaSet;

export const specReplicas = (rs: RS | undefined): number => rs?.spec?.replicas ?? 0;

/** Sum of `spec.replicas`. */
export const replicaCount = (sets: readonly (RS | undefined)[]) =>
  sets.reduce((n, rs) => n + specReplicas(rs), 0);
/** Sum of `status.replicas`. */
export const actualReplicaCount = (sets: readonly (RS | undefined)[]) =>
  sets.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicaCount = (sets: readonly (RS | undefined)[]) =>
  sets.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicaCount = (sets: readonly (RS | undefined)[]) =>
  sets.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/** ReplicaSets that want pods. */
export const activeReplicaSets = (sets: readonly (RS | undefined)[]): RS[] =>
  sets.filter((rs): rs is RS => rs !== undefined && specReplicas(rs) > 0);

function created(rs: RS): number {
  const at = Date.parse(rs.metadata?.creationTimestamp ?? '');
  return Number.isNaN(at) ? 0 : at;
}

/** Oldest first; ties by name (`ReplicaSetsByCreationTimestamp`). */
export function byCreation(a: RS, b: RS): number {
  const diff = created(a) - created(b);
  if (diff !== 0) return diff;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Largest first, then older first (`ReplicaSetsBySizeOlder`). */
export const bySizeOlder = (a: RS, b: RS) => specReplicas(b) - specReplicas(a) || byCreation(a, b);
/** Largest first, then newer first (`ReplicaSetsBySizeNewer`). */
export const bySizeNewer = (a: RS, b: RS) => specReplicas(b) - specReplicas(a) || byCreation(b, a);
/** Lowest revision first, then older first (`ReplicaSetsByRevision`). */
export const byRevision = (a: RS, b: RS) => revisionOf(a) - revisionOf(b) || byCreation(a, b);

/**
 * Whether two pod templates are the same apart from the pod-template-hash label
 * (`EqualIgnoreHash`). Empty and missing lists and maps count as equal, as in
 * `apiequality.Semantic.DeepEqual`.
 */
export function equalIgnoreHash(
  a: CoreV1.PodTemplateSpec | undefined,
  b: CoreV1.PodTemplateSpec | undefined,
): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

function withoutHash(template: CoreV1.PodTemplateSpec | undefined): unknown {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return pruneEmpty(copy);
}

function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(pruneEmpty);
  if (value === null) return undefined;
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const pruned = pruneEmpty(item);
    if (pruned !== undefined) out[key] = pruned;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The oldest ReplicaSet whose template is the Deployment's (`FindNewReplicaSet`). */
export function findNewReplicaSet(deployment: AppsV1.Deployment, sets: readonly RS[]): RS | undefined {
  return [...sets]
    .sort(byCreation)
    .find((rs) => equalIgnoreHash(rs.spec?.template, deployment.spec?.template));
}

/** Every ReplicaSet but the new one (`FindOldReplicaSets`'s second answer). */
export function findOldReplicaSets(deployment: AppsV1.Deployment, sets: readonly RS[]): RS[] {
  const newRS = findNewReplicaSet(deployment, sets);
  return sets.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
}

/**
 * The one active ReplicaSet, or the newest one when none is active; undefined when several are
 * active (a rollout is under way) (`FindActiveOrLatest`).
 */
export function findActiveOrLatest(newRS: RS | undefined, oldRSs: readonly RS[]): RS | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet runs every replica and all are available (`IsSaturated`). */
export function isSaturated(deployment: AppsV1.Deployment, rs: RS | undefined): boolean {
  if (!rs) return false;
  const replicas = deployment.spec?.replicas ?? 1;
  return (
    specReplicas(rs) === replicas &&
    desiredReplicasOf(rs) === replicas &&
    (rs.status?.availableReplicas ?? 0) === replicas
  );
}

/**
 * How many replicas the new ReplicaSet should have now (`NewRSNewReplicas`): for a rolling update,
 * as many as `maxSurge` leaves room for; for Recreate, all of them.
 */
export function newReplicaSetReplicas(
  deployment: AppsV1.Deployment,
  all: readonly (RS | undefined)[],
  newRS: RS,
): number {
  const replicas = deployment.spec?.replicas ?? 1;
  if (deployment.spec?.strategy?.type === 'Recreate') return replicas;
  const current = replicaCount(all);
  const maxTotal = replicas + maxSurge(deployment);
  if (current >= maxTotal) return specReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS));
  return specReplicas(newRS) + scaleUp;
}

/**
 * The share of a proportional scale that falls to `rs`: its size relative to the Deployment's size
 * when it was last scaled (its `max-replicas` annotation) (`getReplicaSetFraction`).
 */
export function replicaSetFraction(rs: RS, deployment: AppsV1.Deployment): number {
  const replicas = deployment.spec?.replicas ?? 1;
  if (replicas === 0) return -specReplicas(rs);
  const deploymentReplicas = replicas + maxSurge(deployment);
  const annotated = maxReplicasOf(rs) ?? deployment.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  const size = (specReplicas(rs) * deploymentReplicas) / annotated;
  return roundHalfAwayFromZero(size) - specReplicas(rs);
}

function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}
