import type { CoreV1 } from '../../client/index.js';
import { isPodActive, isPodReady, podReadySince } from './pod-status.js';

/**
 * Which pods a ReplicaSet deletes first when it has too many: kube's `ActivePodsWithRanks` order
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go), with
 * the LogarithmicScaleDown and PodDeletionCost features on, as they are by default.
 */

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/**
 * The `diff` pods of `pods` to delete, preferring: unscheduled, then pending (then unknown), then
 * not ready, then lower deletion cost, then pods doubled up on a node with more of their siblings
 * (`related`: the pods of every ReplicaSet with the same owner), then the most recently ready, then
 * the most restarted, then the newest.
 */
export function podsToDelete(
  pods: readonly CoreV1.Pod[],
  related: readonly CoreV1.Pod[],
  diff: number,
  now: number,
): CoreV1.Pod[] {
  if (diff >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const pod of related) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec?.nodeName ?? '';
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: perNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a.pod, a.rank, b.pod, b.rank, now));
  return ranked.slice(0, diff).map((r) => r.pod);
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(
  a: CoreV1.Pod,
  rankA: number,
  b: CoreV1.Pod,
  rankB: number,
  now: number,
): number {
  const nodeA = a.spec?.nodeName ?? '';
  const nodeB = b.spec?.nodeName ?? '';
  // 1. Unassigned before assigned.
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
  // 2. Pending before Unknown before Running.
  const phaseA = PHASE_ORDER[a.status?.phase ?? ''] ?? 0;
  const phaseB = PHASE_ORDER[b.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  // 3. Not ready before ready.
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  // 4. Lower pod-deletion-cost first.
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA - costB;
  // 5. More siblings on the same node first.
  if (rankA !== rankB) return rankB - rankA;
  // 6. Ready for less time first, compared on a log scale so similar ages tie.
  if (readyA && readyB) {
    const order = newerFirst(a, podReadySince(a), b, podReadySince(b), now);
    if (order !== undefined) return order;
  }
  // 7. More container restarts first.
  const restarts = maxRestarts(b) - maxRestarts(a);
  if (restarts !== 0) return restarts;
  // 8. Newer first (log scale).
  return newerFirst(a, created(a), b, created(b), now) ?? 0;
}

/**
 * Newer time first, undefined when the times are equal. Times in the same power-of-two age bucket
 * tie, and ties go by uid, so which of many similar pods goes is spread rather than always the
 * youngest.
 */
function newerFirst(
  a: CoreV1.Pod,
  timeA: number | undefined,
  b: CoreV1.Pod,
  timeB: number | undefined,
  now: number,
): number | undefined {
  if (timeA === timeB) return undefined;
  // A missing time sorts first (afterOrZero).
  if (timeA === undefined) return -1;
  if (timeB === undefined) return 1;
  const diff = logRank(now - timeA) - logRank(now - timeB);
  if (diff !== 0) return diff;
  const uidA = a.metadata?.uid ?? '';
  const uidB = b.metadata?.uid ?? '';
  return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
}

/** `int(log2(duration in ns))`, or -1 for no duration: kube's logarithmic scale-down buckets. */
function logRank(ms: number): number {
  return ms > 0 ? Math.floor(Math.log2(ms * 1e6)) : -1;
}

function created(pod: CoreV1.Pod): number | undefined {
  const at = pod.metadata?.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

function deletionCost(pod: CoreV1.Pod): number {
  const value = Number.parseInt(pod.metadata?.annotations?.[DELETION_COST] ?? '', 10);
  return Number.isNaN(value) ? 0 : value;
}

function maxRestarts(pod: CoreV1.Pod): number {
  let max = 0;
  for (const status of pod.status?.containerStatuses ?? []) max = Math.max(max, status.restartCount ?? 0);
  return max;
}
