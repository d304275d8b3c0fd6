import type { PodDnsEnvironment } from '../../api/pod-dns.js';
import {
  isStatus,
  type CoreV1,
  type EventRecorder,
  type ReconcileResult,
  type ResourceClient,
} from '../../client/index.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ContainerRuntime, ContainerStatus, SandboxStatus } from '../runtime/container-runtime.js';
import type { Backoff } from './backoff.js';
import { ContainerKeeper } from './container-keeper.js';
import type { ConfigSource, EnvContext } from './env.js';
import { gracePeriodSeconds, MIN_GRACE_SECONDS } from './lifecycle.js';
import { isSidecar, podStatus, sameStatus, type Waiting } from './pod-status.js';
import type { ProbeManager } from './probes.js';
import { sandboxConfig } from './sandbox-config.js';
import { TerminationMessages } from './termination-message.js';
import { MountError, volumesUsePodIP, type PreparedVolume, type VolumeManager } from './volumes.js';
import { runtimeUid } from './pod-uid.js';

/** What the pod workers are built from (the Kubelet hands them its parts). */
export interface PodWorkerDeps {
  nodeName: string;
  runtime: ContainerRuntime;
  /** `docker`, the scheme of container IDs in the status. */
  runtimeName: () => string;
  hostIP: () => string;
  clock: Clock;
  logger: Logger;
  recorder: Pick<EventRecorder, 'event'>;
  pods: ResourceClient<CoreV1.Pod>;
  volumes: VolumeManager;
  configSource: ConfigSource;
  probes: ProbeManager;
  backoff: Backoff;
  /** When each image pull last failed, by `pull/<uid>/<container>`. */
  pullFailures: Map<string, number>;
  /** The cluster DNS, domain and the node's resolv.conf pods' DNS settings are made from. */
  dns: () => PodDnsEnvironment;
  /** Node allocatable, for resourceFieldRef without a limit. */
  nodeAllocatable?: EnvContext['nodeAllocatable'];
}

/**
 * The kubelet's per-pod sync (kubelet.go `SyncPod` + kuberuntime_manager.go `SyncPod`), level
 * triggered and safe to re-run: from what the runtime says is there it decides what to do next —
 * make the sandbox and the volumes, hand the containers to the {@link ContainerKeeper} (init
 * containers, sidecars, app containers, restarts, probe kills) — then writes the pod's status
 * when it changed. A pod being deleted is torn down by {@link terminate}.
 */
export class PodWorkers {
  /** Why containers wait, by pod uid then container name. */
  private readonly waiting = new Map<string, Map<string, Waiting>>();
  private readonly messages: TerminationMessages;
  private readonly keeper: ContainerKeeper;

  constructor(private readonly deps: PodWorkerDeps) {
    this.messages = new TerminationMessages(deps.runtime, deps.volumes);
    this.keeper = new ContainerKeeper(deps);
  }

