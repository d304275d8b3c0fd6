import {
  isStatus,
  resources,
  type CoreV1,
  type KubeClient,
  type KubeObjectLike,
  type ResourceClient,
} from '../../client/index.js';
import { ANN, isVolumeBoundToClaim } from './matching.js';

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The writes that bind a claim and a volume, each a no-op when the object already says so
 * (`bindVolumeToClaim`, `bindClaimToVolume`, `updateVolumePhase`, `updateClaimStatus` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/volume/persistentvolume/pv_controller.go).
 * Each takes the object as last read and answers it as written, so a stale read fails with 409
 * Conflict instead of overwriting someone else's change.
 */
export class VolumeWrites {
  constructor(
    private readonly client: KubeClient,
    private readonly now: () => number,
  ) {}

  /** Point the volume's claimRef at the claim (with its uid). */
  async bindVolumeToClaim(
    volume: CoreV1.PersistentVolume,
    claim: CoreV1.PersistentVolumeClaim,
  ): Promise<CoreV1.PersistentVolume> {
    const meta = claim.metadata!;
    const ref = volume.spec?.claimRef;
    if (ref && ref.uid === meta.uid && ref.name === meta.name && ref.namespace === meta.namespace)
      return volume;
    // The controller chose this volume (rather than finishing a binding the user or a provisioner started).
    const byController = !isVolumeBoundToClaim(volume, claim);
    const annotations = { ...volume.metadata?.annotations };
    if (byController) annotations[ANN.boundByController] = 'yes';
    return this.client.resource(resources.persistentVolumes).update({
      ...volume,
      metadata: { ...volume.metadata, annotations },
      spec: {
        ...volume.spec,
        claimRef: {
          kind: 'PersistentVolumeClaim',
          apiVersion: 'v1',
          namespace: meta.namespace!,
          name: meta.name!,
          uid: meta.uid!,
          resourceVersion: meta.resourceVersion!,
        },
      },
    });
  }

  /** Give the claim the volume's name and mark its binding complete. */
  async bindClaimToVolume(
    claim: CoreV1.PersistentVolumeClaim,
    volume: CoreV1.PersistentVolume,
  ): Promise<CoreV1.PersistentVolumeClaim> {
    const name = volume.metadata!.name!;
    const annotations = { ...claim.metadata?.annotations };
    let dirty = false;
    if (claim.spec?.volumeName !== name) {
      // The user did not name the volume: the controller picked it.
      if (!claim.spec?.volumeName) annotations[ANN.boundByController] = 'yes';
      dirty = true;
    }
    if (annotations[ANN.bindCompleted] !== 'yes') {
      annotations[ANN.bindCompleted] = 'yes';
      dirty = true;
    }
    if (!dirty) return claim;
    return this.client.resource(resources.persistentVolumeClaims).update({
      ...claim,
      metadata: { ...claim.metadata, annotations },
      spec: { ...claim.spec, volumeName: name },
    });
  }

  /** Set the volume's phase (and message), stamping `lastPhaseTransitionTime` on a change. */
  async volumePhase(
    volume: CoreV1.PersistentVolume,
    phase: string,
    message?: string,
  ): Promise<CoreV1.PersistentVolume> {
    const status = volume.status ?? {};
    if (status.phase === phase && (status.message ?? '') === (message ?? '')) return volume;
    const { message: _old, ...rest } = status;
    return this.client.resource(resources.persistentVolumes).updateStatus({
      ...volume,
      status: {
        ...rest,
        phase,
        ...(message ? { message } : {}),
        ...(status.phase !== phase ? { lastPhaseTransitionTime: rfc3339(this.now()) } : {}),
      },
    });
  }

  /** Set the claim's phase, with the bound volume's access modes and capacity (or none). */
  async claimStatus(
    claim: CoreV1.PersistentVolumeClaim,
    phase: string,
    volume?: CoreV1.PersistentVolume,
  ): Promise<CoreV1.PersistentVolumeClaim> {
    const status = claim.status ?? {};
    const accessModes = volume?.spec?.accessModes;
    const capacity = volume?.spec?.capacity;
    if (
      status.phase === phase &&
      JSON.stringify(status.accessModes) === JSON.stringify(accessModes) &&
      status.capacity?.storage === capacity?.storage
    )
      return claim;
    const { accessModes: _modes, capacity: _capacity, ...rest } = status;
    return this.client.resource(resources.persistentVolumeClaims).updateStatus({
      ...claim,
      status: { ...rest, phase, ...(accessModes ? { accessModes } : {}), ...(capacity ? { capacity } : {}) },
    });
  }

  /** Release the volume from a claim the controller had given it (`unbindVolume`). */
  async unbindVolume(volume: CoreV1.PersistentVolume): Promise<CoreV1.PersistentVolume> {
    const annotations = { ...volume.metadata?.annotations };
    const byController = annotations[ANN.boundByController] !== undefined;
    delete annotations[ANN.boundByController];
    const spec = { ...volume.spec };
    // A claimRef the user wrote stays (without the uid): the volume remains reserved for that name.
    if (byController) delete spec.claimRef;
    else if (spec.claimRef) spec.claimRef = { ...spec.claimRef, uid: '' };
    const updated = await this.client
      .resource(resources.persistentVolumes)
      .update({ ...volume, metadata: { ...volume.metadata, annotations }, spec });
    return this.volumePhase(updated, 'Available');
  }
}

/**
 * The object from the API server, or undefined when it does not exist. The cache may be behind an
 * object just written: ask before concluding that a claim or volume is gone.
 */
export async function getIfExists<T extends KubeObjectLike>(
  client: ResourceClient<T>,
  name: string,
  namespace?: string,
): Promise<T | undefined> {
  try {
    return await client.get(name, namespace);
  } catch (error) {
    if (isStatus(error, 'NotFound')) return undefined;
    throw error;
  }
}
