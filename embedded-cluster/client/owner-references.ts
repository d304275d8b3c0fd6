import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObjectLike } from './resources.js';

/** The ownerReference that marks `object`'s controller, if any (`metav1.GetControllerOf`). */
export function controllerOf(object: KubeObjectLike): OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** An ownerReference making `owner` the controller of what carries it (`metav1.NewControllerRef`). */
export function controllerReference(owner: KubeObjectLike): OwnerReference {
  const meta = owner.metadata ?? {};
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `object` is controlled by the object with this uid. */
export function isControlledBy(object: KubeObjectLike, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && controllerOf(object)?.uid === ownerUid;
}

/** Deletion has been asked for; the object waits for finalizers or a grace period. */
export function isBeingDeleted(object: KubeObjectLike): boolean {
  return Boolean(object.metadata?.deletionTimestamp);
}
