import {
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type StorageV1,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import {
  ANN,
  claimClass,
  claimHasNoClass,
  defaultStorageClass,
  findBestMatch,
  type NodeInfo,
} from './volumes/matching.js';
import { getIfExists, VolumeWrites } from './volumes/volume-writes.js';

/** Pods by the claims their volumes use (`namespace/claim`). */
const POD_CLAIM_INDEX = 'persistentVolumeClaims';
/** Claims by the volume they name in `spec.volumeName`. */
const CLAIM_VOLUME_INDEX = 'spec.volumeName';

/**
 * The PersistentVolume controller's binder: binds each claim to the smallest available volume that
 * satisfies it (or to the volume it names, or one pre-bound to it), writing both halves of the
 * binding — `pv.spec.claimRef`, `pvc.spec.volumeName`, the `pv.kubernetes.io/bind-completed` and
 * `bound-by-controller` annotations, the phases (Available, Bound, Released, Failed; Pending,
 * Bound, Lost) and the claim's capacity and access modes. With no fitting volume, a claim of a
 * class is handed to the class's provisioner (annotation `volume.kubernetes.io/storage-provisioner`,
 * event ExternalProvisioning), at once or, for `WaitForFirstConsumer`, once a pod using it is
 * scheduled. When a claim goes, its volume is Released and its reclaim policy applies: Retain
 * keeps it; Delete is left to the provisioner that made it.
 *
 * Two stand-ins for parts of Kubernetes Kubedesk does not have yet: claims created without a class
 * get the default class here (the API server's DefaultStorageClass admission plugin does it in
 * Kubernetes), and a WaitForFirstConsumer claim gets `volume.kubernetes.io/selected-node` here
 * once a pod using it has a node (the scheduler's volume binding does it, before binding the pod).
 *
 * Copies https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/volume/persistentvolume/pv_controller.go
 */
export class PersistentVolumeBinder implements Component {
  readonly name = 'persistentvolume-binder';
  private readonly claimQueue: WorkQueue<string>;
  private readonly volumeQueue: WorkQueue<string>;
  private readonly volumes: Informer<CoreV1.PersistentVolume>;
  private readonly claims: Informer<CoreV1.PersistentVolumeClaim>;
  private readonly classes: Informer<StorageV1.StorageClass>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly nodes: Informer<CoreV1.Node>;
  private readonly recorder: EventRecorder;
  private readonly writes: VolumeWrites;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.claimQueue = new WorkQueue({ clock: context.clock });
    this.volumeQueue = new WorkQueue({ clock: context.clock });
    this.recorder = recorderFor(context, 'persistentvolume-controller');
    this.writes = new VolumeWrites(context.client, () => context.clock.now());
    this.volumes = context.informers.for(resources.persistentVolumes);
    this.claims = context.informers.for(resources.persistentVolumeClaims);
    this.classes = context.informers.for(resources.storageClasses);
    this.pods = context.informers.for(resources.pods);
    this.nodes = context.informers.for(resources.nodes);
    this.pods.store.addIndex(POD_CLAIM_INDEX, (pod) =>
      (pod.spec?.volumes ?? []).flatMap((v) =>
        v.persistentVolumeClaim ? [`${pod.metadata?.namespace}/${v.persistentVolumeClaim.claimName}`] : [],
      ),
    );
    this.claims.store.addIndex(CLAIM_VOLUME_INDEX, (claim) =>
      claim.spec?.volumeName ? [claim.spec.volumeName] : [],
    );

    this.claims.addHandler({
      added: (claim) => this.claimQueue.add(objectKey(claim)),
      updated: (_old, claim) => this.claimQueue.add(objectKey(claim)),
      // The volume it was bound to is released.
      deleted: (claim) => {
        if (claim.spec?.volumeName) this.volumeQueue.add(claim.spec.volumeName);
      },
    });
    const volumeChanged = (volume: CoreV1.PersistentVolume) => {
      this.volumeQueue.add(volume.metadata!.name!);
      // Claims that name this volume, waiting for it to appear.
      for (const claim of this.claims.store.byIndex(CLAIM_VOLUME_INDEX, volume.metadata!.name!))
        this.claimQueue.add(objectKey(claim));
    };
    this.volumes.addHandler({
      added: volumeChanged,
      updated: (_old, volume) => volumeChanged(volume),
      deleted: volumeChanged,
    });
    // A new or changed class may be the default that unclassed claims wait for.
    const classChanged = () => {
      for (const claim of this.claims.store.list())
        if (!claim.spec?.volumeName) this.claimQueue.add(objectKey(claim));
    };
    this.classes.addHandler({ added: classChanged, updated: classChanged });
    // A pod using a claim that got a node: the claim has its first consumer.
    const podChanged = (old: CoreV1.Pod | undefined, pod: CoreV1.Pod) => {
      if (!pod.spec?.nodeName || old?.spec?.nodeName === pod.spec.nodeName) return;
      for (const volume of pod.spec.volumes ?? [])
        if (volume.persistentVolumeClaim)
          this.claimQueue.add(`${pod.metadata?.namespace}/${volume.persistentVolumeClaim.claimName}`);
    };
    this.pods.addHandler({ added: (pod) => podChanged(undefined, pod), updated: podChanged });
  }

  async start(): Promise<void> {
    const options = { workers: 1, logger: this.context.logger };
    this.running = Promise.all([
      runWorkers(`${this.name}-claims`, this.claimQueue, (key) => this.syncClaim(key), options),
      runWorkers(`${this.name}-volumes`, this.volumeQueue, (key) => this.syncVolume(key), options),
    ]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.claimQueue.shutDown();
    this.volumeQueue.shutDown();
    await this.running;
  }

  // Claims -----------------------------------------------------------------------------------

  private async syncClaim(key: string): Promise<void> {
    const claim = this.claims.store.get(key);
    if (!claim) return;
    if (claim.metadata?.annotations?.[ANN.bindCompleted] === undefined) await this.syncUnboundClaim(claim);
    else await this.syncBoundClaim(claim);
  }

  private async syncUnboundClaim(claim: CoreV1.PersistentVolumeClaim): Promise<void> {
    if (claim.spec?.volumeName) return this.syncClaimNamingVolume(claim, claim.spec.volumeName);
    const defaultClass = defaultStorageClass(this.classes.store.list());
    if (claimHasNoClass(claim) && defaultClass) {
      // Stand-in for the DefaultStorageClass admission plugin (and Kubernetes' retroactive default).
      await this.context.client.resource(resources.persistentVolumeClaims).update({
        ...claim,
        spec: { ...claim.spec, storageClassName: defaultClass.metadata!.name! },
      });
      return;
    }
    const className = claimClass(claim);
    const storageClass = className ? this.classes.store.get(className) : undefined;
    const delayBinding = storageClass?.volumeBindingMode === 'WaitForFirstConsumer';
    const selectedNode = claim.metadata?.annotations?.[ANN.selectedNode];
    const node = selectedNode ? this.nodeInfo(selectedNode) : undefined;
    const volume = findBestMatch(claim, this.volumes.store.list(), {
      delayBinding,
      ...(node ? { node } : {}),
    });
    if (volume) return this.bind(volume, claim);

    if (delayBinding && !node) {
      const consumer = this.consumerNode(claim);
      if (consumer) {
        const fits = findBestMatch(claim, this.volumes.store.list(), { node: this.nodeInfo(consumer) });
        if (fits) return this.bind(fits, claim);
        // Stand-in for the scheduler: ask for a volume on the consumer's node.
        await this.annotateClaim(claim, { [ANN.selectedNode]: consumer });
        return;
      }
      this.recorder.event(
        claim,
        'Normal',
        'WaitForFirstConsumer',
        'waiting for first consumer to be created before binding',
      );
      await this.writes.claimStatus(claim, 'Pending');
      return;
    }
    if (!className) {
      this.recorder.event(
        claim,
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
      );
      await this.writes.claimStatus(claim, 'Pending');
      return;
    }
    if (!storageClass) {
      this.recorder.event(
        claim,
        'Warning',
        'ProvisioningFailed',
        `storageclass.storage.k8s.io "${className}" not found`,
      );
      await this.writes.claimStatus(claim, 'Pending');
      return;
    }
    // Provisioning is the provisioner's; the controller names it on the claim and waits.
    const provisioner = storageClass.provisioner;
    const annotations = claim.metadata?.annotations ?? {};
    if (
      annotations[ANN.storageProvisioner] !== provisioner ||
      annotations[ANN.betaStorageProvisioner] !== provisioner
    ) {
      await this.annotateClaim(claim, {
        [ANN.storageProvisioner]: provisioner,
        [ANN.betaStorageProvisioner]: provisioner,
      });
    }
    this.recorder.event(
      claim,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by ` +
        'the system administrator. If volume creation is delayed, please verify that the provisioner is ' +
        'running and correctly registered.',
    );
  }

  /** The user asked for a volume by name (`spec.volumeName` without a completed binding). */
  private async syncClaimNamingVolume(
    claim: CoreV1.PersistentVolumeClaim,
    volumeName: string,
  ): Promise<void> {
    const volume = this.volumes.store.get(volumeName);
    if (!volume) {
      await this.writes.claimStatus(claim, 'Pending');
      return;
    }
    const ref = volume.spec?.claimRef;
    if (
      !ref ||
      (ref.namespace === claim.metadata?.namespace &&
        ref.name === claim.metadata?.name &&
        (!ref.uid || ref.uid === claim.metadata?.uid))
    )
      return this.bind(volume, claim);
    // The volume belongs to another claim; wait for it to be free.
    await this.writes.claimStatus(claim, 'Pending');
  }

  private async syncBoundClaim(claim: CoreV1.PersistentVolumeClaim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      return this.lost(
        claim,
        'ClaimLost',
        'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!',
      );
    }
    const volume =
      this.volumes.store.get(volumeName) ??
      (await getIfExists(this.context.client.resource(resources.persistentVolumes), volumeName));
    if (!volume) {
      return this.lost(
        claim,
        'ClaimLost',
        'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
      );
    }
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid === claim.metadata?.uid) return this.bind(volume, claim);
    return this.lost(
      claim,
      'ClaimMisbound',
      'Two claims are bound to the same volume, this one is bound incorrectly',
    );
  }

  private async lost(claim: CoreV1.PersistentVolumeClaim, reason: string, message: string): Promise<void> {
    if (claim.status?.phase === 'Lost') return;
    await this.writes.claimStatus(claim, 'Lost');
    this.recorder.event(claim, 'Warning', reason, message);
  }

  /** Write both halves of the binding, volume first (`bind`); a retry finishes a half-done one. */
  private async bind(volume: CoreV1.PersistentVolume, claim: CoreV1.PersistentVolumeClaim): Promise<void> {
    let bound = await this.writes.bindVolumeToClaim(volume, claim);
    bound = await this.writes.volumePhase(bound, 'Bound');
    const boundClaim = await this.writes.bindClaimToVolume(claim, bound);
    await this.writes.claimStatus(boundClaim, 'Bound', bound);
  }

  // Volumes ----------------------------------------------------------------------------------

  private async syncVolume(name: string): Promise<void> {
    const volume = this.volumes.store.get(name);
    if (!volume) return;
    const ref = volume.spec?.claimRef;
    if (!ref) {
      await this.writes.volumePhase(volume, 'Available');
      return;
    }
    if (!ref.uid) {
      // Pre-bound by the user to a claim by name: the claim's sync binds it.
      await this.writes.volumePhase(volume, 'Available');
      this.claimQueue.add(`${ref.namespace}/${ref.name}`);
      return;
    }
    let claim =
      this.claims.store.getByName(ref.namespace, ref.name!) ??
      (await getIfExists(
        this.context.client.resource(resources.persistentVolumeClaims),
        ref.name!,
        ref.namespace,
      ));
    // A claim of the same name but another uid is a new claim: the old one is gone.
    if (claim && claim.metadata?.uid !== ref.uid) claim = undefined;
    if (!claim) return this.release(volume);
    if (!claim.spec?.volumeName) {
      // Half-bound (for instance just provisioned for the claim): the claim's sync finishes it.
      this.claimQueue.add(objectKey(claim));
      return;
    }
    if (claim.spec.volumeName === name) {
      await this.writes.volumePhase(volume, 'Bound');
      return;
    }
    // The claim got bound to another volume.
    const annotations = volume.metadata?.annotations ?? {};
    if (annotations[ANN.provisionedBy] && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      return this.release(volume);
    }
    await this.writes.unbindVolume(volume);
  }

  /** The volume's claim is gone: Released, then its reclaim policy applies (`reclaimVolume`). */
  private async release(volume: CoreV1.PersistentVolume): Promise<void> {
    const phase = volume.status?.phase;
    if (phase !== 'Released' && phase !== 'Failed')
      volume = await this.writes.volumePhase(volume, 'Released');
    switch (volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain') {
      case 'Retain':
        return; // the data stays until an administrator deals with it
      case 'Delete':
        // A provisioner deletes the volumes it made; Kubedesk has no in-tree deleters for others.
        if (volume.metadata?.annotations?.[ANN.provisionedBy]) return;
        return this.fail(
          volume,
          'VolumeFailedDelete',
          `error getting deleter volume plugin for volume "${volume.metadata!.name}": no deletable volume plugin matched`,
        );
      default:
        return this.fail(
          volume,
          'VolumeFailedRecycle',
          'Recycle is deprecated and not supported by Kubedesk: use Retain or Delete',
        );
    }
  }

  private async fail(volume: CoreV1.PersistentVolume, reason: string, message: string): Promise<void> {
    if (volume.status?.phase === 'Failed') return;
    await this.writes.volumePhase(volume, 'Failed', message);
    this.recorder.event(volume, 'Warning', reason, message);
  }

  // Helpers ----------------------------------------------------------------------------------

  /** The node of the first scheduled, unfinished pod using the claim. */
  private consumerNode(claim: CoreV1.PersistentVolumeClaim): string | undefined {
    const pods = this.pods.store.byIndex(POD_CLAIM_INDEX, objectKey(claim));
    return pods.find(
      (pod) =>
        pod.spec?.nodeName &&
        !pod.metadata?.deletionTimestamp &&
        pod.status?.phase !== 'Succeeded' &&
        pod.status?.phase !== 'Failed',
    )?.spec?.nodeName;
  }

  private nodeInfo(name: string): NodeInfo {
    return { name, labels: this.nodes.store.get(name)?.metadata?.labels ?? {} };
  }

  private async annotateClaim(
    claim: CoreV1.PersistentVolumeClaim,
    add: Record<string, string>,
  ): Promise<void> {
    await this.context.client.resource(resources.persistentVolumeClaims).update({
      ...claim,
      metadata: { ...claim.metadata, annotations: { ...claim.metadata?.annotations, ...add } },
    });
  }
}
