import type { CoreV1 } from '../../../embedded-cluster/client/index.js';
import { NodeInfo, podInfoOf } from '../../../embedded-cluster/scheduler/node-info.js';

/** A Ready node with 4 CPUs, 8Gi, 110 pods unless told otherwise. */
export function node(
  name: string,
  options: {
    labels?: Record<string, string>;
    taints?: CoreV1.Taint[];
    unschedulable?: boolean;
    allocatable?: Record<string, string>;
    ready?: 'True' | 'False' | 'Unknown';
  } = {},
): NodeInfo {
  const info = new NodeInfo(name);
  info.setNode({
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...options.labels } },
    spec: {
      ...(options.taints ? { taints: options.taints } : {}),
      ...(options.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      allocatable: options.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: options.ready ?? 'True' }],
    },
  });
  return info;
}

let seq = 0;

/** A pod in `default` with one container; `spec` is merged over it. */
export function pod(
  spec: Partial<CoreV1.PodSpec> = {},
  labels: Record<string, string> = {},
  meta: Partial<CoreV1.Pod['metadata']> = {},
): CoreV1.Pod {
  return {
    metadata: { name: `p${seq++}`, namespace: 'default', labels, ...meta },
    spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
  };
}

export function requesting(
  requests: Record<string, string>,
  extra: Partial<CoreV1.PodSpec> = {},
): CoreV1.Pod {
  return pod({ containers: [{ name: 'c', image: 'x', resources: { requests } }], ...extra });
}

/** Place `p` on `n` as if bound there. */
export function place(n: NodeInfo, p: CoreV1.Pod): NodeInfo {
  n.addPod(podInfoOf({ ...p, spec: { ...p.spec!, nodeName: n.name } }));
  return n;
}
