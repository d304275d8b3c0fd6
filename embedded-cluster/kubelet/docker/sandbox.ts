import { RUNTIME_LABELS, type SandboxConfig } from '../runtime/container-runtime.js';
import type { ContainerCreateOptions } from './docker-api.js';
import { DOCKER_LABELS, TYPE_SANDBOX, namePart } from './labels.js';

/** Sandbox settings that do not come from the pod. */
export interface SandboxEnvironment {
  nodeName: string;
  networkName: string;
  pauseImage: string;
  /** Added to the name when an earlier sandbox of the pod still holds it. */
  attempt: number;
}

/**
 * The pause container that holds a pod's namespaces, as dockershim made it
 * (pkg/kubelet/dockershim/docker_sandbox.go, removed in 1.24): named
 * `k8s_POD_<pod>_<namespace>_<uid>_<attempt>`, on the cluster network (or the host's), its IPC
 * namespace shareable so the app containers join it, and with `shareProcessNamespace` the PID
 * namespace the app containers join too (the pause process is then PID 1 and reaps zombies).
 */
export function sandboxCreateOptions(config: SandboxConfig, env: SandboxEnvironment): ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp?: string; HostPort: string }[]> = {};
  for (const mapping of config.portMappings) {
    if (!mapping.hostPort) continue;
    const key = `${mapping.containerPort}/${mapping.protocol.toLowerCase()}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({
      HostPort: String(mapping.hostPort),
      ...(mapping.hostIP ? { HostIp: mapping.hostIP } : {}),
    });
  }
  const pidMode = config.hostPID ? 'host' : config.shareProcessNamespace ? 'pod' : 'container';
  return {
    name: `k8s_POD_${namePart(config.name)}_${namePart(config.namespace)}_${namePart(config.podUid)}_${env.attempt}`,
    Image: env.pauseImage,
    // Docker refuses a hostname in the host's network namespace: there the node's hostname shows.
    ...(config.hostNetwork ? {} : { Hostname: config.hostname.slice(0, 63) }),
    Labels: {
      ...config.labels,
      [RUNTIME_LABELS.podName]: config.name,
      [RUNTIME_LABELS.podNamespace]: config.namespace,
      [RUNTIME_LABELS.podUid]: config.podUid,
      [RUNTIME_LABELS.type]: TYPE_SANDBOX,
      [RUNTIME_LABELS.managedBy]: env.nodeName,
      [DOCKER_LABELS.pidMode]: pidMode,
      [DOCKER_LABELS.hostIPC]: String(config.hostIPC),
      [DOCKER_LABELS.hostNetwork]: String(config.hostNetwork),
    },
    ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: config.hostNetwork ? 'host' : env.networkName,
      IpcMode: config.hostIPC ? 'host' : 'shareable',
      PidMode: config.hostPID ? 'host' : '',
      PortBindings: config.hostNetwork ? {} : bindings,
      RestartPolicy: { Name: 'no' },
      ...(config.dns && !config.hostNetwork
        ? { Dns: config.dns.nameservers, DnsSearch: config.dns.searches, DnsOptions: config.dns.options }
        : {}),
    },
  };
}
