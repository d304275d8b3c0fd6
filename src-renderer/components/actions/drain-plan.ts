/**
 * Which pods a drain evicts, following `kubectl drain`'s filters
 * (k8s.io/kubectl/pkg/drain/filters.go) with `--ignore-daemonsets` always on:
 * - DaemonSet pods are skipped (the DaemonSet controller would recreate them on the node at once);
 * - mirror pods (annotation `kubernetes.io/config.mirror`, static pods the kubelet reports) are
 *   skipped: the API cannot delete them;
 * - pods already being deleted are skipped;
 * - pods no controller manages are blocked unless `force` (nothing would recreate them), and
 *   pods with `emptyDir` volumes unless `deleteEmptyDirData` (that data is lost) — finished pods
 *   (Succeeded, Failed) are never blocked, there is nothing left to lose.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export interface DrainOptions {
  force?: boolean;
  deleteEmptyDirData?: boolean;
}

export interface DrainPlan {
  evict: Pod[];
  skipped: { pod: Pod; reason: string }[];
  /** Pods that stop the drain until the user allows them (force, delete emptyDir data). */
  blocked: { pod: Pod; reason: string }[];
}

export function planDrain(pods: readonly Pod[], options: DrainOptions = {}): DrainPlan {
  const plan: DrainPlan = { evict: [], skipped: [], blocked: [] };
  for (const pod of pods) {
    const controller = pod.metadata?.ownerReferences?.find((ref) => ref.controller);
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
      plan.skipped.push({ pod, reason: 'mirror pod (static pod of the kubelet)' });
    } else if (controller?.kind === 'DaemonSet') {
      plan.skipped.push({ pod, reason: `managed by DaemonSet ${controller.name}` });
    } else if (pod.metadata?.deletionTimestamp) {
      plan.skipped.push({ pod, reason: 'already being deleted' });
    } else if (!controller && !finished && !options.force) {
      plan.blocked.push({ pod, reason: 'not managed by a controller (allow with "force")' });
    } else if (!finished && !options.deleteEmptyDirData && pod.spec?.volumes?.some((v) => v.emptyDir)) {
      plan.blocked.push({ pod, reason: 'uses emptyDir local storage (allow with "delete emptyDir data")' });
    } else {
      plan.evict.push(pod);
    }
  }
  return plan;
}
