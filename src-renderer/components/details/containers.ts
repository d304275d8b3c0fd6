/**
 * A pod's containers as the details panel shows them: init containers, sidecars (init
 * containers with `restartPolicy: Always`, KEP-753) and app containers, each joined with its
 * status — state, reason, exit code explained, restarts, last state, ready/started, probes,
 * ports. Plain data, so the panel stays a template.
 */
import type { Container, ContainerState, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { explainExitCode } from './exit-codes.js';
import { describeProbe } from './probes.js';

export type ContainerRole = 'init' | 'sidecar' | 'app';

/** One state (current or last) in words. */
export interface StateView {
  phase: 'running' | 'waiting' | 'terminated' | 'unknown';
  reason?: string | undefined;
  message?: string | undefined;
  exitCode?: number | undefined;
  /** E.g. `SIGKILL (128+9): killed, e.g. OOM or grace period over`. */
  explanation?: string | undefined;
  /** When it started (running, terminated) or finished (terminated). */
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
}

export interface ContainerView {
  name: string;
  role: ContainerRole;
  image: string;
  /** The image the runtime actually runs, when it reports one different from the spec's. */
  imageId?: string | undefined;
  state: StateView;
  lastState?: StateView | undefined;
  restarts: number;
  ready?: boolean | undefined;
  started?: boolean | undefined;
  probes: { kind: 'liveness' | 'readiness' | 'startup'; text: string }[];
  /** `http 8080/TCP`, `9090/UDP (host 9090)`. */
  ports: string[];
}

/** Every container of the pod, init and sidecars first (in start order), then app containers. */
export function containerViews(pod: Pod): ContainerView[] {
  const initStatuses = byName(pod.status?.initContainerStatuses);
  const statuses = byName(pod.status?.containerStatuses);
  const views: ContainerView[] = [];
  for (const c of pod.spec?.initContainers ?? []) {
    views.push(viewOf(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init', initStatuses.get(c.name)));
  }
  for (const c of pod.spec?.containers ?? []) views.push(viewOf(c, 'app', statuses.get(c.name)));
  return views;
}

/** A container state in words; `unknown` when the kubelet has not reported it yet. */
export function stateView(state: ContainerState | undefined): StateView {
  if (state?.running) return { phase: 'running', startedAt: state.running.startedAt };
  if (state?.waiting)
    return { phase: 'waiting', reason: state.waiting.reason, message: state.waiting.message };
  if (state?.terminated) {
    const t = state.terminated;
    return {
      phase: 'terminated',
      reason: t.reason,
      message: t.message,
      exitCode: t.exitCode,
      explanation: explainExitCode(t.exitCode, t.reason),
      startedAt: t.startedAt,
      finishedAt: t.finishedAt,
    };
  }
  return { phase: 'unknown' };
}

function viewOf(
  container: Container,
  role: ContainerRole,
  status: ContainerStatus | undefined,
): ContainerView {
  const last = status?.lastState;
  const probes: ContainerView['probes'] = [];
  if (container.startupProbe) probes.push({ kind: 'startup', text: describeProbe(container.startupProbe) });
  if (container.livenessProbe)
    probes.push({ kind: 'liveness', text: describeProbe(container.livenessProbe) });
  if (container.readinessProbe)
    probes.push({ kind: 'readiness', text: describeProbe(container.readinessProbe) });
  return {
    name: container.name,
    role,
    image: container.image ?? '',
    imageId: status?.imageID || undefined,
    state: stateView(status?.state),
    lastState: last && (last.running || last.waiting || last.terminated) ? stateView(last) : undefined,
    restarts: status?.restartCount ?? 0,
    ready: status?.ready,
    started: status?.started,
    probes,
    ports: (container.ports ?? []).map((p) => {
      const base = `${p.name ? `${p.name} ` : ''}${p.containerPort}/${p.protocol ?? 'TCP'}`;
      return p.hostPort ? `${base} (host ${p.hostPort})` : base;
    }),
  };
}

function byName(statuses: ContainerStatus[] | undefined): Map<string, ContainerStatus> {
  return new Map((statuses ?? []).map((s) => [s.name, s]));
}
