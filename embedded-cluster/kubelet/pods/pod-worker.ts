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
import { podDns } from './dns.js';
import { containerLabels, crashLoopMessage, startContainer } from './container-start.js';
import type { ConfigSource, EnvContext } from './env.js';
import { gracePeriodSeconds, MIN_GRACE_SECONDS, runHook } from './lifecycle.js';
import { attemptsOf, podStatus, sameStatus, type Waiting } from './pod-status.js';
import type { ProbeManager } from './probes.js';
import { TerminationMessages } from './termination-message.js';
import { MountError, type PreparedVolume, type VolumeManager } from './volumes.js';

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
  clusterDNS?: string;
  /** Node allocatable, for resourceFieldRef without a limit. */
  nodeAllocatable?: EnvContext['nodeAllocatable'];
}

/**
 * The kubelet's per-pod sync (kubelet.go `SyncPod` + kuberuntime_manager.go `SyncPod`), level
 * triggered and safe to re-run: from what the runtime says is there it decides what to do next —
 * make the sandbox and the volumes, run init containers one at a time in order, start app
 * containers, restart exited ones as the restart policy says (the first restart at once, then
 * with CrashLoopBackOff), kill containers whose liveness or startup probe failed — then writes
 * the pod's status when it changed. A pod being deleted is torn down by {@link terminate}.
 */
export class PodWorkers {
  /** Why containers wait, by pod uid then container name. */
  private readonly waiting = new Map<string, Map<string, Waiting>>();
  /** Containers being killed, so a sync does not kill one twice. */
  private readonly killing = new Set<string>();
  private readonly messages: TerminationMessages;

  constructor(private readonly deps: PodWorkerDeps) {
    this.messages = new TerminationMessages(deps.runtime, deps.volumes);
  }

  /** Sync `pod` (from the informer cache; never mutated). */
  async sync(pod: CoreV1.Pod): Promise<ReconcileResult | void> {
    if (pod.metadata?.deletionTimestamp) return this.terminate(pod);
    const { runtime } = this.deps;
    const uid = pod.metadata!.uid!;
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
    let sandbox = sandboxes.find((s) => s.state === 'ready');
    if (!sandbox) {
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
      sandbox = await runtime.runSandbox({
        podUid: uid,
        namespace: pod.metadata!.namespace!,
        name: pod.metadata!.name!,
        hostname: pod.spec?.hostname ?? pod.metadata!.name!,
        hostNetwork: pod.spec?.hostNetwork ?? false,
        hostPID: pod.spec?.hostPID ?? false,
        hostIPC: pod.spec?.hostIPC ?? false,
        shareProcessNamespace: pod.spec?.shareProcessNamespace ?? false,
        ...podDns(pod, this.deps.clusterDNS),
        portMappings: (pod.spec?.containers ?? []).flatMap((c) =>
          (c.ports ?? [])
            .filter((p) => p.hostPort)
            .map((p) => ({
              containerPort: p.containerPort,
              hostPort: p.hostPort!,
              protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP',
              ...(p.hostIP ? { hostIP: p.hostIP } : {}),
            })),
        ),
        labels: containerLabels(this.deps.nodeName, pod, undefined),
        annotations: pod.metadata?.annotations ?? {},
      });
      ({ containers } = await this.inventory(uid));
    }
    const envContext: EnvContext = {
      hostIP: this.deps.hostIP(),
      ...(sandbox.ip ? { podIP: sandbox.ip, podIPs: [sandbox.ip] } : {}),
      ...(this.deps.nodeAllocatable ? { nodeAllocatable: this.deps.nodeAllocatable } : {}),
    };
    let volumes: Map<string, PreparedVolume> | undefined;
    try {
      volumes = await this.deps.volumes.setUp(pod, envContext);
    } catch (error) {
      if (!(error instanceof MountError)) throw error;
      if (waiting.get('..mount')?.message !== error.message) {
        this.deps.recorder.event(pod, 'Warning', 'FailedMount', error.message);
        waiting.set('..mount', { reason: 'FailedMount', message: error.message });
      }
      requeue.push(10_000);
    }
    // As the kubelet's SyncPod, the status of what is there is posted before acting on it: a
    // new pod shows ContainerCreating while its images are pulled.
    let current = await this.writeStatus(pod, sandbox, containers, false);
    if (volumes) {
      waiting.delete('..mount');
      const acted = await this.runContainers(
        current,
        sandbox,
        containers,
        volumes,
        envContext,
        waiting,
        requeue,
      );
      if (acted) ({ containers } = await this.inventory(uid));
    }
    current = await this.writeStatus(current, sandbox, containers, false);
    const due = requeue.filter((ms) => ms > 0);
    if (due.length) return { requeueAfterMs: Math.min(...due) };
    if (requeue.length) return { requeueAfterMs: 1 };
  }

