import type { CoreV1 } from '../client/index.js';

/**
 * The strategic-merge patch of `pods/<name>/status` that records a failed attempt as the condition
 * `PodScheduled=False` with `reason` and `message`, or undefined when the pod already says exactly
 * that (kube's `updatePod` with `podutil.UpdatePodCondition`: the transition time moves only when
 * the status does).
 */
export function conditionPatch(
  pod: CoreV1.Pod,
  reason: string,
  message: string,
  now: number,
): { status: { conditions: Record<string, unknown>[] } } | undefined {
  const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (existing?.status === 'False' && existing.reason === reason && existing.message === message)
    return undefined;
  const lastTransitionTime =
    existing?.status === 'False' && existing.lastTransitionTime ? existing.lastTransitionTime : rfc3339(now);
  return {
    status: {
      conditions: [
        { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime },
      ],
    },
  };
}

/**
 * Whether an update to an unscheduled pod changed anything scheduling reads (kube's
 * `isPodUpdated`: everything but resourceVersion, generation, managedFields, finalizers and status).
 */
export function podChangedForScheduling(old: CoreV1.Pod, pod: CoreV1.Pod): boolean {
  return (
    json(old.spec) !== json(pod.spec) ||
    json(old.metadata?.labels) !== json(pod.metadata?.labels) ||
    json(old.metadata?.annotations) !== json(pod.metadata?.annotations) ||
    old.metadata?.deletionTimestamp !== pod.metadata?.deletionTimestamp
  );
}

/**
 * Whether a node update could change a scheduling decision: its labels, taints, cordon,
 * allocatable resources or readiness. Heartbeat-only status writes do not wake waiting pods.
 */
export function nodeChangedForScheduling(old: CoreV1.Node, node: CoreV1.Node): boolean {
  const ready = (n: CoreV1.Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    json(old.metadata?.labels) !== json(node.metadata?.labels) ||
    json(old.spec?.taints) !== json(node.spec?.taints) ||
    !!old.spec?.unschedulable !== !!node.spec?.unschedulable ||
    json(old.status?.allocatable) !== json(node.status?.allocatable) ||
    ready(old) !== ready(node)
  );
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
