import type { CoreV1 } from '../../client/index.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/container-runtime.js';

/** Why a container is not running, when the kubelet (not the runtime) knows it. */
export interface Waiting {
  reason: string;
  message?: string;
}

/** Everything a pod's status is computed from: the runtime's view plus the kubelet's own facts. */
export interface PodView {
  pod: CoreV1.Pod;
  sandbox: SandboxStatus | undefined;
  /** Every container of the pod the runtime knows, any attempt. */
  containers: ContainerStatus[];
  /** e.g. `docker`: the scheme of `containerID`. */
  runtimeName: string;
  hostIP: string;
  now: number;
  /** Reasons for containers waiting, by container name (CrashLoopBackOff, ErrImagePull, …). */
  waiting: ReadonlyMap<string, Waiting>;
  /** Readiness by container name (absent: no result yet, not ready unless it has no readiness probe). */
  ready: (container: CoreV1.Container) => boolean;
  /** Whether the startup probe passed (true without one). */
  started: (container: CoreV1.Container) => boolean;
  /** The pod is being torn down for good: its phase is final. */
  terminal?: boolean;
}

/** RFC 3339 with seconds, as `metav1.Time` is written. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Attempts of container `name`, newest first. */
export function attemptsOf(containers: ContainerStatus[], name: string): ContainerStatus[] {
  return containers
    .filter((c) => c.name === name)
    .sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
}

/** The reason a runtime gives a stopped container: OOMKilled, else Completed for 0, Error otherwise. */
export function terminatedReason(c: ContainerStatus): string {
  if (c.reason === 'OOMKilled') return 'OOMKilled';
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

function terminatedState(c: ContainerStatus, runtimeName: string): CoreV1.ContainerStateTerminated {
  return {
    exitCode: c.exitCode ?? 0,
    reason: terminatedReason(c),
    ...(c.message ? { message: c.message } : {}),
    startedAt: rfc3339(c.startedAt ?? c.createdAt),
    finishedAt: rfc3339(c.finishedAt ?? c.startedAt ?? c.createdAt),
    containerID: `${runtimeName}://${c.id}`,
  };
}

/**
 * The statuses of `containers` (init or app) as kubelet_pods.go `convertToAPIContainerStatuses`
 * makes them: a container the runtime has not made yet waits (ContainerCreating, or PodInitializing
 * in a pod with init containers, unless the kubelet knows better — ErrImagePull,
 * CreateContainerConfigError); a running one reports since when; an exited one reports its exit
 * code and reason, or waits in CrashLoopBackOff with the exit in `lastState`.
 */
export function containerStatuses(
  view: PodView,
  containers: CoreV1.Container[],
  init: boolean,
): CoreV1.ContainerStatus[] {
  const hasInit = (view.pod.spec?.initContainers?.length ?? 0) > 0;
  return containers.map((spec) => {
    const [latest, previous] = attemptsOf(view.containers, spec.name);
    const waiting = view.waiting.get(spec.name);
    const base = {
      name: spec.name,
      image: spec.image ?? '',
      imageID: latest?.imageId ?? '',
      restartCount: latest?.attempt ?? 0,
      ...(latest ? { containerID: `${view.runtimeName}://${latest.id}` } : {}),
    };
    const lastOf = (c: ContainerStatus | undefined) =>
      c && c.state === 'exited' ? { terminated: terminatedState(c, view.runtimeName) } : {};
    const waitingState = (w: Waiting) => ({
      waiting: { reason: w.reason, ...(w.message ? { message: w.message } : {}) },
    });
    if (!latest || latest.state === 'created' || latest.state === 'unknown') {
      const w = waiting ?? { reason: hasInit && !init ? 'PodInitializing' : 'ContainerCreating' };
      return {
        ...base,
        ready: false,
        started: false,
        state: waitingState(hasInit && init && !waiting && !latest ? { reason: 'PodInitializing' } : w),
        lastState: lastOf(previous),
      };
    }
    if (latest.state === 'running') {
      const started = view.started(spec);
      return {
        ...base,
        ready: started && view.ready(spec),
        started,
        state: { running: { startedAt: rfc3339(latest.startedAt ?? latest.createdAt) } },
        lastState: lastOf(previous),
      };
    }
    if (waiting) {
      return {
        ...base,
        ready: false,
        started: false,
        state: waitingState(waiting),
        lastState: lastOf(latest),
      };
    }
    return {
      ...base,
      ready: false,
      started: false,
      state: { terminated: terminatedState(latest, view.runtimeName) },
      lastState: lastOf(previous),
    };
  });
}

/**
 * Whether an init container is a sidecar (`restartPolicy: Always`, KEP-753): it starts in the init
 * sequence but keeps running beside the app containers, restarted whenever it exits.
 */
export function isSidecar(container: CoreV1.Container | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

/**
 * The pod's phase (kubelet_pods.go `getPhase`): Pending while init containers have not all
 * succeeded (Failed if one failed and the pod never restarts), a sidecar has not started, or an
 * app container waits for its first start; Running while any runs (or will be restarted);
 * Succeeded or Failed once all app containers have stopped for good. A sidecar counts as
 * running while it runs; once stopped, its exit code is ignored.
 */
export function podPhase(
  pod: CoreV1.Pod,
  init: CoreV1.ContainerStatus[],
  app: CoreV1.ContainerStatus[],
  terminal: boolean,
): string {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => c.name));
  let initPending = false;
  let sidecarsPending = 0;
  let running = 0;
  let waiting = 0;
  for (const s of init) {
    if (sidecars.has(s.name)) {
      if (s.state?.running) {
        running++;
        if (!s.started) sidecarsPending++;
      } else if (!s.state?.terminated && !s.lastState?.terminated) {
        sidecarsPending++;
        waiting++;
      }
      continue;
    }
    const t = s.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (policy === 'Never' && (t || s.lastState?.terminated)) return 'Failed';
    initPending = true;
  }
  if (initPending && !terminal) return 'Pending';
  let stopped = 0;
  let succeeded = 0;
  const appStopped = app.filter((s) => s.state?.terminated || (!s.state?.running && s.lastState?.terminated));
  // After a node reboot every container has exited: a sidecar waiting to start again then does
  // not make the pod Pending (getPhase's workaround for the same case).
  if (sidecarsPending > 0 && appStopped.length !== app.length && !terminal) return 'Pending';
  for (const s of app) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (terminal) {
    const appRunning = app.some(
      (s) => s.state?.running || (!s.state?.terminated && !s.lastState?.terminated),
    );
    if (!appRunning) return stopped === succeeded && stopped > 0 ? 'Succeeded' : 'Failed';
    return 'Failed';
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'OnFailure') return 'Running';
    return 'Failed';
  }
  return 'Pending';
}

