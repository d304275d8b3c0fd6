import type { CoreV1 } from '../client/index.js';

/** Annotations that steer a simulated pod, for tests and demos. */
export const SIMULATION = {
  /**
   * How long the pod's containers run before they exit, in seconds. Containers of a pod whose
   * restart policy is Never or OnFailure exit after 1 s by default; under Always they run until
   * deleted unless this (or a non-zero exit code) is set, and are then restarted with back-off.
   */
  runSeconds: 'simulation.kubedesk.dev/run-seconds',
  /** The exit code the containers finish with (default 0). */
  exitCode: 'simulation.kubedesk.dev/exit-code',
  /** "false": the pod runs but never becomes ready (as with a failing readiness probe). */
  ready: 'simulation.kubedesk.dev/ready',
  /** The containers become ready this many seconds after they start (as a readiness probe's delay). */
  readyAfterSeconds: 'simulation.kubedesk.dev/ready-after-seconds',
} as const;

/** What a pod's annotations ask its simulated containers to do. */
export interface SimulationPlan {
  /** Milliseconds a container runs before it exits; undefined: it runs until the pod is deleted. */
  runMs: number | undefined;
  exitCode: number;
  /** Milliseconds after start the container becomes ready; undefined: never. */
  readyAfterMs: number | undefined;
}

/** The exit code a container killed by SIGTERM reports: 128 + 15. */
export const SIGTERM_EXIT_CODE = 143;

/** The kubelet's container restart back-off: 10 s doubling to 5 min (pkg/kubelet/kubelet.go). */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;

function seconds(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}

/** Read the simulation annotations of `pod`. */
export function simulationPlan(pod: CoreV1.Pod, defaultRunMs: number): SimulationPlan {
  const annotations = pod.metadata?.annotations ?? {};
  const exitCode = Math.trunc(Number(annotations[SIMULATION.exitCode] ?? 0)) || 0;
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const annotatedRun = seconds(annotations[SIMULATION.runSeconds]);
  const exits = restartPolicy !== 'Always' || annotatedRun !== undefined || exitCode !== 0;
  const readyAfter = seconds(annotations[SIMULATION.readyAfterSeconds]) ?? 0;
  return {
    runMs: exits ? (annotatedRun ?? defaultRunMs) : undefined,
    exitCode,
    readyAfterMs: annotations[SIMULATION.ready] === 'false' ? undefined : readyAfter,
  };
}

/**
 * How long the kubelet waits before starting a container again after its `restartCount`-th
 * restart: the first restart is immediate, then 10 s, 20 s, 40 s … capped at 5 min
 * (kuberuntime_manager.go `doBackOff`).
 */
export function restartBackoffMs(restartCount: number): number {
  if (restartCount <= 0) return 0;
  return Math.min(BACKOFF_INITIAL_MS * 2 ** (restartCount - 1), BACKOFF_MAX_MS);
}

/** RFC 3339 with seconds, as `metav1.Time` is written. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Where the pod runs: the node's address and the pod's own. */
export interface PodPlacement {
  hostIP: string;
  podIP: string;
}

type Terminated = CoreV1.ContainerStateTerminated;

/** What the pod's (app) containers are doing. */
export type ContainersState =
  | { kind: 'running'; startedAt: number; ready: boolean; restartCount: number; last?: Terminated }
  | { kind: 'backoff'; restartCount: number; last: Terminated; delayMs: number }
  | { kind: 'terminated'; exitCode: number; at: number; restartCount: number; last?: Terminated };

function containerId(pod: CoreV1.Pod, name: string, restartCount: number): string {
  return `simulated://${pod.metadata?.uid ?? ''}-${name}-${restartCount}`;
}

/** A terminated state as the runtime reports it: reason Completed for 0, Error otherwise. */
export function terminated(exitCode: number, startedAt: string, finishedAt: number, id?: string): Terminated {
  return {
    exitCode,
    reason: exitCode === 0 ? 'Completed' : 'Error',
    startedAt,
    finishedAt: rfc3339(finishedAt),
    ...(id ? { containerID: id } : {}),
  };
}

function formatPod(pod: CoreV1.Pod): string {
  const meta = pod.metadata ?? {};
  return `${meta.name ?? ''}_${meta.namespace ?? ''}(${meta.uid ?? ''})`;
}

