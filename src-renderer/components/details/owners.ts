/**
 * Owner and owned objects: which ResourceType an owner reference (or an event's involved
 * object) points at, found in the cluster's discovery by apiVersion and kind, and where the
 * objects a workload owns live — the common controller chains (Deployment → ReplicaSets,
 * ReplicaSet/StatefulSet/DaemonSet/Job/ReplicationController → Pods, CronJob → Jobs), listed with
 * the owner's label selector when it has one, then kept only if an ownerReference names the
 * owner's uid (a selector can match pods of another controller; the uid cannot lie).
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { KubeObject, OwnerReference, ResourceType } from '../../kube/index.js';

/** A served type by its route parts; another version of the same group and resource will do. */
export function findType(
  types: readonly ResourceType[],
  group: string,
  version: string,
  resource: string,
): ResourceType | undefined {
  const same = types.filter((t) => t.group === group && t.resource === resource);
  return same.find((t) => t.version === version) ?? same[0];
}

/** The type an `apiVersion` + `kind` reference names, e.g. `apps/v1` `ReplicaSet`. */
export function typeForKind(
  types: readonly ResourceType[],
  apiVersion: string | undefined,
  kind: string | undefined,
): ResourceType | undefined {
  if (!kind) return undefined;
  const [group, version] = splitApiVersion(apiVersion ?? '');
  const same = types.filter((t) => t.kind === kind && t.group === group);
  return same.find((t) => t.version === version) ?? same[0];
}

/** `apps/v1` → [`apps`, `v1`]; `v1` → [``, `v1`]. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

export interface OwnerLink {
  ref: OwnerReference;
  /** Undefined when the cluster does not serve the owner's kind (nothing to link to). */
  type: ResourceType | undefined;
}

/** Each owner reference with the type to link it to. */
export function ownerLinks(object: KubeObject, types: readonly ResourceType[]): OwnerLink[] {
  return (object.metadata.ownerReferences ?? []).map((ref) => ({
    ref,
    type: typeForKind(types, ref.apiVersion, ref.kind),
  }));
}

/** Where to look for the objects an owner of this kind creates. */
const OWNED_KINDS: Record<string, { group: string; kind: string; useSelector: boolean }> = {
  Deployment: { group: 'apps', kind: 'ReplicaSet', useSelector: true },
  ReplicaSet: { group: '', kind: 'Pod', useSelector: true },
  StatefulSet: { group: '', kind: 'Pod', useSelector: true },
  DaemonSet: { group: '', kind: 'Pod', useSelector: true },
  ReplicationController: { group: '', kind: 'Pod', useSelector: true },
  Job: { group: '', kind: 'Pod', useSelector: true },
  // A CronJob has no selector: its Jobs carry whatever labels its template gives them.
  CronJob: { group: 'batch', kind: 'Job', useSelector: false },
};

export interface OwnedQuery {
  type: ResourceType;
  namespace: string | undefined;
  labelSelector: string | undefined;
}

/** Where the objects `owner` creates are listed, or undefined for kinds that own nothing known. */
export function ownedQuery(owner: KubeObject, types: readonly ResourceType[]): OwnedQuery | undefined {
  const rule = owner.kind ? OWNED_KINDS[owner.kind] : undefined;
  if (!rule) return undefined;
  const type = types.find((t) => t.group === rule.group && t.kind === rule.kind);
  if (!type) return undefined;
  const spec = owner.spec as { selector?: LabelSelector | Record<string, string> } | undefined;
  return {
    type,
    namespace: owner.metadata.namespace,
    labelSelector: rule.useSelector ? selectorString(spec?.selector) : undefined,
  };
}

/**
 * A label selector in the query syntax (`app=web,tier in (a,b),!canary`). A ReplicationController's
 * selector is a plain map; the others are `metav1.LabelSelector`. Undefined when it selects all.
 */
export function selectorString(
  selector: LabelSelector | Record<string, string> | undefined,
): string | undefined {
  if (!selector) return undefined;
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  const labels = (isLabelSelector ? (selector as LabelSelector).matchLabels : selector) as
    Record<string, string> | undefined;
  const parts = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of isLabelSelector ? ((selector as LabelSelector).matchExpressions ?? []) : []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : undefined;
}

/** The objects among `items` that name `uid` as an owner. */
export function ownedBy<T extends KubeObject>(items: readonly T[], uid: string | undefined): T[] {
  if (!uid) return [];
  return items.filter((item) => item.metadata.ownerReferences?.some((ref) => ref.uid === uid));
}
