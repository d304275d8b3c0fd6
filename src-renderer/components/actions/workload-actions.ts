/**
 * The object actions of the details toolbar (and of a table's selection): delete with a grace
 * period, scale, rollout restart and undo, cordon/uncordon. Each is one API call (undo: a read
 * and a patch) through `KubeApi`, so a failure is a `StatusError` with the server's message.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import {
  CORE_TYPES,
  resourcePath,
  type KubeApi,
  type KubeObject,
  type ResourceType,
  type Status,
} from '../../kube/index.js';
import { ownedBy, selectorString } from '../details/owners.js';
import { planUndo, restartPatch, type UndoPlan } from './rollout.js';

/** Kinds with a `scale` subresource the toolbar offers. */
export const SCALABLE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);
/** Kinds `kubectl rollout restart` accepts. */
export const RESTARTABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Which actions make sense for a type (a table's selection shows the same). */
export function actionsFor(type: Pick<ResourceType, 'kind' | 'group' | 'verbs' | 'subresources'>): {
  delete: boolean;
  scale: boolean;
  restart: boolean;
  undo: boolean;
  cordon: boolean;
  drain: boolean;
} {
  const builtin = type.group === '' || type.group === 'apps';
  return {
    delete: !type.verbs || type.verbs.includes('delete'),
    scale: builtin && SCALABLE_KINDS.has(type.kind),
    restart: type.group === 'apps' && RESTARTABLE_KINDS.has(type.kind),
    undo: type.group === 'apps' && type.kind === 'Deployment',
    cordon: type.group === '' && type.kind === 'Node',
    drain: type.group === '' && type.kind === 'Node',
  };
}

export function deleteObject(
  api: KubeApi,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  gracePeriodSeconds?: number,
): Promise<KubeObject | Status> {
  return api.delete(type, name, { namespace, gracePeriodSeconds });
}

/** `kubectl scale`: a merge patch of the `scale` subresource. */
export async function scale(
  api: KubeApi,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  replicas: number,
): Promise<void> {
  const path = resourcePath(type, { namespace, name, subresource: 'scale' });
  await api.raw(path, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/merge-patch+json', Accept: 'application/json' },
    body: JSON.stringify({ spec: { replicas } }),
  });
}

/** `kubectl rollout restart`. */
export async function restart(
  api: KubeApi,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  now = new Date(),
): Promise<void> {
  await api.patch(type, name, restartPatch(now), { type: 'strategic', namespace });
}

/** `kubectl rollout undo deployment/<name>`: resolves to what was done (a skip is not an error). */
export async function undo(
  api: KubeApi,
  deploymentType: ResourceType,
  replicaSetType: ResourceType,
  namespace: string,
  name: string,
): Promise<UndoPlan> {
  const deployment = (await api.get(deploymentType, name, { namespace })) as unknown as Deployment &
    KubeObject;
  const list = await api.list(replicaSetType, {
    namespace,
    labelSelector: selectorString(deployment.spec?.selector),
  });
  const owned = ownedBy(list.items, deployment.metadata.uid) as unknown as ReplicaSet[];
  const plan = planUndo(deployment, owned);
  if (plan.action === 'patch') await api.patch(deploymentType, name, plan.patch, { type: 'json', namespace });
  return plan;
}

/** `kubectl cordon` / `uncordon`: `spec.unschedulable` set, or removed. */
export async function cordon(api: KubeApi, node: string, unschedulable: boolean): Promise<void> {
  await api.patch(
    CORE_TYPES.nodes,
    node,
    { spec: { unschedulable: unschedulable ? true : null } },
    { type: 'merge' },
  );
}
