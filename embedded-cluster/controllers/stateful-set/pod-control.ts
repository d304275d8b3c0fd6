import {
  isStatus,
  resources,
  type AppsV1,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type KubeClient,
} from '../../client/index.js';
import { claimsFor, ordinalOf } from './pod-identity.js';

/**
 * How the StatefulSet controller changes pods and claims, with the events Kubernetes records
 * (`StatefulPodControl` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/statefulset/stateful_pod_control.go):
 * "create Pod web-0 in StatefulSet web successful", "create Claim data-web-0 Pod web-0 in
 * StatefulSet web success" and so on.
 */
export class StatefulPodControl {
  constructor(
    private readonly client: KubeClient,
    private readonly claims: Informer<CoreV1.PersistentVolumeClaim>,
    private readonly recorder: EventRecorder,
  ) {}

  /** Create the pod's missing claims, then the pod. A pod that already exists is no error. */
  async createPod(set: AppsV1.StatefulSet, pod: CoreV1.Pod): Promise<void> {
    try {
      await this.createClaims(set, pod);
    } catch (error) {
      this.podEvent('create', set, pod, error);
      throw error;
    }
    try {
      await this.client.resource(resources.pods).create(pod);
    } catch (error) {
      // Our cache was behind: the pod is there already.
      if (isStatus(error, 'AlreadyExists')) return;
      this.podEvent('create', set, pod, error);
      throw error;
    }
    this.podEvent('create', set, pod);
  }

  async deletePod(set: AppsV1.StatefulSet, pod: CoreV1.Pod): Promise<void> {
    try {
      await this.client.resource(resources.pods).delete(pod.metadata!.name!, {
        namespace: pod.metadata!.namespace!,
        preconditions: { uid: pod.metadata!.uid! },
      });
    } catch (error) {
      if (isStatus(error, 'NotFound')) return;
      this.podEvent('delete', set, pod, error);
      throw error;
    }
    this.podEvent('delete', set, pod);
  }

  /** Put labels back on an existing pod (its identity, when someone removed them). */
  async relabelPod(set: AppsV1.StatefulSet, pod: CoreV1.Pod, labels: Record<string, string>): Promise<void> {
    try {
      await this.client
        .resource(resources.pods)
        .patch(pod.metadata!.name!, { metadata: { labels } }, { namespace: pod.metadata!.namespace! });
    } catch (error) {
      this.podEvent('update', set, pod, error);
      throw error;
    }
    this.podEvent('update', set, pod);
  }

  /**
   * With `whenScaled: Delete`, make the pod that is scaled away the owner of its claims, so the
   * garbage collector removes them once the pod is gone (`updateClaimOwnerRefForSetAndPod`).
   */
  async handOverClaims(set: AppsV1.StatefulSet, pod: CoreV1.Pod): Promise<void> {
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const ordinal = ordinalOf(set, pod);
    const api = this.client.resource(resources.persistentVolumeClaims);
    for (const claim of claimsFor(set, ordinal)) {
      const existing = this.claims.store.getByName(claim.metadata!.namespace, claim.metadata!.name!);
      if (!existing || existing.metadata?.ownerReferences?.some((r) => r.uid === pod.metadata?.uid)) continue;
      const owners = [
        ...(existing.metadata?.ownerReferences ?? []).filter((r) => r.uid !== set.metadata?.uid),
        { apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name!, uid: pod.metadata!.uid! },
      ];
      await api.patch(
        existing.metadata!.name!,
        { metadata: { ownerReferences: owners } },
        {
          namespace: existing.metadata!.namespace!,
        },
      );
    }
  }

  /** Create any of the pod's claims that do not exist (`createPersistentVolumeClaims`). */
  async createClaims(set: AppsV1.StatefulSet, pod: CoreV1.Pod): Promise<void> {
    const api = this.client.resource(resources.persistentVolumeClaims);
    for (const claim of claimsFor(set, ordinalOf(set, pod))) {
      const meta = claim.metadata!;
      if (this.claims.store.getByName(meta.namespace, meta.name!)) continue;
      try {
        await api.create(claim);
        this.claimEvent(set, pod, meta.name!);
      } catch (error) {
        if (isStatus(error, 'AlreadyExists')) continue;
        this.claimEvent(set, pod, meta.name!, error);
        throw error;
      }
    }
  }

  private podEvent(verb: string, set: AppsV1.StatefulSet, pod: CoreV1.Pod, error?: unknown): void {
    const title = verb[0]!.toUpperCase() + verb.slice(1);
    const subject = `${verb} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name}`;
    if (error === undefined)
      this.recorder.event(set, 'Normal', `Successful${title}`, `${subject} successful`);
    else this.recorder.event(set, 'Warning', `Failed${title}`, `${subject} failed error: ${message(error)}`);
  }

  private claimEvent(set: AppsV1.StatefulSet, pod: CoreV1.Pod, claim: string, error?: unknown): void {
    const where = `Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name}`;
    if (error === undefined) {
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim} ${where} success`);
    } else {
      this.recorder.event(
        set,
        'Warning',
        'FailedCreate',
        `create Claim ${claim} for ${where} failed error: ${message(error)}`,
      );
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
