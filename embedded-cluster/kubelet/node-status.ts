import { arch, release } from 'node:os';
import type { CoreV1 } from '../client/index.js';
import { nodeResources, type HostResources } from './node-resources.js';

/** The kubelet version nodes report: the API server's, as a kubelet of the same release. */
export const KUBELET_VERSION = 'v1.32.0+kubedesk';

/** What a node says about itself beyond its measured resources: which runtime it runs. */
export interface NodeIdentity {
  /** `<runtime>://<version>`, e.g. `simulated://1.0.0` or `docker://27.1.1`. */
  containerRuntimeVersion: string;
  /** The operating system image, as `/etc/os-release`'s PRETTY_NAME on a real node. */
  osImage: string;
  machineID?: string;
  systemUUID?: string;
  bootID?: string;
}

/** Everything a status is built from, measured or decided by the caller. */
export interface NodeFacts {
  nodeName: string;
  resources: HostResources;
  /** The InternalIP. */
  address: string;
  identity: NodeIdentity;
  /** The kubelet's `--max-pods` (default 110). */
  maxPods?: number;
}

/** Kubernetes' name for the machine architecture Node reports (`x64` is `amd64`). */
export function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

/** The labels a kubelet puts on its Node at registration (kubelet_node_status.go `initialNode`). */
export function nodeLabels(nodeName: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': goArch(),
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': goArch(),
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': 'linux',
    // One node runs everything, the control plane included, as kind and minikube label theirs.
    'node-role.kubernetes.io/control-plane': '',
    ...extra,
  };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The node's conditions as a healthy kubelet reports them, keeping each one's
 * `lastTransitionTime` from `previous` when its status has not changed
 * (pkg/kubelet/nodestatus/setters.go: `MemoryPressureCondition`, `ReadyCondition`, …).
 */
export function nodeConditions(previous: CoreV1.NodeCondition[] | undefined, now: number) {
  const time = rfc3339(now);
  const condition = (type: string, status: string, reason: string, message: string) => {
    const before = previous?.find((c) => c.type === type);
    return {
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: time,
      lastTransitionTime:
        before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : time,
    };
  };
  return [
    condition(
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** `status` of the Node for `facts`, without conditions (they depend on time, see {@link nodeConditions}). */
export function nodeStatusFacts(facts: NodeFacts): CoreV1.NodeStatus {
  const { capacity, allocatable } = nodeResources(facts.resources, facts.maxPods);
  const id = facts.identity;
  return {
    capacity,
    allocatable,
    addresses: [
      { type: 'InternalIP', address: facts.address },
      { type: 'Hostname', address: facts.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id.machineID ?? '',
      systemUUID: id.systemUUID ?? '',
      bootID: id.bootID ?? '',
      kernelVersion: release(),
      osImage: id.osImage,
      containerRuntimeVersion: id.containerRuntimeVersion,
      kubeletVersion: KUBELET_VERSION,
      // Deprecated and left empty since 1.31 (the kubelet cannot know kube-proxy's version).
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: goArch(),
    },
  };
}

/** Whether two measured statuses differ in what a kubelet would report at once (not waiting 5 min). */
export function statusChanged(a: CoreV1.NodeStatus, b: CoreV1.NodeStatus): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}
