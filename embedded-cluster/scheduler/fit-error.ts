/**
 * The words of a scheduling failure, exactly as Kubernetes 1.32 writes them in the FailedScheduling
 * event and the PodScheduled condition (`FitError.Error()` in pkg/scheduler/framework/types.go, and
 * the default preemption plugin's message in pkg/scheduler/framework/preemption/preemption.go).
 */
import type { Rejection } from './filters/index.js';

/** What kube-scheduler says when the cluster has no node at all (`ErrNoNodesAvailable`). */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

/** Preemption's verdict on a node that failed for a reason evicting pods could not change. */
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
/** …and on a node that failed for a resolvable reason but holds no lower-priority pod to evict. */
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

/**
 * `0/<nodes> nodes are available: <histogram>.` where the histogram counts, for each reason, how
 * many nodes gave it (`<count> <reason>`), sorted as strings and joined with `, `; then the
 * post-filter (preemption) message, if any, followed by one more `.` — which is why real messages
 * end in `..`.
 */
export function fitErrorMessage(
  numAllNodes: number,
  rejections: Iterable<Rejection>,
  postFilterMessage = '',
): string {
  const counts = new Map<string, number>();
  for (const rejection of rejections) {
    for (const reason of rejection.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(byteOrder);
  let message = `0/${numAllNodes} nodes are available:`;
  if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
  if (postFilterMessage) message += ` ${postFilterMessage}.`;
  return message;
}

/**
 * What the DefaultPreemption post-filter reports when it finds nothing to evict, prefixed
 * `preemption: `. Kubedesk never preempts; every pod without a PriorityClass has priority 0, so
 * with no lower-priority pod anywhere this is also what Kubernetes says. A pod with
 * `preemptionPolicy: Never` is not eligible at all.
 */
export function preemptionMessage(
  numAllNodes: number,
  rejections: Iterable<Rejection>,
  preemptionPolicy: string | undefined,
): string {
  if (preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const verdicts: Rejection[] = [];
  for (const r of rejections) {
    const reason = r.code === 'Unschedulable' ? NO_PREEMPTION_VICTIMS : PREEMPTION_NOT_HELPFUL;
    verdicts.push({ ...r, reasons: [reason] });
  }
  return `preemption: ${fitErrorMessage(numAllNodes, verdicts)}`;
}

/** Go's `sort.Strings`: by bytes (UTF-16 code units agree for the ASCII these are written in). */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
