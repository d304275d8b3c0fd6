import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';

/**
 * How a port-forward's target port becomes a pod's container port, and which pods may serve it:
 * the same rules as `kubectl port-forward` (k8s.io/kubectl/pkg/cmd/portforward/portforward.go,
 * `translateServicePortToTargetPort` and `convertPodNamedPortToNumber`) and as the endpoints
 * controllers' idea of a ready pod. Pure functions over API objects; no I/O.
 */

/** A target that cannot be forwarded to as asked (a missing named port, a Service without a selector). */
export class TargetError extends Error {
  override name = 'TargetError';
}

/** `"8080"` → 8080; a name stays a name. Numbers outside 1–65535 are refused. */
export function normalizePort(port: number | string): number | string {
  const value = typeof port === 'string' && /^\d+$/.test(port.trim()) ? Number(port.trim()) : port;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new TargetError(`port ${value} is not between 1 and 65535`);
    }
    return value;
  }
  if (value.trim() === '') throw new TargetError('port must not be empty');
  return value.trim();
}

/**
 * The container port of `pod` that `port` names: a number is used as is (kubectl does not check
 * that a container declares it), a name must be some container's `ports[].name`.
 */
export function podContainerPort(pod: Pod, port: number | string): number {
  const wanted = normalizePort(port);
  if (typeof wanted === 'number') return wanted;
  for (const container of pod.spec?.containers ?? []) {
    for (const p of container.ports ?? []) {
      if (p.name === wanted) return p.containerPort;
    }
  }
  throw new TargetError(`pod ${pod.metadata?.name ?? ''} does not have a named port '${wanted}'`);
}

/**
 * The target port behind a Service's port (given by number or by name): its `targetPort`, which
 * is a number, a container port's name, or absent (then the same number as the port).
 */
export function serviceTargetPort(service: Service, port: number | string): number | string {
  const wanted = normalizePort(port);
  const ports = service.spec?.ports ?? [];
  const match = ports.find((p) => (typeof wanted === 'number' ? p.port === wanted : p.name === wanted));
  const name = service.metadata?.name ?? '';
  if (!match) {
    const have = ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ');
    throw new TargetError(
      `service ${name} does not have a service port ${wanted}` + (have ? `; its ports: ${have}` : ''),
    );
  }
  const target = match.targetPort;
  if (target === undefined || target === '' || target === 0) return match.port;
  return typeof target === 'string' && /^\d+$/.test(target) ? Number(target) : target;
}

/** Whether `pod` may take new connections: Running, Ready, and not being deleted. */
export function isPodReady(pod: Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (pod.status?.phase !== 'Running') return false;
  return (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * A label selector as the `labelSelector` query parameter wants it
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 * An empty selector selects everything, as it does for a workload's pods.
 */
export function labelSelectorQuery(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        throw new TargetError(`unknown label selector operator ${e.operator}`);
    }
  }
  return parts.join(',');
}

/**
 * Which of `candidates` (pod names, all ready) to forward to: the current one while it stays a
 * candidate, so connections are not moved for nothing; else the first by name, so the choice is
 * the same on every resolve.
 */
export function pickPod(candidates: readonly string[], current: string | undefined): string | undefined {
  if (current !== undefined && candidates.includes(current)) return current;
  return [...candidates].sort()[0];
}
