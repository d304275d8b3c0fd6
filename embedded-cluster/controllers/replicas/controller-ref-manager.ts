import {
  controllerOf,
  controllerReference,
  isStatus,
  type KubeObjectLike,
  type ResourceClient,
} from '../../client/index.js';

/**
 * Adoption and release by ownerReference, as kube's `ControllerRefManager.ClaimObject`
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_ref_manager.go).
 *
 * Of the objects given, a controller claims those it already controls and still selects; it
 * releases (drops its ownerReference from) those it controls but no longer selects, and adopts
 * orphans it selects. It never touches objects another controller owns, adopts nothing while it is
 * being deleted, and checks with a fresh read that it is not being deleted before its first
 * adoption (the cache may be behind).
 */
export interface Claimer<T extends KubeObjectLike> {
  /** The controller doing the claiming (its uid, namespace and deletionTimestamp matter). */
  owner: KubeObjectLike;
  /** The object's client: adoption and release are strategic-merge patches of ownerReferences. */
  client: ResourceClient<T>;
  matches(object: T): boolean;
  /** A fresh read of the owner: adoption fails if it is gone, replaced, or being deleted. */
  getFreshOwner(): Promise<KubeObjectLike>;
}

/** The objects `claimer.owner` controls after adoption and release; throws the first error after trying all. */
export async function claimObjects<T extends KubeObjectLike>(
  objects: readonly T[],
  claimer: Claimer<T>,
): Promise<T[]> {
  const ownerMeta = claimer.owner.metadata ?? {};
  const ownerDeleting = Boolean(ownerMeta.deletionTimestamp);
  let adoptionCheck: Promise<void> | undefined;
  const canAdopt = () => (adoptionCheck ??= checkCanAdopt(claimer));
  const claimed: T[] = [];
  const errors: unknown[] = [];

  for (const object of objects) {
    const meta = object.metadata ?? {};
    const ref = controllerOf(object);
    if (ref) {
      if (ref.uid !== ownerMeta.uid) continue; // owned by someone else
      // Already ours: keep it while it matches, even while we are being deleted (no action needed).
      if (claimer.matches(object)) {
        claimed.push(object);
        continue;
      }
      if (ownerDeleting) continue;
      try {
        await release(claimer, object);
      } catch (error) {
        errors.push(error);
      }
      continue;
    }
    // An orphan.
    if (ownerDeleting || !claimer.matches(object)) continue;
    if (meta.deletionTimestamp) continue;
    if (ownerMeta.namespace && ownerMeta.namespace !== meta.namespace) continue;
    try {
      await canAdopt();
      const adopted = await claimer.client.patch(
        meta.name!,
        {
          metadata: {
            ownerReferences: [controllerReference(claimer.owner)],
            // A precondition: the patch fails if the object was replaced by another of that name.
            uid: meta.uid,
          },
        },
        { type: 'strategic', namespace: meta.namespace },
      );
      claimed.push(adopted);
    } catch (error) {
      if (!isStatus(error, 'NotFound')) errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
  return claimed;
}

async function checkCanAdopt<T extends KubeObjectLike>(claimer: Claimer<T>): Promise<void> {
  const expected = claimer.owner.metadata ?? {};
  const fresh = (await claimer.getFreshOwner()).metadata ?? {};
  const what = `${expected.namespace ?? ''}/${expected.name ?? ''}`;
  if (fresh.uid !== expected.uid) {
    throw new Error(`original ${what} is gone: got uid ${fresh.uid}, wanted ${expected.uid}`);
  }
  if (fresh.deletionTimestamp) {
    throw new Error(`${what} has just been deleted at ${fresh.deletionTimestamp}`);
  }
}

async function release<T extends KubeObjectLike>(claimer: Claimer<T>, object: T): Promise<void> {
  const meta = object.metadata ?? {};
  try {
    await claimer.client.patch(
      meta.name!,
      {
        metadata: {
          ownerReferences: [{ $patch: 'delete', uid: claimer.owner.metadata?.uid }],
          uid: meta.uid,
        },
      },
      { type: 'strategic', namespace: meta.namespace },
    );
  } catch (error) {
    // Gone, or replaced by another object of that name (Invalid/Conflict on the uid): nothing to release.
    if (isStatus(error, 'NotFound') || isStatus(error, 'Invalid') || isStatus(error, 'Conflict')) return;
    throw error;
  }
}