  /** Sync `pod` (from the informer cache; never mutated). */
  async sync(pod: CoreV1.Pod): Promise<ReconcileResult | void> {
    if (pod.metadata?.deletionTimestamp) return this.terminate(pod);
    const { runtime } = this.deps;
    const uid = runtimeUid(pod);
    const phase = pod.status?.phase;
    const inventory = await this.inventory(uid);
    const { sandboxes } = inventory;
    let { containers } = inventory;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // A finished pod runs nothing (a restarted kubelet may find leftovers).
      await this.stopAll(pod, containers, sandboxes, MIN_GRACE_SECONDS);
      return;
    }
    const waiting = this.waitingOf(uid);
    const requeue: number[] = [];
    let current: CoreV1.Pod;
    let volumes: Map<string, PreparedVolume> | undefined;
    let sandbox = sandboxes.find((s) => s.state === 'ready');
    if (sandbox) {
      volumes = await this.setUpVolumes(pod, this.envContext(sandbox), waiting, requeue);
      // As the kubelet's SyncPod, the status of what is there is posted before acting on it.
      current = await this.writeStatus(pod, sandbox, containers, false);
    } else {
      // A pod whose sandbox is gone loses its containers with it, as with a real node's network.
      if (sandboxes.length > 0) {
        this.deps.recorder.event(
          pod,
          'Normal',
          'SandboxChanged',
          'Pod sandbox changed, it will be killed and re-created.',
        );
      }
      await this.stopAll(pod, containers, sandboxes, MIN_GRACE_SECONDS);
      if (containers.length > 0) containers = await this.containersOf(uid);
      // Starting the sandbox is most of a new pod's startup, so what does not need it runs
      // meanwhile, as in the kubelet, where both come before RunPodSandbox: the pod's status
      // (ContainerCreating while its images are pulled) and its volumes — unless one shows the
      // pod's IP, known only once the sandbox runs.
      const made = runtime.runSandbox(sandboxConfig(this.deps.nodeName, pod, this.deps.dns()));
      const posted = this.writeStatus(pod, undefined, containers, false);
      const early = volumesUsePodIP(pod)
        ? undefined
        : this.setUpVolumes(pod, this.envContext(undefined), waiting, requeue);
      // Nothing is left running when one fails (a rejected one then rethrows below).
      await Promise.allSettled([made, posted, early]);
      sandbox = await made;
      current = await posted;
      volumes = early
        ? await early
        : await this.setUpVolumes(pod, this.envContext(sandbox), waiting, requeue);
    }
    if (volumes) {
      const acted = await this.keeper.run(
        current,
        sandbox,
        containers,
        volumes,
        this.envContext(sandbox),
        waiting,
        requeue,
      );
      if (acted) containers = await this.containersOf(uid);
    }
    current = await this.writeStatus(current, sandbox, containers, false);
    const due = requeue.filter((ms) => ms > 0);
    if (due.length) return { requeueAfterMs: Math.min(...due) };
    if (requeue.length) return { requeueAfterMs: 1 };
  }

  /** What env vars and downward API files see of the node and (once its sandbox runs) the pod. */
  private envContext(sandbox: SandboxStatus | undefined): EnvContext {
    return {
      hostIP: this.deps.hostIP(),
      ...(sandbox?.ip ? { podIP: sandbox.ip, podIPs: [sandbox.ip] } : {}),
      ...(this.deps.nodeAllocatable ? { nodeAllocatable: this.deps.nodeAllocatable } : {}),
    };
  }

  /** The pod's volumes, or undefined when one cannot be set up (FailedMount; retried in 10 s). */
  private async setUpVolumes(
    pod: CoreV1.Pod,
    envContext: EnvContext,
    waiting: Map<string, Waiting>,
    requeue: number[],
  ): Promise<Map<string, PreparedVolume> | undefined> {
    try {
      const volumes = await this.deps.volumes.setUp(pod, envContext);
      waiting.delete('..mount');
      return volumes;
    } catch (error) {
      if (!(error instanceof MountError)) throw error;
      if (waiting.get('..mount')?.message !== error.message) {
        this.deps.recorder.event(pod, 'Warning', 'FailedMount', error.message);
        waiting.set('..mount', { reason: 'FailedMount', message: error.message });
      }
      requeue.push(10_000);
      return undefined;
    }
  }

  /**
   * Tear a deleted pod down (kubelet.go `SyncTerminatingPod` then `SyncTerminatedPod`): stop every
   * running container — preStop, then the remaining grace — stop the sandbox, report the final
   * status, and remove the pod from the API for good (grace 0, on its uid).
   */
  async terminate(pod: CoreV1.Pod): Promise<void> {
    const uid = runtimeUid(pod);
    const grace = gracePeriodSeconds(pod);
    this.deps.probes.stop(uid);
    let { containers, sandboxes } = await this.inventory(uid);
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    const running = containers.filter((c) => c.state === 'running');
    const sidecars = (pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => c.name);
    const stop = (c: ContainerStatus) =>
      this.keeper.kill(
        pod,
        specs.find((s) => s.name === c.name),
        c,
        grace,
        `Stopping container ${c.name}`,
      );
    // The app containers first, then the sidecars, the last started first (KEP-753), so a
    // sidecar (a proxy, a log shipper) outlives what it serves.
    await Promise.all(running.filter((c) => !sidecars.includes(c.name)).map(stop));
    for (const name of [...sidecars].reverse()) {
      const sidecar = running.find((c) => c.name === name);
      if (sidecar) await stop(sidecar);
    }
    for (const s of sandboxes) await this.deps.runtime.stopSandbox(s.id);
    ({ containers, sandboxes } = await this.inventory(uid));
    try {
      await this.writeStatus(pod, sandboxes[0], containers, true);
      await this.deps.pods.delete(pod.metadata!.name!, {
        namespace: pod.metadata!.namespace!,
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata!.uid! },
      });
    } catch (error) {
      if (!isStatus(error, 'NotFound') && !isStatus(error, 'Conflict')) throw error;
    }
    await this.cleanUp(uid);
  }

  /** Remove everything of a pod that is gone from the API (force-deleted, or an orphan found at start). */
  async cleanUp(uid: string): Promise<void> {
    const { runtime } = this.deps;
    this.deps.probes.stop(uid);
    const { containers, sandboxes } = await this.inventory(uid);
    for (const c of containers) {
      this.messages.forget(c.id);
      if (c.state === 'running') await runtime.stopContainer(c.id, MIN_GRACE_SECONDS).catch(() => {});
      await runtime.removeContainer(c.id).catch(() => {});
    }
    for (const s of sandboxes) {
      await runtime.stopSandbox(s.id).catch(() => {});
      await runtime.removeSandbox(s.id).catch(() => {});
    }
    await this.deps.volumes.tearDown(uid);
    this.waiting.delete(uid);
    this.deps.backoff.forgetPrefix(`${uid}/`);
    this.deps.backoff.forgetPrefix(`pull/${uid}/`);
  }

  private async stopAll(
    pod: CoreV1.Pod,
    containers: ContainerStatus[],
    sandboxes: SandboxStatus[],
    graceSeconds: number,
  ): Promise<void> {
    this.deps.probes.stop(runtimeUid(pod));
    for (const c of containers) {
      if (c.state === 'running')
        await this.keeper.kill(pod, undefined, c, graceSeconds, `Stopping container ${c.name}`);
    }
    for (const s of sandboxes) if (s.state === 'ready') await this.deps.runtime.stopSandbox(s.id);
  }

  private async inventory(
    uid: string,
  ): Promise<{ containers: ContainerStatus[]; sandboxes: SandboxStatus[] }> {
    const [containers, sandboxes] = await Promise.all([
      this.containersOf(uid),
      this.deps.runtime.listSandboxes({ podUid: uid }),
    ]);
    return {
      containers,
      sandboxes: sandboxes.filter((s) => s.podUid === uid).sort((a, b) => b.createdAt - a.createdAt),
    };
  }

  /** The pod's containers only, when its sandboxes are known already. */
  private async containersOf(uid: string): Promise<ContainerStatus[]> {
    return (await this.deps.runtime.listContainers({ podUid: uid })).filter((c) => c.podUid === uid);
  }

  private waitingOf(uid: string): Map<string, Waiting> {
    let map = this.waiting.get(uid);
    if (!map) this.waiting.set(uid, (map = new Map()));
    return map;
  }

  /** Write the pod's status through the status subresource, only when it changed; resolves to the pod as written. */
  private async writeStatus(
    pod: CoreV1.Pod,
    sandbox: SandboxStatus | undefined,
    containers: ContainerStatus[],
    terminal: boolean,
  ): Promise<CoreV1.Pod> {
    const uid = runtimeUid(pod);
    const { probes } = this.deps;
    const status = podStatus({
      pod,
      sandbox,
      containers: await Promise.all(containers.map((c) => this.messages.of(pod, c))),
      runtimeName: this.deps.runtimeName(),
      hostIP: this.deps.hostIP(),
      now: this.deps.clock.now(),
      waiting: this.waitingOf(uid),
      ready: (c) => (c.readinessProbe ? probes.result(uid, c.name, 'readiness') === true : true),
      started: (c) => (c.startupProbe ? probes.result(uid, c.name, 'startup') === true : true),
      terminal,
    });
    if (sameStatus(pod.status, status)) return pod;
    return this.deps.pods.updateStatus({ ...pod, status });
  }
}
