import type { AppsV1, CoreV1 } from '../../client/index.js';
import type { NodeFit } from './node-eligibility.js';
import { availableIn, isFailed, isReady, isTerminating, isUpdated, oldestFirst } from './daemon-pods.js';

/**
 * What a DaemonSet sync should do, worked out from the cache without side effects: which nodes need
 * a pod, which pods go, and the status to report. The two halves copy `manage`/`podsShouldBeOnNode`
 * (https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/daemon/daemon_controller.go)
 * and `rollingUpdate` (https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/daemon/update.go).
 */

export interface NodeState {
  name: string;
  fit: NodeFit;
  /** Every pod of the DaemonSet bound to the node, terminating and failed ones included. */
  pods: CoreV1.Pod[];
}

export interface PlanInput {
  ds: AppsV1.DaemonSet;
  nodes: NodeState[];
  /** The current revision's hash. */
  hash: string;
  now: number;
}

export interface PodDeletion {
  pod: CoreV1.Pod;
  /** Why, when it is worth a Warning event (a failed daemon pod). */
  failedOn?: string;
}

export interface Plan {
  /** Nodes to create a pod on. */
  create: string[];
  delete: PodDeletion[];
  /** Look again after this long: a pod becomes available once ready for minReadySeconds. */
  recheckMs?: number;
}

/** `intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)`. */
export function scaled(value: number | string | undefined, total: number): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (match) return Math.ceil((Number(match[1]) * total) / 100);
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? 0 : n;
}

/** Plan a sync: keep one healthy pod per eligible node, then roll pods to the current revision. */
export function planSync(input: PlanInput): Plan {
  const plan: Plan = { create: [], delete: [] };
  const minReady = input.ds.spec?.minReadySeconds ?? 0;
  const available = (pod: CoreV1.Pod): boolean => {
    const wait = availableIn(pod, minReady, input.now);
    if (wait && wait > 0) plan.recheckMs = Math.min(plan.recheckMs ?? wait, wait);
    return wait === 0;
  };
  const surge = allowsSurge(input.ds, input.nodes);
  for (const node of input.nodes) manageNode(node, surge, input.hash, plan);
  if (input.ds.spec?.updateStrategy?.type !== 'OnDelete') rollingUpdate(input, available, plan);
  // A pod both halves want gone is deleted once.
  const seen = new Set<string>();
  plan.delete = plan.delete.filter(({ pod }) => {
    const key = pod.metadata?.name ?? '';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  plan.create = [...new Set(plan.create)];
  return plan;
}

function allowsSurge(ds: AppsV1.DaemonSet, nodes: NodeState[]): boolean {
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  if (ds.spec?.updateStrategy?.type === 'OnDelete' || !ru) return false;
  return scaled(ru.maxSurge, nodes.filter((n) => n.fit.shouldRun).length) > 0;
}

/** `podsShouldBeOnNode`: create where a pod is missing, remove failed, extra and unwanted ones. */
function manageNode(node: NodeState, surge: boolean, hash: string, plan: Plan): void {
  const { shouldRun, shouldContinueRunning } = node.fit;
  if (shouldRun && node.pods.length === 0) {
    plan.create.push(node.name);
    return;
  }
  if (!shouldContinueRunning) {
    for (const pod of node.pods) if (!isTerminating(pod)) plan.delete.push({ pod });
    return;
  }
  const running: CoreV1.Pod[] = [];
  for (const pod of node.pods) {
    if (isTerminating(pod)) continue;
    // A failed pod is replaced: deleted now, recreated by the next sync.
    if (isFailed(pod)) plan.delete.push({ pod, failedOn: node.name });
    else running.push(pod);
  }
  if (running.length <= 1) return;
  const sorted = oldestFirst(running);
  if (!surge) {
    for (const pod of sorted.slice(1)) plan.delete.push({ pod });
    return;
  }
  // With surge a node may hold an old and a new pod for a while: keep the oldest of each.
  const keepNew = sorted.find((p) => isUpdated(p, hash));
  const keepOld = sorted.find((p) => !isUpdated(p, hash));
  for (const pod of sorted) if (pod !== keepNew && pod !== keepOld) plan.delete.push({ pod });
}

/** `findUpdatedPodsOnNode`: the node's new and old pod; not ok when there are several of either. */
function splitByRevision(pods: readonly CoreV1.Pod[], hash: string) {
  let newPod: CoreV1.Pod | undefined;
  let oldPod: CoreV1.Pod | undefined;
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    if (isUpdated(pod, hash)) {
      if (newPod) return { ok: false as const };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false as const };
      oldPod = pod;
    }
  }
  return { ok: true as const, newPod, oldPod };
}

