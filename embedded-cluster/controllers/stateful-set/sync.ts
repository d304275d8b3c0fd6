import type { AppsV1, CoreV1 } from '../../client/index.js';
import { POD_REVISION_LABEL, type ControllerRevision } from '../history/controller-history.js';
import { atRevision } from './history.js';
import type { StatefulPodControl } from './pod-control.js';
import {
  identityLabels,
  identityMatches,
  newStatefulSetPod,
  ordinalOf,
  startOrdinal,
} from './pod-identity.js';

/**
 * One pass of the StatefulSet algorithm (`updateStatefulSet` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/statefulset/stateful_set_control.go):
 *
 * 1. Replace failed pods; create missing ordinals, lowest first. With `OrderedReady` it stops at the
 *    first pod that is missing, terminating or not yet Running and Ready (so web-1 waits for web-0);
 *    with `Parallel` it goes on.
 * 2. Scale down: delete ordinals past `replicas`, highest first, one at a time with `OrderedReady`
 *    and only while every other pod is healthy.
 * 3. With `RollingUpdate`, delete the highest-ordinal pod not at the update revision, down to the
 *    `partition`, one at a time and only once the pods above it are healthy again; step 1 of a later
 *    pass recreates it from the new template. `OnDelete` leaves replacing pods to the user.
 */

export interface SyncInput {
  set: AppsV1.StatefulSet;
  pods: CoreV1.Pod[];
  current: ControllerRevision;
  update: ControllerRevision;
  now: number;
}

export interface SyncResult {
  status: AppsV1.StatefulSetStatus;
  /** Look again after this long (a pod becoming available after minReadySeconds). */
  recheckMs?: number;
}

const isTerminating = (pod: CoreV1.Pod) => Boolean(pod.metadata?.deletionTimestamp);
const isFinished = (pod: CoreV1.Pod) => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
const revisionOf = (pod: CoreV1.Pod) => pod.metadata?.labels?.[POD_REVISION_LABEL] ?? '';

function isRunningAndReady(pod: CoreV1.Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)
  );
}

function isHealthy(pod: CoreV1.Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

/** Ready for minReadySeconds: 0; still waiting: the wait; not ready: undefined. */
function availableIn(pod: CoreV1.Pod, minReadySeconds: number, now: number): number | undefined {
  if (!isRunningAndReady(pod)) return undefined;
  if (minReadySeconds <= 0) return 0;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const since = ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : now;
  return Math.max(0, since + minReadySeconds * 1000 - now);
}

export async function syncStatefulSet(input: SyncInput, control: StatefulPodControl): Promise<SyncResult> {
  const { set, current, update, now } = input;
  const currentName = current.metadata!.name!;
  const updateName = update.metadata!.name!;
  const currentSet = atRevision(set, current);
  const updateSet = atRevision(set, update);
  const minReady = set.spec?.minReadySeconds ?? 0;
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
  const replicaCount = set.spec?.replicas ?? 1;
  const start = startOrdinal(set);
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  let recheckMs: number | undefined;

  const status = {
    observedGeneration: set.metadata?.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    currentRevision: currentName,
    updateRevision: updateName,
  };
  const countRevision = (pod: CoreV1.Pod, delta: number) => {
    if (revisionOf(pod) === currentName) status.currentReplicas += delta;
    if (revisionOf(pod) === updateName) status.updatedReplicas += delta;
  };

  // Sort members into the wanted ordinals and the condemned ones beyond them.
  const replicas: (CoreV1.Pod | undefined)[] = new Array(replicaCount).fill(undefined);
  const condemned: CoreV1.Pod[] = [];
  for (const pod of input.pods) {
    status.replicas++;
    if (isRunningAndReady(pod)) status.readyReplicas++;
    const wait = availableIn(pod, minReady, now);
    if (wait === 0) status.availableReplicas++;
    else if (wait !== undefined) recheckMs = Math.min(recheckMs ?? wait, wait);
    if (!isTerminating(pod)) countRevision(pod, 1);
    const ordinal = ordinalOf(set, pod);
    if (ordinal >= start && ordinal < start + replicaCount) replicas[ordinal - start] = pod;
    else if (ordinal >= 0) condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(set, a) - ordinalOf(set, b));

  // A pod made now takes the current revision below the partition, the update revision above it.
  const newPod = (ordinal: number) =>
    set.spec?.updateStrategy?.type !== 'OnDelete' && ordinal < start + partition
      ? newStatefulSetPod(set, currentSet, ordinal, currentName)
      : newStatefulSetPod(set, updateSet, ordinal, updateName);
  const done = () => ({
    status: completeRollingUpdate(set, status),
    ...(recheckMs !== undefined ? { recheckMs } : {}),
  });

  if (set.metadata?.deletionTimestamp) return done();

  // 1. Create and repair the wanted ordinals, lowest first.
  for (let i = 0; i < replicaCount; i++) {
    const ordinal = start + i;
    let pod = replicas[i];
    if (pod && isFinished(pod) && !isTerminating(pod)) {
      await control.deletePod(set, pod);
      countRevision(pod, -1);
      status.replicas--;
      // The name is free only once the old pod has gone; its deletion brings us back.
      if (monotonic) return done();
      continue;
    }
    if (!pod) {
      pod = newPod(ordinal);
      await control.createPod(set, pod);
      status.replicas++;
      countRevision(pod, 1);
      if (monotonic) return done();
      continue;
    }
    if (isTerminating(pod)) {
      if (monotonic) return done();
      continue;
    }
    if (!isRunningAndReady(pod) && monotonic) return done();
    if (monotonic && availableIn(pod, minReady, now) !== 0) return done();
    if (!identityMatches(set, pod)) await control.relabelPod(set, pod, identityLabels(set, ordinal));
    // Claims deleted by hand come back, as Kubernetes recreates them for running pods.
    await control.createClaims(set, pod);
  }

  // 2. Scale down, highest ordinal first.
  const unhealthy = [...replicas, ...condemned].find((p) => p !== undefined && !isHealthy(p));
  for (let target = condemned.length - 1; target >= 0; target--) {
    const pod = condemned[target]!;
    if (isTerminating(pod)) {
      if (monotonic) return done();
      continue;
    }
    // Only the first unhealthy pod may go while it is unhealthy; any other waits.
    if (monotonic && !isRunningAndReady(pod) && unhealthy !== pod) return done();
    await control.handOverClaims(set, pod);
    await control.deletePod(set, pod);
    if (monotonic) return done();
  }

  // 3. Rolling update, highest ordinal first, down to the partition.
  if (set.spec?.updateStrategy?.type === 'OnDelete') return done();
  for (let i = replicaCount - 1; i >= Math.max(0, partition); i--) {
    const pod = replicas[i];
    if (!pod) return done();
    if (revisionOf(pod) !== updateName && !isTerminating(pod)) {
      await control.deletePod(set, pod);
      status.currentReplicas--;
      return done();
    }
    if (!isHealthy(pod)) return done();
  }
  return done();
}

/**
 * Once every pod runs the update revision and is ready, it becomes the current revision
 * (`completeRollingUpdate`).
 */
function completeRollingUpdate<
  S extends {
    replicas: number;
    readyReplicas: number;
    updatedReplicas: number;
    currentReplicas: number;
    currentRevision: string;
    updateRevision: string;
  },
>(set: AppsV1.StatefulSet, status: S): S {
  if (
    set.spec?.updateStrategy?.type !== 'OnDelete' &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    return { ...status, currentRevision: status.updateRevision, currentReplicas: status.updatedReplicas };
  }
  return { ...status };
}
