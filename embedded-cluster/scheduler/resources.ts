import { quantityMilliValue, quantityValue, tryParseQuantity } from '../api/validation/quantity.js';
import type { CoreV1 } from '../client/index.js';

/**
 * An amount of each resource the scheduler accounts for, as the scheduler framework's `Resource`
 * (pkg/scheduler/framework/types.go): cpu in millicores, memory and ephemeral storage in bytes, and
 * every other named resource (extended resources such as `example.com/gpu`, `hugepages-2Mi`) as an
 * integer count under {@link scalar}.
 */
export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  scalar: Record<string, number>;
}

/** What a node offers: its allocatable resources and how many pods it may run. */
export interface Allocatable extends Resources {
  pods: number;
}

/**
 * What a container that asks for nothing still counts as when scoring (not when filtering), so that
 * best-effort pods spread instead of piling on one node (pkg/scheduler/util `DefaultMilliCPURequest`,
 * `DefaultMemoryRequest`).
 */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Resource names accounted for by their own field or not by the scheduler at all. */
const NOT_SCALAR = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods', 'storage']);

export function emptyResources(): Resources {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

/** A resource list (`requests`, `allocatable`, `overhead`) as {@link Resources}; malformed values count as 0. */
export function resourcesOf(list: Record<string, unknown> | undefined): Resources {
  const out = emptyResources();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(raw);
    if (!q) continue;
    if (name === 'cpu') out.milliCpu = Number(quantityMilliValue(q));
    else if (name === 'memory') out.memory = Number(quantityValue(q));
    else if (name === 'ephemeral-storage') out.ephemeralStorage = Number(quantityValue(q));
    else if (!NOT_SCALAR.has(name)) out.scalar[name] = Number(quantityValue(q));
  }
  return out;
}

/** A node's allocatable resources (status.allocatable, else status.capacity) and pod count. */
export function allocatableOf(node: CoreV1.Node | undefined): Allocatable {
  const list = (node?.status?.allocatable ?? node?.status?.capacity ?? {}) as Record<string, unknown>;
  const q = tryParseQuantity(list['pods']);
  return { ...resourcesOf(list), pods: q ? Number(quantityValue(q)) : 0 };
}

export function addResources(into: Resources, add: Resources, sign = 1): void {
  into.milliCpu += sign * add.milliCpu;
  into.memory += sign * add.memory;
  into.ephemeralStorage += sign * add.ephemeralStorage;
  for (const [name, value] of Object.entries(add.scalar)) {
    into.scalar[name] = (into.scalar[name] ?? 0) + sign * value;
  }
}

function maxInto(into: Resources, other: Resources): void {
  into.milliCpu = Math.max(into.milliCpu, other.milliCpu);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const [name, value] of Object.entries(other.scalar)) {
    into.scalar[name] = Math.max(into.scalar[name] ?? 0, value);
  }
}

function cloneResources(r: Resources): Resources {
  return { ...r, scalar: { ...r.scalar } };
}

function containerRequests(container: CoreV1.Container, nonZero: boolean): Resources {
  const requests = container.resources?.requests as Record<string, unknown> | undefined;
  const r = resourcesOf(requests);
  if (nonZero) {
    if (!requests || !('cpu' in requests)) r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (!requests || !('memory' in requests)) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * What a pod asks of its node, as `resourcehelper.PodRequests` computes it
 * (k8s.io/component-helpers/resource): the sum of its containers' requests plus its sidecars
 * (init containers with `restartPolicy: Always`), or the largest single init container (with the
 * sidecars started before it) if that is more, plus the pod's `overhead`. With `nonZero`, containers
 * that ask for no cpu or memory count the scoring defaults instead.
 */
export function podRequests(pod: CoreV1.Pod, nonZero = false): Resources {
  const total = emptyResources();
  for (const c of pod.spec?.containers ?? []) addResources(total, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addResources(total, r);
      addResources(sidecars, r);
      maxInto(initMax, sidecars);
    } else {
      const withSidecars = cloneResources(r);
      addResources(withSidecars, sidecars);
      maxInto(initMax, withSidecars);
    }
  }
  maxInto(total, initMax);
  if (pod.spec?.overhead) addResources(total, resourcesOf(pod.spec.overhead as Record<string, unknown>));
  return total;
}
