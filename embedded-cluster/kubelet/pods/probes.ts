import type { CoreV1, EventRecorder } from '../../client/index.js';
import type { Clock, Timer } from '../../util/clock.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { runAction, type ActionResult } from './actions.js';
import { containerFieldPath } from './container-ref.js';
import { runtimeUid } from './pod-uid.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

const TITLE: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

/** What a probe worker needs from the kubelet. */
export interface ProbeManagerConfig {
  clock: Clock;
  runtime: ContainerRuntime;
  recorder: Pick<EventRecorder, 'event'>;
  /** A result changed: sync the pod (its key). */
  onChange(podKey: string): void;
  /** Run a probe (replaceable in tests); default: exec/httpGet/tcpSocket against the pod. */
  run?: typeof runAction;
}

interface Worker {
  containerId: string;
  timer: Timer | undefined;
  /** The latest result: true success, false failure, undefined none yet. */
  result: boolean | undefined;
  successes: number;
  failures: number;
  stopped: boolean;
}

/**
 * The kubelet's probe workers (pkg/kubelet/prober/worker.go): one per container and probe kind,
 * probing every `periodSeconds` after `initialDelaySeconds`, each run limited to
 * `timeoutSeconds`; a result flips after `successThreshold` successes or `failureThreshold`
 * failures in a row, and every failure is reported as an `Unhealthy` event. Liveness and
 * readiness wait until the startup probe (if any) has succeeded; startup stops once it has.
 * Readiness starts as failure, liveness as success.
 */
export class ProbeManager {
  private readonly workers = new Map<string, Worker>();

  constructor(private readonly config: ProbeManagerConfig) {}

  /** Make sure the probes of `container` (running as `containerId`) are being run. */
  ensure(pod: CoreV1.Pod, container: CoreV1.Container, containerId: string, podIP: string | undefined): void {
    for (const kind of ['startup', 'liveness', 'readiness'] as const) {
      const probe = probeOf(container, kind);
      if (!probe) continue;
      const key = workerKey(runtimeUid(pod), container.name, kind);
      const existing = this.workers.get(key);
      if (existing?.containerId === containerId) continue;
      if (existing) this.stopWorker(key);
      const worker: Worker = {
        containerId,
        timer: undefined,
        result: kind === 'liveness' ? true : undefined,
        successes: 0,
        failures: 0,
        stopped: false,
      };
      this.workers.set(key, worker);
      this.schedule(pod, container, kind, probe, worker, podIP, (probe.initialDelaySeconds ?? 0) * 1000);
    }
  }

  /** The result of `kind` for the container, undefined when it has no such probe or no result yet. */
  result(uid: string, name: string, kind: ProbeKind): boolean | undefined {
    return this.workers.get(workerKey(uid, name, kind))?.result;
  }

  /** Whether the probes of the container belong to `containerId` (an older container's results do not count). */
  runsFor(uid: string, name: string, kind: ProbeKind, containerId: string): boolean {
    return this.workers.get(workerKey(uid, name, kind))?.containerId === containerId;
  }

  /** Stop the probes of one container (it stopped), or of every container of the pod. */
  stop(uid: string, name?: string): void {
    const prefix = name === undefined ? `${uid}/` : `${uid}/${name}/`;
    for (const key of [...this.workers.keys()]) if (key.startsWith(prefix)) this.stopWorker(key);
  }

  stopAll(): void {
    for (const key of [...this.workers.keys()]) this.stopWorker(key);
  }

  private stopWorker(key: string): void {
    const worker = this.workers.get(key);
    if (!worker) return;
    worker.stopped = true;
    if (worker.timer) this.config.clock.clearTimeout(worker.timer);
    this.workers.delete(key);
  }

  private schedule(
    pod: CoreV1.Pod,
    container: CoreV1.Container,
    kind: ProbeKind,
    probe: CoreV1.Probe,
    worker: Worker,
    podIP: string | undefined,
    ms: number,
  ): void {
    if (worker.stopped) return;
    worker.timer = this.config.clock.setTimeout(() => {
      void this.tick(pod, container, kind, probe, worker, podIP);
    }, ms);
    worker.timer.unref?.();
  }

  private async tick(
    pod: CoreV1.Pod,
    container: CoreV1.Container,
    kind: ProbeKind,
    probe: CoreV1.Probe,
    worker: Worker,
    podIP: string | undefined,
  ): Promise<void> {
    const periodMs = (probe.periodSeconds ?? 10) * 1000;
    const uid = runtimeUid(pod);
    const startupPending =
      kind !== 'startup' &&
      probeOf(container, 'startup') !== undefined &&
      this.result(uid, container.name, 'startup') !== true;
    if (!startupPending) {
      const run = this.config.run ?? runAction;
      const outcome: ActionResult = await run(
        probe,
        {
          runtime: this.config.runtime,
          containerId: worker.containerId,
          container,
          podIP,
          clock: this.config.clock,
        },
        (probe.timeoutSeconds ?? 1) * 1000,
      );
      if (worker.stopped) return;
      this.record(pod, container, kind, probe, worker, outcome);
      // A startup probe that passed, and a liveness or startup probe that failed (the container
      // is about to be killed), have nothing more to say.
      if (
        (kind === 'startup' && worker.result === true) ||
        (kind !== 'readiness' && worker.result === false)
      ) {
        return;
      }
    }
    this.schedule(pod, container, kind, probe, worker, podIP, periodMs);
  }

  private record(
    pod: CoreV1.Pod,
    container: CoreV1.Container,
    kind: ProbeKind,
    probe: CoreV1.Probe,
    worker: Worker,
    outcome: ActionResult,
  ): void {
    const before = worker.result;
    if (outcome.ok) {
      worker.failures = 0;
      worker.successes++;
      if (worker.successes >= (probe.successThreshold ?? 1)) worker.result = true;
    } else {
      worker.successes = 0;
      worker.failures++;
      this.config.recorder.event(
        pod,
        'Warning',
        'Unhealthy',
        `${TITLE[kind]} probe failed: ${outcome.output.trim()}`,
        containerFieldPath(pod, container.name),
      );
      if (worker.failures >= (probe.failureThreshold ?? 3)) worker.result = false;
    }
    if (worker.result !== before) this.config.onChange(`${pod.metadata!.namespace}/${pod.metadata!.name}`);
  }
}

export function probeOf(container: CoreV1.Container, kind: ProbeKind): CoreV1.Probe | undefined {
  return kind === 'liveness'
    ? container.livenessProbe
    : kind === 'readiness'
      ? container.readinessProbe
      : container.startupProbe;
}

function workerKey(uid: string, name: string, kind: ProbeKind): string {
  return `${uid}/${name}/${kind}`;
}
