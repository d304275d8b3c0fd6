import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { LogSource } from '../../streams/log-follower.js';

/** A container the picker offers, with the list it is in. */
export interface ContainerOption {
  name: string;
  kind: 'init' | 'sidecar' | 'app' | 'ephemeral';
}

/**
 * Every container of a pod, in the order the kubelet starts them: init containers (those with
 * `restartPolicy: Always` are sidecars, which keep running), app containers, ephemeral ones.
 */
export function containerOptions(pod: Pod | undefined): ContainerOption[] {
  const spec = pod?.spec;
  if (!spec) return [];
  const init = (c: Container): ContainerOption => ({
    name: c.name,
    kind: c.restartPolicy === 'Always' ? 'sidecar' : 'init',
  });
  return [
    ...(spec.initContainers ?? []).map(init),
    ...spec.containers.map((c) => ({ name: c.name, kind: 'app' as const })),
    ...(spec.ephemeralContainers ?? []).map((c) => ({ name: c.name, kind: 'ephemeral' as const })),
  ];
}

/**
 * The container `kubectl logs` picks without `-c`: the one named by the
 * `kubectl.kubernetes.io/default-container` annotation, else the first app container.
 */
export function defaultContainer(pod: Pod | undefined): string | undefined {
  const annotated = pod?.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const names = pod?.spec?.containers.map((c) => c.name) ?? [];
  return annotated && names.includes(annotated) ? annotated : names[0];
}

/** The app container names across pods (a workload's pods share a template), in first-seen order. */
export function workloadContainers(pods: readonly Pod[]): string[] {
  const names = new Set<string>();
  for (const pod of pods) for (const c of pod.spec?.containers ?? []) names.add(c.name);
  return [...names];
}

/** The `[pod/container]` a merged line starts with. */
export function sourceLabel(source: Pick<LogSource, 'pod' | 'container'>): string {
  return `[${source.pod}/${source.container}]`;
}

/**
 * A source's colour: the theme's series colours (`--kd-series-1` … `-8`), falling back to its
 * status colours where a theme defines no series.
 */
export function sourceColor(index: number): string {
  const fallbacks = ['--kd-accent', '--kd-ok', '--kd-warning', '--kd-danger'];
  return `var(--kd-series-${(index % 8) + 1}, var(${fallbacks[index % fallbacks.length]}))`;
}

/** The choices of `sinceSeconds` (undefined: everything). */
export const SINCE_CHOICES: { label: string; seconds: number | undefined }[] = [
  { label: 'all time', seconds: undefined },
  { label: '5 minutes', seconds: 300 },
  { label: '15 minutes', seconds: 900 },
  { label: '1 hour', seconds: 3600 },
  { label: '6 hours', seconds: 21_600 },
  { label: '24 hours', seconds: 86_400 },
];

/** The choices of `tailLines` (undefined: all). */
export const TAIL_CHOICES: { label: string; lines: number | undefined }[] = [
  { label: 'last 100', lines: 100 },
  { label: 'last 1,000', lines: 1000 },
  { label: 'last 10,000', lines: 10_000 },
  { label: 'all lines', lines: undefined },
];

/** A log file's name: `<name>-<yyyymmdd-hhmmss>.log`. */
export function logFileName(name: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${name.replace(/[^\w.-]+/g, '_')}-${stamp}.log`;
}

/** A line count in words, e.g. `12,345 lines`. */
export function countLines(n: number): string {
  return `${n.toLocaleString('en-US')} line${n === 1 ? '' : 's'}`;
}
