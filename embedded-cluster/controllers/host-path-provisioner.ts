import { chmod, mkdir, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import {
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type ReconcileResult,
  type StorageV1,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import { ANN, claimClass } from './volumes/matching.js';

/** The provisioner's name, as StorageClasses and volumes name it. */
export const HOST_PATH_PROVISIONER = 'kubedesk.dev/hostpath';

/** The StorageClass made at start when absent: the cluster's default, as kind's `standard`. */
export const DEFAULT_STORAGE_CLASS: StorageV1.StorageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { [ANN.defaultClass]: 'true' } },
  provisioner: HOST_PATH_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

/** The work queue key of the default class (volume names cannot contain a colon, claim keys do not start with one). */
const CLASS_KEY = ':default-storage-class';

/**
 * The hostPath provisioner: makes a volume for each claim the PersistentVolume controller hands to
 * `kubedesk.dev/hostpath` — a directory `<dataDir>/volumes/pvc-<uid>` (mode 0777, so containers
 * running as any user can write) and a PersistentVolume `pvc-<uid>` pointing at it, pinned to the
 * claim's node and pre-bound to the claim — and removes both when such a volume is Released
 * under the Delete policy. It also creates the default StorageClass `standard` at start when
 * there is none of that name (an edited one is left alone).
 *
 * Shaped like the local-path provisioners of kind and k3s (https://github.com/rancher/local-path-provisioner)
 * running as an external provisioner (https://github.com/kubernetes-sigs/sig-storage-lib-external-provisioner):
 * its events (Provisioning, ProvisioningSucceeded, ProvisioningFailed) are the ones
 * `kubectl describe pvc` shows there.
 */
export class HostPathProvisioner implements Component {
  readonly name = 'hostpath-provisioner';
  private readonly queue: WorkQueue<string>;
  private readonly claims: Informer<CoreV1.PersistentVolumeClaim>;
  private readonly volumes: Informer<CoreV1.PersistentVolume>;
  private readonly classes: Informer<StorageV1.StorageClass>;
  private readonly nodes: Informer<CoreV1.Node>;
  private readonly recorder: EventRecorder;
  private readonly volumesDir: string;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.recorder = recorderFor(context, HOST_PATH_PROVISIONER);
    this.volumesDir = resolve(context.dataDir, 'volumes');
    this.claims = context.informers.for(resources.persistentVolumeClaims);
    this.volumes = context.informers.for(resources.persistentVolumes);
    this.classes = context.informers.for(resources.storageClasses);
    this.nodes = context.informers.for(resources.nodes);
    this.claims.addHandler({
      added: (claim) => this.queue.add(objectKey(claim)),
      updated: (_old, claim) => this.queue.add(objectKey(claim)),
    });
    this.volumes.addHandler({
      added: (volume) => this.queue.add(volume.metadata!.name!),
      updated: (_old, volume) => this.queue.add(volume.metadata!.name!),
    });
  }

  async start(): Promise<void> {
    this.queue.add(CLASS_KEY);
    this.running = runWorkers(this.name, this.queue, (key) => this.reconcile(key), {
      workers: 2,
      logger: this.context.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  private reconcile(key: string): Promise<ReconcileResult | void> {
    if (key === CLASS_KEY) return this.ensureDefaultClass();
    return key.includes('/') ? this.syncClaim(key) : this.syncVolume(key);
  }

  private async ensureDefaultClass(): Promise<void> {
    if (this.classes.store.get(DEFAULT_STORAGE_CLASS.metadata!.name!)) return;
    try {
      await this.context.client.resource(resources.storageClasses).create(DEFAULT_STORAGE_CLASS);
    } catch (error) {
      if (!isStatus(error, 'AlreadyExists')) throw error;
    }
  }

  // Provisioning ------------------------------------------------------------------------------

  private async syncClaim(key: string): Promise<ReconcileResult | void> {
    const claim = this.claims.store.get(key);
    if (!claim || claim.spec?.volumeName || claim.metadata?.deletionTimestamp) return;
    const annotations = claim.metadata?.annotations ?? {};
    const askedOf = annotations[ANN.storageProvisioner] ?? annotations[ANN.betaStorageProvisioner];
    if (askedOf !== HOST_PATH_PROVISIONER) return;
    const storageClass = this.classes.store.get(claimClass(claim));
    if (storageClass?.provisioner !== HOST_PATH_PROVISIONER) return;
    const name = `pvc-${claim.metadata!.uid}`;
    if (this.volumes.store.get(name)) return;

    // WaitForFirstConsumer: the volume goes where the scheduler put the claim's first pod.
    let nodeName = annotations[ANN.selectedNode];
    if (!nodeName && storageClass.volumeBindingMode === 'WaitForFirstConsumer') return;
    nodeName ??= this.anyReadyNode();
    if (!nodeName) {
      this.failed(claim, storageClass, 'no node is available to hold the volume');
      return { requeueAfterMs: 10_000 };
    }
    if ((claim.spec?.volumeMode ?? 'Filesystem') !== 'Filesystem') {
      this.failed(claim, storageClass, `${HOST_PATH_PROVISIONER} only supports volumeMode Filesystem`);
      return;
    }
    const request = claim.spec?.resources?.requests?.storage;
    if (request === undefined) return; // validation requires it

    this.recorder.event(
      claim,
      'Normal',
      'Provisioning',
      `External provisioner is provisioning volume for claim "${key}"`,
    );
    const path = join(this.volumesDir, name);
    try {
      await mkdir(path, { recursive: true });
      // mkdir's mode is cut by the umask; containers may run as any user.
      await chmod(path, 0o777);
      await this.context.client
        .resource(resources.persistentVolumes)
        .create(this.volumeFor(claim, storageClass, name, path, nodeName));
    } catch (error) {
      if (!isStatus(error, 'AlreadyExists')) {
        this.failed(claim, storageClass, String(error instanceof Error ? error.message : error));
        throw error;
      }
    }
    this.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  }

  private volumeFor(
    claim: CoreV1.PersistentVolumeClaim,
    storageClass: StorageV1.StorageClass,
    name: string,
    path: string,
    nodeName: string,
  ): CoreV1.PersistentVolume {
    const meta = claim.metadata!;
    const hostname = this.nodes.store.get(nodeName)?.metadata?.labels?.['kubernetes.io/hostname'] ?? nodeName;
    return {
      metadata: { name, annotations: { [ANN.provisionedBy]: HOST_PATH_PROVISIONER } },
      spec: {
        capacity: { storage: claim.spec!.resources!.requests!.storage! },
        accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
        storageClassName: storageClass.metadata!.name!,
        volumeMode: 'Filesystem',
        ...(storageClass.mountOptions ? { mountOptions: storageClass.mountOptions } : {}),
        hostPath: { path, type: 'DirectoryOrCreate' },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [hostname] }] },
            ],
          },
        },
        claimRef: {
          kind: 'PersistentVolumeClaim',
          apiVersion: 'v1',
          namespace: meta.namespace!,
          name: meta.name!,
          uid: meta.uid!,
          resourceVersion: meta.resourceVersion!,
        },
      },
    };
  }

  private failed(
    claim: CoreV1.PersistentVolumeClaim,
    storageClass: StorageV1.StorageClass,
    reason: string,
  ): void {
    this.recorder.event(
      claim,
      'Warning',
      'ProvisioningFailed',
      `failed to provision volume with StorageClass "${storageClass.metadata!.name}": ${reason}`,
    );
  }

  /** For a claim of an Immediate class: the first Ready node by name (a desktop has one). */
  private anyReadyNode(): string | undefined {
    return this.nodes.store
      .list()
      .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((n) => n.metadata!.name!)
      .sort()[0];
  }

  // Deleting ----------------------------------------------------------------------------------

  private async syncVolume(name: string): Promise<void> {
    const volume = this.volumes.store.get(name);
    if (
      !volume ||
      volume.metadata?.deletionTimestamp ||
      volume.metadata?.annotations?.[ANN.provisionedBy] !== HOST_PATH_PROVISIONER ||
      volume.status?.phase !== 'Released' ||
      volume.spec?.persistentVolumeReclaimPolicy !== 'Delete'
    )
      return;
    const path = resolve(volume.spec?.hostPath?.path ?? '');
    try {
      // Only ever a directory this provisioner made: never follow a path elsewhere on the host.
      if (!path.startsWith(this.volumesDir + sep)) throw new Error(`${path} is not under ${this.volumesDir}`);
      await rm(path, { recursive: true, force: true });
      await this.context.client
        .resource(resources.persistentVolumes)
        .delete(name, { preconditions: { uid: volume.metadata!.uid! } });
    } catch (error) {
      if (isStatus(error, 'NotFound')) return;
      this.recorder.event(
        volume,
        'Warning',
        'VolumeFailedDelete',
        String(error instanceof Error ? error.message : error),
      );
      throw error;
    }
  }
}
