import { nodeSelectorMatches } from '../../api/scheduling/index.js';
import type { CoreV1, StorageV1 } from '../../client/index.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { compareQuantities, tryParseQuantity, type Quantity } from '../../api/validation/quantity.js';

/**
 * How claims find volumes, as the PersistentVolume controller matches them (`FindMatchingVolume`
 * and `findBestMatchForClaim` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/volume/persistentvolume/util/util.go
 * and index.go), plus the annotations both sides of a binding carry.
 */
export const ANN = {
  /** On a claim: the controller finished binding it (`pv.kubernetes.io/bind-completed: "yes"`). */
  bindCompleted: 'pv.kubernetes.io/bind-completed',
  /** On either side: the controller, not the user, made this half of the binding. */
  boundByController: 'pv.kubernetes.io/bound-by-controller',
  /** On a volume: the provisioner that created it. */
  provisionedBy: 'pv.kubernetes.io/provisioned-by',
  /** On a claim: which provisioner is asked to make its volume. */
  storageProvisioner: 'volume.kubernetes.io/storage-provisioner',
  betaStorageProvisioner: 'volume.beta.kubernetes.io/storage-provisioner',
  /** On a claim: the node its first consumer was scheduled to (WaitForFirstConsumer). */
  selectedNode: 'volume.kubernetes.io/selected-node',
  /** The class, before `storageClassName` existed. */
  betaStorageClass: 'volume.beta.kubernetes.io/storage-class',
  /** On a StorageClass: claims without a class get this one. */
  defaultClass: 'storageclass.kubernetes.io/is-default-class',
  betaDefaultClass: 'storageclass.beta.kubernetes.io/is-default-class',
} as const;

/** A claim's class: `spec.storageClassName`, else the beta annotation, else "" (`GetPersistentVolumeClaimClass`). */
export function claimClass(claim: CoreV1.PersistentVolumeClaim): string {
  return claim.metadata?.annotations?.[ANN.betaStorageClass] ?? claim.spec?.storageClassName ?? '';
}

/** A volume's class (`GetPersistentVolumeClass`). */
export function volumeClass(volume: CoreV1.PersistentVolume): string {
  return volume.metadata?.annotations?.[ANN.betaStorageClass] ?? volume.spec?.storageClassName ?? '';
}

/** Whether the claim asked for no class at all (nil, not ""): the default class may be given to it. */
export function claimHasNoClass(claim: CoreV1.PersistentVolumeClaim): boolean {
  return (
    (claim.spec?.storageClassName === undefined || claim.spec.storageClassName === null) &&
    claim.metadata?.annotations?.[ANN.betaStorageClass] === undefined
  );
}

/** The default StorageClass: of several, the newest (then the first by name), as Kubernetes picks. */
export function defaultStorageClass(
  classes: readonly StorageV1.StorageClass[],
): StorageV1.StorageClass | undefined {
  const defaults = classes.filter(
    (c) =>
      c.metadata?.annotations?.[ANN.defaultClass] === 'true' ||
      c.metadata?.annotations?.[ANN.betaDefaultClass] === 'true',
  );
  defaults.sort(
    (a, b) =>
      (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? '') ||
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  return defaults[0];
}

/** Whether the volume's claimRef names this claim (and its uid, once set) (`IsVolumeBoundToClaim`). */
export function isVolumeBoundToClaim(
  volume: CoreV1.PersistentVolume,
  claim: CoreV1.PersistentVolumeClaim,
): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

function storageOf(list: Record<string, unknown> | undefined): Quantity | undefined {
  return tryParseQuantity(list?.storage);
}

/** Whether the volume offers every access mode the claim asks for. */
export function hasAccessModes(
  volume: CoreV1.PersistentVolume,
  claim: CoreV1.PersistentVolumeClaim,
): boolean {
  const offered = new Set(volume.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((mode) => offered.has(mode));
}

/** A node as volume node affinity sees it: its name and labels. */
export interface NodeInfo {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * Whether the node satisfies the volume's node affinity (`CheckNodeAffinity`): any one term, each
 * of whose requirements holds. A volume without node affinity fits every node.
 */
export function nodeAffinityMatches(volume: CoreV1.PersistentVolume, node: NodeInfo): boolean {
  const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms || nodeSelectorMatches(terms, node);
}

/**
 * The volume a claim should be bound to: one already pre-bound to it, or else the smallest
 * Available volume of the claim's class, volume mode and label selector that offers its access
 * modes (the fewest-modes volumes first) and at least the storage it requests. With `node` (the
 * node the claim's first consumer runs on), the volume must also fit that node; with
 * `delayBinding` and no node, only a pre-bound volume is taken (`findBestMatchForClaim`).
 */
export function findBestMatch(
  claim: CoreV1.PersistentVolumeClaim,
  volumes: readonly CoreV1.PersistentVolume[],
  options: { node?: NodeInfo; delayBinding?: boolean } = {},
): CoreV1.PersistentVolume | undefined {
  const requested = storageOf(claim.spec?.resources?.requests);
  const wantedClass = claimClass(claim);
  const wantedMode = claim.spec?.volumeMode ?? 'Filesystem';
  const selector = claim.spec?.selector ? labelSelectorFromObject(claim.spec.selector) : undefined;
  let best: { volume: CoreV1.PersistentVolume; modes: number; size: Quantity } | undefined;
  for (const volume of volumes) {
    if ((volume.spec?.volumeMode ?? 'Filesystem') !== wantedMode) continue;
    if (volume.spec?.claimRef && !isVolumeBoundToClaim(volume, claim)) continue;
    const size = storageOf(volume.spec?.capacity);
    if (!size || (requested && compareQuantities(size, requested) < 0)) continue;
    if (volume.metadata?.deletionTimestamp) continue;
    const fitsNode = !options.node || nodeAffinityMatches(volume, options.node);
    if (isVolumeBoundToClaim(volume, claim)) return fitsNode ? volume : undefined;
    if (!options.node && options.delayBinding) continue;
    if (volume.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(volume.metadata?.labels)) continue;
    if (volumeClass(volume) !== wantedClass) continue;
    if (!fitsNode || !hasAccessModes(volume, claim)) continue;
    const modes = volume.spec?.accessModes?.length ?? 0;
    if (!best || modes < best.modes || (modes === best.modes && compareQuantities(size, best.size) < 0)) {
      best = { volume, modes, size };
    }
  }
  return best?.volume;
}