/** The pod's QoS class (pkg/apis/core/v1/helper/qos `GetPodQOS`). */
export function qosClass(pod: CoreV1.Pod): string {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      const req = requests[r] ?? limits[r];
      if (limits[r] === undefined || String(req) !== String(limits[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * The whole `status` of a pod, as the kubelet's `generateAPIPodStatus` writes it: phase,
 * conditions (PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled — each
 * keeping its `lastTransitionTime` while its status holds), addresses, start time, QoS class and
 * the containers' statuses.
 */
export function podStatus(view: PodView): CoreV1.PodStatus {
  const { pod, now } = view;
  const previous = pod.status ?? {};
  const init = containerStatuses(view, pod.spec?.initContainers ?? [], true);
  const app = containerStatuses(view, pod.spec?.containers ?? [], false);
  const phase = podPhase(pod, init, app, view.terminal ?? false);
  const done = phase === 'Succeeded' || phase === 'Failed';
  const condition = (type: string, ok: boolean, reason?: string, message?: string): CoreV1.PodCondition => {
    const status = ok ? 'True' : 'False';
    const before = previous.conditions?.find((c) => c.type === type);
    return {
      type,
      status,
      lastProbeTime: null as unknown as string,
      lastTransitionTime:
        before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now),
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => c.name));
  // A sidecar is initialized once started; its readiness counts with the app containers'.
  const incompleteInit = init
    .filter((s) => (sidecars.has(s.name) ? !s.started : s.state?.terminated?.exitCode !== 0))
    .map((s) => s.name);
  const unready = [...init.filter((s) => sidecars.has(s.name)), ...app]
    .filter((s) => !s.ready)
    .map((s) => s.name);
  const readyReason = done ? 'PodCompleted' : unready.length ? 'ContainersNotReady' : undefined;
  const readyMessage =
    !done && unready.length ? `containers with unready status: [${unready.join(' ')}]` : undefined;
  const initialized =
    incompleteInit.length === 0 ||
    // A finished pod whose init containers all succeeded earlier stays initialized.
    (done && previous.conditions?.find((c) => c.type === 'Initialized')?.status === 'True');
  const sandboxReady = view.sandbox?.state === 'ready' && !done;
  const scheduled = previous.conditions?.find((c) => c.type === 'PodScheduled');
  const podIP = view.sandbox?.ip ?? previous.podIP;
  return {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', sandboxReady),
      condition(
        'Initialized',
        initialized,
        initialized
          ? done && incompleteInit.length
            ? 'PodCompleted'
            : undefined
          : 'ContainersNotInitialized',
        initialized ? undefined : `containers with incomplete status: [${incompleteInit.join(' ')}]`,
      ),
      condition('Ready', unready.length === 0 && !done, readyReason, readyMessage),
      condition('ContainersReady', unready.length === 0 && !done, readyReason, readyMessage),
      scheduled ?? condition('PodScheduled', true),
    ],
    hostIP: view.hostIP,
    hostIPs: [{ ip: view.hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: previous.startTime ?? rfc3339(now),
    ...(init.length ? { initContainerStatuses: init } : {}),
    containerStatuses: app,
    qosClass: qosClass(pod),
  };
}

/** Whether `a` and `b` say the same (what decides whether the status is written). */
export function sameStatus(a: CoreV1.PodStatus | undefined, b: CoreV1.PodStatus): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(status: CoreV1.PodStatus | undefined): unknown {
  if (!status) return undefined;
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .filter((k) => (value as Record<string, unknown>)[k] != null)
          .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return sorted(status);
}