  /** Start, restart or kill containers; resolves to whether anything was done. */
  private async runContainers(
    pod: CoreV1.Pod,
    sandbox: SandboxStatus,
    containers: ContainerStatus[],
    volumes: Map<string, PreparedVolume>,
    envContext: EnvContext,
    waiting: Map<string, Waiting>,
    requeue: number[],
  ): Promise<boolean> {
    const uid = pod.metadata!.uid!;
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const start = (container: CoreV1.Container, attempt: number) =>
      startContainer(this.deps, {
        pod,
        container,
        sandbox,
        volumes,
        envContext,
        attempt,
        setWaiting: (w) => (w ? waiting.set(container.name, w) : waiting.delete(container.name)),
        requeue: (ms) => requeue.push(ms),
      }).then(() => this.pruneAttempts(containers, container.name, attempt));
    // Init containers one at a time, in order; each must succeed before the next starts.
    for (const container of pod.spec?.initContainers ?? []) {
      const [latest] = attemptsOf(containers, container.name);
      if (!latest) return start(container, 0).then(() => true);
      if (latest.state === 'running' || latest.state === 'created') return false;
      if (latest.exitCode === 0) continue;
      if (policy === 'Never') return false;
      return this.restart(pod, container, latest, waiting, requeue, start);
    }
    let acted = false;
    for (const container of pod.spec?.containers ?? []) {
      const [latest] = attemptsOf(containers, container.name);
      if (!latest) {
        await start(container, 0);
        acted = true;
        continue;
      }
      if (latest.state === 'created') {
        // Made but never started (the kubelet stopped in between): make it again.
        await this.deps.runtime.removeContainer(latest.id);
        await start(container, latest.attempt);
        acted = true;
        continue;
      }
      if (latest.state === 'running') {
        this.deps.probes.ensure(pod, container, latest.id, sandbox.ip);
        const probes = this.deps.probes;
        const failed = (['liveness', 'startup'] as const).find(
          (kind) =>
            probes.runsFor(uid, container.name, kind, latest.id) &&
            probes.result(uid, container.name, kind) === false,
        );
        if (failed && !this.killing.has(latest.id)) {
          const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
          await this.kill(
            pod,
            container,
            latest,
            grace,
            `Container ${container.name} failed ${failed} probe, will be restarted`,
          );
          acted = true;
        }
        continue;
      }
      this.deps.probes.stop(uid, container.name);
      const exitCode = latest.exitCode ?? 0;
      if (policy === 'Never' || (policy === 'OnFailure' && exitCode === 0)) continue;
      acted = (await this.restart(pod, container, latest, waiting, requeue, start)) || acted;
    }
    return acted;
  }

