import type { CoreV1 } from '../../client/index.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/container-runtime.js';
import { containerFieldPath } from './container-ref.js';
import { crashLoopMessage, startContainer } from './container-start.js';
import type { EnvContext } from './env.js';
import { MIN_GRACE_SECONDS, runHook } from './lifecycle.js';
import { attemptsOf, isSidecar, type Waiting } from './pod-status.js';
import type { PodWorkerDeps } from './pod-worker.js';
import type { PreparedVolume } from './volumes.js';
import { runtimeUid } from './pod-uid.js';

/**
 * The containers of one pod whose sandbox and volumes are ready (kuberuntime_manager.go
 * `computePodActions` + `SyncPod`'s container steps): init containers one at a time in order
 * (sidecars — `restartPolicy: Always` — only until started, then kept running), app containers
 * started and restarted as the restart policy says (the first restart at once, then with
 * CrashLoopBackOff), containers whose liveness or startup probe failed killed, and the sidecars
 * stopped once every app container is done for good.
 */
export class ContainerKeeper {
  /** Containers being killed, so a sync does not kill one twice. */
  private readonly killing = new Set<string>();

  constructor(private readonly deps: PodWorkerDeps) {}

  /** Start, restart or kill containers; resolves to whether anything was done. */
  async run(
    pod: CoreV1.Pod,
    sandbox: SandboxStatus,
    containers: ContainerStatus[],
    volumes: Map<string, PreparedVolume>,
    envContext: EnvContext,
    waiting: Map<string, Waiting>,
    requeue: number[],
  ): Promise<boolean> {
    const uid = runtimeUid(pod);
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
    let acted = false;
    const apps = pod.spec?.containers ?? [];
    // Once an app container has been made, the pod is past its init sequence: a sidecar that
    // restarts then holds nothing up.
    const initialized = apps.some((c) => attemptsOf(containers, c.name).length > 0);
    // Init containers one at a time, in order; each must succeed before the next starts, except
    // a sidecar, which the next one waits for only until it has started.
    for (const container of pod.spec?.initContainers ?? []) {
      const [latest] = attemptsOf(containers, container.name);
      if (isSidecar(container)) {
        acted =
          (await this.keepRunning(pod, sandbox, container, latest, 'Always', waiting, requeue, start)) ||
          acted;
        if (!initialized && !this.hasStarted(uid, container, latest)) return acted;
        continue;
      }
      if (!latest) return start(container, 0).then(() => true);
      if (latest.state === 'running' || latest.state === 'created') return acted;
      if (latest.exitCode === 0) continue;
      if (policy === 'Never') return acted;
      return (await this.restart(pod, container, latest, waiting, requeue, start)) || acted;
    }
    for (const container of apps) {
      const [latest] = attemptsOf(containers, container.name);
      acted =
        (await this.keepRunning(pod, sandbox, container, latest, policy, waiting, requeue, start)) || acted;
    }
    if (
      !acted &&
      apps.length > 0 &&
      apps.every((c) => doneForGood(attemptsOf(containers, c.name)[0], policy))
    ) {
      acted = await this.stopSidecars(pod, containers);
    }
    return acted;
  }

  /**
   * One container that should be running: start it, restart it after it exited (as `policy`
   * allows, with back-off), or kill it when its liveness or startup probe failed. Resolves to
   * whether anything was done.
   */
  private async keepRunning(
    pod: CoreV1.Pod,
    sandbox: SandboxStatus,
    container: CoreV1.Container,
    latest: ContainerStatus | undefined,
    policy: string,
    waiting: Map<string, Waiting>,
    requeue: number[],
    start: (container: CoreV1.Container, attempt: number) => Promise<void>,
  ): Promise<boolean> {
    const uid = runtimeUid(pod);
    if (!latest) {
      await start(container, 0);
      return true;
    }
    if (latest.state === 'created') {
      // Made but never started (the kubelet stopped in between): make it again.
      await this.deps.runtime.removeContainer(latest.id);
      await start(container, latest.attempt);
      return true;
    }
    if (latest.state === 'running') {
      this.deps.probes.ensure(pod, container, latest.id, sandbox.ip);
      const probes = this.deps.probes;
      const failed = (['liveness', 'startup'] as const).find(
        (kind) =>
          probes.runsFor(uid, container.name, kind, latest.id) &&
          probes.result(uid, container.name, kind) === false,
      );
      if (!failed || this.killing.has(latest.id)) return false;
      const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
      await this.kill(
        pod,
        container,
        latest,
        grace,
        `Container ${container.name} failed ${failed} probe, will be restarted`,
      );
      return true;
    }
    this.deps.probes.stop(uid, container.name);
    if (doneForGood(latest, policy)) return false;
    return this.restart(pod, container, latest, waiting, requeue, start);
  }

  /** Whether a sidecar runs and its startup probe (if any) has passed: the next init container may start. */
  private hasStarted(uid: string, container: CoreV1.Container, latest: ContainerStatus | undefined): boolean {
    if (latest?.state !== 'running') return false;
    return !container.startupProbe || this.deps.probes.result(uid, container.name, 'startup') === true;
  }

  /**
   * Every app container has finished for good: the sidecars are stopped too, the last started
   * first, each after the one started after it is gone (KEP-753), so the pod can complete.
   */
  private async stopSidecars(pod: CoreV1.Pod, containers: ContainerStatus[]): Promise<boolean> {
    const sidecars = (pod.spec?.initContainers ?? []).filter(isSidecar).reverse();
    let acted = false;
    for (const sidecar of sidecars) {
      const [latest] = attemptsOf(containers, sidecar.name);
      if (latest?.state !== 'running') continue;
      const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
      await this.kill(pod, sidecar, latest, grace, `Stopping container ${sidecar.name}`);
      acted = true;
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
    const key = `${runtimeUid(pod)}/${container.name}`;
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
          containerFieldPath(pod, container.name),
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
      const fieldPath = containerFieldPath(pod, status.name);
      this.deps.recorder.event(pod, 'Normal', 'Killing', message, fieldPath);
      const preStop = container?.lifecycle?.preStop;
      if (preStop && graceSeconds > 0) {
        const failure = await runHook(
          preStop,
          { runtime, containerId: status.id, container: container!, podIP: undefined, clock },
          graceSeconds * 1000,
        );
        if (failure)
          this.deps.recorder.event(pod, 'Warning', 'FailedPreStopHook', failure.message, fieldPath);
      }
      const left = Math.max(MIN_GRACE_SECONDS, Math.ceil(graceSeconds - (clock.now() - began) / 1000));
      await runtime.stopContainer(status.id, left);
    } finally {
      this.killing.delete(status.id);
    }
  }
}

/** Whether a container has exited and `policy` will not run it again. */
function doneForGood(latest: ContainerStatus | undefined, policy: string): boolean {
  if (latest?.state !== 'exited') return false;
  return policy === 'Never' || (policy === 'OnFailure' && (latest.exitCode ?? 0) === 0);
}
