import { statfs } from 'node:fs/promises';
import { cpus, networkInterfaces, tmpdir, totalmem } from 'node:os';

/** What the host offers, as a kubelet measures it (cAdvisor's machine info and the root dir's filesystem). */
export interface HostResources {
  cpus: number;
  memoryBytes: number;
  /** Size of the filesystem holding the node's data directory (the kubelet's root dir). */
  storageBytes: number;
}

/** The most pods one node takes, the kubelet's `--max-pods` default. */
export const MAX_PODS = 110;

/**
 * The hard eviction thresholds a kubelet starts with on Linux (`memory.available<100Mi`,
 * `nodefs.available<10%`). There are no kube/system reservations by default, so these are all
 * that allocatable leaves out of capacity.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/cm/node_container_manager_linux.go
 * (`GetNodeAllocatableReservation`) and pkg/kubelet/eviction/defaults_linux.go.
 */
export const EVICTION_HARD = { memoryBytes: 100 * 1024 * 1024, nodefsFraction: 0.1 } as const;

/** Measure the host: CPU count, total memory, and the size of `dataDir`'s filesystem. */
export async function readHostResources(dataDir: string = tmpdir()): Promise<HostResources> {
  let storageBytes = 0;
  try {
    const fs = await statfs(dataDir);
    storageBytes = fs.blocks * fs.bsize;
  } catch {
    // An unreadable directory reports no storage rather than stopping the node.
  }
  // os.cpus() parses /proc/cpuinfo (milliseconds each call), and the count does not change.
  cpuCount ??= cpus().length;
  return { cpus: cpuCount, memoryBytes: totalmem(), storageBytes };
}

let cpuCount: number | undefined;

/**
 * A byte count as Kubernetes prints a binary quantity: with the largest suffix that divides it
 * exactly (`16302156Ki`, `100Mi`), else as plain bytes (`242541353378`).
 */
export function bytesQuantity(bytes: number): string {
  let value = Math.max(0, Math.floor(bytes));
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let suffix = 0;
  while (value > 0 && value % 1024 === 0 && suffix < suffixes.length - 1) {
    value /= 1024;
    suffix++;
  }
  return `${value}${suffixes[suffix]}`;
}

/** `status.capacity` and `status.allocatable` of a node on `host`, as a default-configured kubelet reports them. */
export function nodeResources(
  host: HostResources,
  maxPods: number = MAX_PODS,
): {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
} {
  const capacity = {
    cpu: String(host.cpus),
    'ephemeral-storage': bytesQuantity(host.storageBytes),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: bytesQuantity(host.memoryBytes),
    pods: String(maxPods),
  };
  const allocatable = {
    ...capacity,
    'ephemeral-storage': bytesQuantity(
      Math.max(0, host.storageBytes - Math.ceil(host.storageBytes * EVICTION_HARD.nodefsFraction)),
    ),
    memory: bytesQuantity(Math.max(0, host.memoryBytes - EVICTION_HARD.memoryBytes)),
  };
  return { capacity, allocatable };
}

/**
 * The node's InternalIP: the host's first non-loopback IPv4 address, as a kubelet without
 * `--node-ip` picks the address of its default interface; 127.0.0.1 when there is none.
 */
export function hostAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}