function containerStatuses(pod: CoreV1.Pod, state: ContainersState): CoreV1.ContainerStatus[] {
  const previous = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  return (pod.spec?.containers ?? []).map((c) => {
    const before = previous.get(c.name);
    const id = containerId(pod, c.name, state.restartCount);
    const base = { name: c.name, image: c.image ?? '', imageID: `simulated://${c.image ?? ''}` };
    // The container that exited last: the one before the running one, or the one backing off.
    const lastId = containerId(
      pod,
      c.name,
      state.kind === 'running' ? state.restartCount - 1 : state.restartCount,
    );
    const last = state.last ? { terminated: { ...state.last, containerID: lastId } } : {};
    if (state.kind === 'running') {
      return {
        ...base,
        containerID: id,
        ready: state.ready,
        started: true,
        restartCount: state.restartCount,
        state: { running: { startedAt: rfc3339(state.startedAt) } },
        lastState: last,
      };
    }
    if (state.kind === 'backoff') {
      return {
        ...base,
        containerID: lastId,
        ready: false,
        started: false,
        restartCount: state.restartCount,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${Math.round(state.delayMs / 1000)}s restarting failed container=${c.name} pod=${formatPod(pod)}`,
          },
        },
        lastState: last,
      };
    }
    const startedAt = before?.state?.running?.startedAt ?? rfc3339(state.at);
    return {
      ...base,
      containerID: before?.containerID ?? id,
      ready: false,
      started: false,
      restartCount: state.restartCount,
      state: { terminated: terminated(state.exitCode, startedAt, state.at, before?.containerID ?? id) },
      lastState: before?.lastState ?? {},
    };
  });
}

/**
 * The pod's conditions, in the order and with the reasons a kubelet reports them
 * (pkg/kubelet/status/generate.go); a condition whose status is unchanged keeps its
 * `lastTransitionTime`.
 */
export function podConditions(
  pod: CoreV1.Pod,
  phase: string,
  statuses: CoreV1.ContainerStatus[],
  now: number,
): CoreV1.PodCondition[] {
  const time = rfc3339(now);
  const before = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const make = (type: string, status: boolean, reason?: string, message?: string): CoreV1.PodCondition => {
    const value = status ? 'True' : 'False';
    const old = before.get(type);
    return {
      type,
      status: value,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
      lastTransitionTime: old?.status === value && old.lastTransitionTime ? old.lastTransitionTime : time,
    };
  };
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const terminalReason = phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const ready: [boolean, string?, string?] = terminal
    ? [false, terminalReason]
    : unready.length > 0
      ? [false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`]
      : [true];
  return [
    make('PodReadyToStartContainers', !terminal),
    make('Initialized', true, phase === 'Succeeded' ? 'PodCompleted' : undefined),
    make('Ready', ...ready),
    make('ContainersReady', ...ready),
    // The scheduler set this one; it stays as it was.
    before.get('PodScheduled') ?? make('PodScheduled', true),
  ];
}

/** Init containers, each run once to completion before the app containers start. */
function initContainerStatuses(pod: CoreV1.Pod, startedAt: string): CoreV1.ContainerStatus[] {
  const existing = pod.status?.initContainerStatuses;
  if (existing?.length) return existing;
  return (pod.spec?.initContainers ?? []).map((c) => {
    const id = containerId(pod, c.name, 0);
    return {
      name: c.name,
      image: c.image ?? '',
      imageID: `simulated://${c.image ?? ''}`,
      containerID: id,
      ready: true,
      started: false,
      restartCount: 0,
      state: { terminated: { ...terminated(0, startedAt, Date.parse(startedAt)), containerID: id } },
      lastState: {},
    };
  });
}

/**
 * The whole pod status for its containers in `state`: phase (getPhase in kubelet_pods.go: a pod
 * whose containers restart stays Running; Never/OnFailure pods whose containers all exited are
 * Succeeded, or Failed if one failed or the pod is being deleted), conditions, container
 * statuses and addresses. Everything else in the old status (qosClass, …) is kept.
 */
export function simulatedPodStatus(
  pod: CoreV1.Pod,
  state: ContainersState,
  placement: PodPlacement,
  now: number,
): CoreV1.PodStatus {
  const startTime = pod.status?.startTime ?? rfc3339(now);
  const statuses = containerStatuses(pod, state);
  const phase =
    state.kind === 'terminated'
      ? statuses.every((s) => s.state?.terminated?.exitCode === 0)
        ? 'Succeeded'
        : 'Failed'
      : 'Running';
  return {
    ...pod.status,
    phase,
    conditions: podConditions(pod, phase, statuses, now),
    hostIP: placement.hostIP,
    hostIPs: [{ ip: placement.hostIP }],
    podIP: placement.podIP,
    podIPs: [{ ip: placement.podIP }],
    startTime,
    initContainerStatuses: initContainerStatuses(pod, startTime),
    containerStatuses: statuses,
  };
}
