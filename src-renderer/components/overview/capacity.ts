/**
 * Node capacity and usage for the overview: allocatable CPU, memory and pods from each Node's
 * status, usage from `metrics.k8s.io` NodeMetrics when the cluster serves it, and the pods
 * running on the node (finished pods no longer hold their slot, as the scheduler counts).
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../details/quantity.js';

export interface Gauge {
  /** Allocatable: what pods may use. */
  total: number;
  /** Undefined when not known (no metrics). */
  used: number | undefined;
}

export interface NodeCapacity {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  cpu: Gauge;
  memory: Gauge;
  pods: Gauge;
}

export interface NodeMetricsLike {
  metadata: { name?: string };
  usage?: { cpu?: string; memory?: string };
}

export function nodeCapacities(
  nodes: readonly Node[],
  pods: readonly Pod[],
  metrics: readonly NodeMetricsLike[] | undefined,
): NodeCapacity[] {
  const podsOn = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    podsOn.set(node, (podsOn.get(node) ?? 0) + 1);
  }
  const usage = new Map((metrics ?? []).map((m) => [m.metadata.name, m.usage]));
  return nodes.map((node) => {
    const name = node.metadata?.name ?? '';
    const allocatable = node.status?.allocatable ?? {};
    const used = usage.get(name);
    return {
      name,
      ready: node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
      unschedulable: !!node.spec?.unschedulable,
      cpu: { total: parseQuantity(allocatable.cpu), used: used ? parseQuantity(used.cpu) : undefined },
      memory: {
        total: parseQuantity(allocatable.memory),
        used: used ? parseQuantity(used.memory) : undefined,
      },
      pods: { total: parseQuantity(allocatable.pods), used: podsOn.get(name) ?? 0 },
    };
  });
}

export const PHASES = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'] as const;

/** Pods per phase, every phase present (0 when none). */
export function podsByPhase(pods: readonly Pod[]): Record<(typeof PHASES)[number], number> {
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0, Unknown: 0 };
  for (const pod of pods) {
    const phase = (pod.status?.phase ?? 'Unknown') as keyof typeof counts;
    counts[phase in counts ? phase : 'Unknown']++;
  }
  return counts;
}
