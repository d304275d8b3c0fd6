import { toleratesTaint } from '../../api/scheduling/index.js';
import type { CoreV1 } from '../../client/index.js';

/**
 * Taints and tolerations as the node lifecycle and taint eviction controllers use them: which
 * taints a node's conditions call for, and whether a pod's tolerations cover a node's taints.
 * The matching rules are `Toleration.ToleratesTaint` (k8s.io/api/core/v1/toleration.go); the
 * condition → taint table is `nodeConditionToTaintKeyStatusMap` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/nodelifecycle/node_lifecycle_controller.go
 */

export const TAINT = {
  notReady: 'node.kubernetes.io/not-ready',
  unreachable: 'node.kubernetes.io/unreachable',
  unschedulable: 'node.kubernetes.io/unschedulable',
  memoryPressure: 'node.kubernetes.io/memory-pressure',
  diskPressure: 'node.kubernetes.io/disk-pressure',
  pidPressure: 'node.kubernetes.io/pid-pressure',
  networkUnavailable: 'node.kubernetes.io/network-unavailable',
} as const;

/** Which NoSchedule taint a node condition in a given status calls for. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT.notReady, Unknown: TAINT.unreachable },
  MemoryPressure: { True: TAINT.memoryPressure },
  DiskPressure: { True: TAINT.diskPressure },
  NetworkUnavailable: { True: TAINT.networkUnavailable },
  PIDPressure: { True: TAINT.pidPressure },
};

/** Keys of the NoSchedule taints this controller owns (and so may remove). */
const CONTROLLER_NO_SCHEDULE_KEYS = new Set<string>([
  TAINT.unschedulable,
  ...Object.values(CONDITION_TAINTS).flatMap((byStatus) => Object.values(byStatus)),
]);

/** The NoSchedule taints a node's conditions and `spec.unschedulable` call for (without timeAdded). */
export function conditionTaints(node: CoreV1.Node): CoreV1.Taint[] {
  const taints: CoreV1.Taint[] = [];
  for (const condition of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[condition.type]?.[condition.status];
    if (key) taints.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) taints.push({ key: TAINT.unschedulable, effect: 'NoSchedule' });
  return taints;
}

/** Whether two taints are the same taint (`Taint.MatchTaint`: key and effect). */
export function sameTaint(a: CoreV1.Taint, b: CoreV1.Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/**
 * The node's taints after reconciling the controller-owned NoSchedule taints with `wanted`
 * (`doNoScheduleTaintingPass`); undefined when nothing changes. New taints get `timeAdded`, as
 * `SwapNodeControllerTaint` stamps them.
 */
export function reconcileNoScheduleTaints(
  current: readonly CoreV1.Taint[],
  wanted: readonly CoreV1.Taint[],
  timeAdded: string,
): CoreV1.Taint[] | undefined {
  const owned = (t: CoreV1.Taint) => t.effect === 'NoSchedule' && CONTROLLER_NO_SCHEDULE_KEYS.has(t.key);
  const toRemove = current.filter((t) => owned(t) && !wanted.some((w) => sameTaint(w, t)));
  const toAdd = wanted.filter((w) => !current.some((t) => sameTaint(t, w)));
  if (toRemove.length === 0 && toAdd.length === 0) return undefined;
  return [...current.filter((t) => !toRemove.includes(t)), ...toAdd.map((t) => ({ ...t, timeAdded }))];
}

/**
 * The node's taints with `add` present and every taint in `remove` gone (`SwapNodeControllerTaint`);
 * undefined when nothing changes.
 */
export function swapTaints(
  current: readonly CoreV1.Taint[],
  add: readonly CoreV1.Taint[],
  remove: readonly CoreV1.Taint[],
  timeAdded: string,
): CoreV1.Taint[] | undefined {
  const kept = current.filter((t) => !remove.some((r) => sameTaint(r, t)));
  const added = add.filter((a) => !kept.some((t) => sameTaint(t, a))).map((a) => ({ ...a, timeAdded }));
  if (kept.length === current.length && added.length === 0) return undefined;
  return [...kept, ...added];
}

/** Whether `toleration` tolerates `taint` (`Toleration.ToleratesTaint`). */
export const tolerates = toleratesTaint;

/**
 * Whether every taint is tolerated, and by which tolerations (`GetMatchingTolerations`): the
 * tolerations used decide how long the pod may stay.
 */
export function matchingTolerations(
  taints: readonly CoreV1.Taint[],
  tolerations: readonly CoreV1.Toleration[],
): { allTolerated: boolean; used: CoreV1.Toleration[] } {
  const used: CoreV1.Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => tolerates(t, taint));
    if (!match) return { allTolerated: false, used: [] };
    used.push(match);
  }
  return { allTolerated: true, used };
}

/**
 * How long a pod may stay on a node given the tolerations it uses there, in ms
 * (`getMinTolerationTime`): the smallest `tolerationSeconds` (0 or less: none at all), or -1 when
 * none sets a limit (it may stay forever). No tolerations at all also means 0.
 */
export function minTolerationMs(used: readonly CoreV1.Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const toleration of used) {
    if (toleration.tolerationSeconds === undefined || toleration.tolerationSeconds === null) continue;
    if (toleration.tolerationSeconds <= 0) return 0;
    min = Math.min(min, toleration.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

/** The node's NoExecute taints. */
export function noExecuteTaints(node: CoreV1.Node | undefined): CoreV1.Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}