function rollingUpdate(input: PlanInput, available: (pod: CoreV1.Pod) => boolean, plan: Plan): void {
  const eligible = input.nodes.filter((n) => n.fit.shouldRun || n.pods.length > 0);
  const desired = input.nodes.filter((n) => n.fit.shouldRun).length;
  const ru = input.ds.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = scaled(ru?.maxSurge, desired);
  let maxUnavailable = scaled(ru?.maxUnavailable ?? 1, desired);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;

  if (maxSurge === 0) {
    // Delete old pods while no more than maxUnavailable nodes lack an available pod; the manage
    // half recreates them at the new revision.
    let unavailable = 0;
    const replaceNow: CoreV1.Pod[] = [];
    const candidates: CoreV1.Pod[] = [];
    for (const node of eligible) {
      const split = splitByRevision(node.pods, input.hash);
      if (!split.ok) {
        unavailable++;
        continue;
      }
      const { newPod, oldPod } = split;
      if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          // Out of date and not serving anyway: replace it whatever the budget says.
          replaceNow.push(oldPod);
          unavailable++;
        } else if (unavailable < maxUnavailable) candidates.push(oldPod);
      }
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    for (const pod of [...replaceNow, ...candidates.slice(0, room)]) plan.delete.push({ pod });
    return;
  }

  // Surge: start a new pod beside the old one on up to maxSurge nodes at a time, and remove the
  // old pod once the new one is available.
  let surging = 0;
  const replaceNow: string[] = [];
  const candidates: string[] = [];
  for (const node of eligible) {
    const split = splitByRevision(node.pods, input.hash);
    if (!split.ok) {
      surging++;
      continue;
    }
    const { newPod, oldPod } = split;
    if (!oldPod) continue;
    if (!newPod) {
      if (!node.fit.shouldRun) continue;
      if (!available(oldPod)) replaceNow.push(node.name);
      else if (surging < maxSurge) candidates.push(node.name);
    } else if (available(newPod)) {
      plan.delete.push({ pod: oldPod });
    } else {
      surging++;
    }
  }
  const room = Math.min(Math.max(0, maxSurge - surging), candidates.length);
  plan.create.push(...replaceNow, ...candidates.slice(0, room));
}

/** The status a sync reports (`updateDaemonSetStatus`), without observedGeneration. */
export function computeStatus(input: PlanInput): AppsV1.DaemonSetStatus {
  const minReady = input.ds.spec?.minReadySeconds ?? 0;
  const status = {
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
    updatedNumberScheduled: 0,
  };
  for (const node of input.nodes) {
    const pods = oldestFirst(node.pods.filter((p) => !isTerminating(p) && !isFailed(p)));
    if (!node.fit.shouldRun) {
      if (pods.length > 0) status.numberMisscheduled++;
      continue;
    }
    status.desiredNumberScheduled++;
    const pod = pods[0];
    if (!pod) continue;
    status.currentNumberScheduled++;
    if (isReady(pod)) status.numberReady++;
    if (availableIn(pod, minReady, input.now) === 0) status.numberAvailable++;
    if (pods.some((p) => isUpdated(p, input.hash))) status.updatedNumberScheduled++;
  }
  status.numberUnavailable = status.desiredNumberScheduled - status.numberAvailable;
  return status;
}
