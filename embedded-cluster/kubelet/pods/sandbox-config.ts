import type { PodDnsEnvironment } from '../../api/pod-dns.js';
import type { CoreV1 } from '../../client/index.js';
import type { SandboxConfig } from '../runtime/container-runtime.js';
import { containerLabels } from './container-start.js';
import { podDns } from './dns.js';
import { runtimeUid } from './pod-uid.js';

/**
 * What the runtime is asked for when a pod needs a sandbox (kuberuntime_sandbox.go
 * `generatePodSandboxConfig`): the pod's identity and hostname, its host namespaces, its DNS
 * settings and the host ports its containers publish.
 */
export function sandboxConfig(nodeName: string, pod: CoreV1.Pod, dns: PodDnsEnvironment): SandboxConfig {
  const meta = pod.metadata!;
  const spec = pod.spec;
  return {
    podUid: runtimeUid(pod),
    namespace: meta.namespace!,
    name: meta.name!,
    hostname: spec?.hostname ?? meta.name!,
    hostNetwork: spec?.hostNetwork ?? false,
    hostPID: spec?.hostPID ?? false,
    hostIPC: spec?.hostIPC ?? false,
    shareProcessNamespace: spec?.shareProcessNamespace ?? false,
    ...podDns(pod, dns),
    portMappings: (spec?.containers ?? []).flatMap((c) =>
      (c.ports ?? [])
        .filter((p) => p.hostPort)
        .map((p) => ({
          containerPort: p.containerPort,
          hostPort: p.hostPort!,
          protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP',
          ...(p.hostIP ? { hostIP: p.hostIP } : {}),
        })),
    ),
    labels: containerLabels(nodeName, pod, undefined),
    annotations: meta.annotations ?? {},
  };
}