  /**
   * Restart an exited container, unless it is still backing off from its last exit
   * (kuberuntime_manager.go `doBackOff`): then it waits in CrashLoopBackOff.
   */
  private async restart(
    pod: CoreV1.Pod,
    container: CoreV1.Container,
    latest: ContainerStatus,
    waiting: Map<string, Waiting>,
    requeue: number[],
    start: (container: CoreV1.Container, attempt: number) => Promise<void>,
  ): Promise<boolean> {
    const { backoff, clock } = this.deps;
    const key = `${pod.metadata!.uid}/${container.name}`;
    const finished = latest.finishedAt ?? clock.now();
    if (backoff.inBackoffSince(key, finished)) {
      const delay = backoff.get(key);
      const message = crashLoopMessage(pod, container.name, delay);
      if (waiting.get(container.name)?.message !== message) {
        const m = pod.metadata!;
        this.deps.recorder.event(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${container.name} in pod ${m.name}_${m.namespace}(${m.uid})`,
        );
      }
      waiting.set(container.name, { reason: 'CrashLoopBackOff', message });
      requeue.push(finished + delay - clock.now());
      return false;
    }
    backoff.next(key);
    waiting.delete(container.name);
    await start(container, latest.attempt + 1);
    return true;
  }

  /** Keep only the newest dead attempt of a container (for `kubectl logs --previous`), as the kubelet's GC. */
  private async pruneAttempts(containers: ContainerStatus[], name: string, attempt: number): Promise<void> {
    for (const c of containers) {
      if (c.name === name && c.attempt < attempt - 1 && c.state !== 'running') {
        await this.deps.runtime.removeContainer(c.id).catch(() => {});
      }
    }
  }

  /** Stop a container: its preStop hook first, then the runtime's stop with what is left of the grace. */
  async kill(
    pod: CoreV1.Pod,
    container: CoreV1.Container | undefined,
    status: ContainerStatus,
    graceSeconds: number,
    message: string,
  ): Promise<void> {
    if (this.killing.has(status.id)) return;
    this.killing.add(status.id);
    try {
      const { clock, runtime } = this.deps;
      const began = clock.now();
      this.deps.recorder.event(pod, 'Normal', 'Killing', message);
      const preStop = container?.lifecycle?.preStop;
      if (preStop && graceSeconds > 0) {
        const failure = await runHook(
          preStop,
          { runtime, containerId: status.id, container: container!, podIP: undefined, clock },
          graceSeconds * 1000,
        );
        if (failure) this.deps.recorder.event(pod, 'Warning', 'FailedPreStopHook', failure.message);
      }
      const left = Math.max(MIN_GRACE_SECONDS, Math.ceil(graceSeconds - (clock.now() - began) / 1000));
      await runtime.stopContainer(status.id, left);
    } finally {
      this.killing.delete(status.id);
    }
  }

  /**
   * Tear a deleted pod down (kubelet.go `SyncTerminatingPod` then `SyncTerminatedPod`): stop every
   * running container — preStop, then the remaining grace — stop the sandbox, report the final
   * status, and remove the pod from the API for good (grace 0, on its uid).
   */
  async terminate(pod: CoreV1.Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    const grace = gracePeriodSeconds(pod);
    this.deps.probes.stop(uid);
    let { containers, sandboxes } = await this.inventory(uid);
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    await Promise.all(
      containers
        .filter((c) => c.state === 'running')
        .map((c) =>
          this.kill(
            pod,
            specs.find((s) => s.name === c.name),
            c,
            grace,
            `Stopping container ${c.name}`,
          ),
        ),
    );
    for (const s of sandboxes) await this.deps.runtime.stopSandbox(s.id);
    ({ containers, sandboxes } = await this.inventory(uid));
    try {
      await this.writeStatus(pod, sandboxes[0], containers, true);
      await this.deps.pods.delete(pod.metadata!.name!, {
        namespace: pod.metadata!.namespace!,
        gracePeriodSeconds: 0,
        preconditions: { uid },
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
    this.deps.probes.stop(pod.metadata!.uid!);
    for (const c of containers) {
      if (c.state === 'running')
        await this.kill(pod, undefined, c, graceSeconds, `Stopping container ${c.name}`);
    }
    for (const s of sandboxes) if (s.state === 'ready') await this.deps.runtime.stopSandbox(s.id);
  }

  private async inventory(
    uid: string,
  ): Promise<{ containers: ContainerStatus[]; sandboxes: SandboxStatus[] }> {
    const [containers, sandboxes] = await Promise.all([
      this.deps.runtime.listContainers({ podUid: uid }),
      this.deps.runtime.listSandboxes({ podUid: uid }),
    ]);
    return {
      containers: containers.filter((c) => c.podUid === uid),
      sandboxes: sandboxes.filter((s) => s.podUid === uid).sort((a, b) => b.createdAt - a.createdAt),
    };
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
    const uid = pod.metadata!.uid!;
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
