import { RUNTIME_LABELS, type ContainerConfig, type SandboxStatus } from '../runtime/container-runtime.js';
import type { ContainerCreateOptions } from './docker-api.js';
import { DOCKER_LABELS, TYPE_CONTAINER, namePart } from './labels.js';

/** The kubelet's default log rotation (`containerLogMaxSize` 10Mi, `containerLogMaxFiles` 5). */
const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '5' } };

/**
 * A pod's container as a Docker container, as dockershim made it
 * (pkg/kubelet/dockershim/docker_container.go, helpers_linux.go): named
 * `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`, in the sandbox's network and IPC
 * namespaces (and PID namespace with shareProcessNamespace), with the pod's `command`/`args`
 * already mapped by the kubelet onto `entrypoint`/`cmd` (Docker keeps the image's ENTRYPOINT
 * when none is given, and drops the image's CMD when an ENTRYPOINT is given, which is exactly
 * Kubernetes' rule), resources as cgroup limits and the securityContext as Docker's options.
 *
 * `sandboxLabels` are the sandbox container's labels (pid/ipc modes and the pod's name).
 */
export function containerCreateOptions(
  sandbox: SandboxStatus,
  sandboxLabels: Record<string, string>,
  config: ContainerConfig,
  nodeName: string,
): ContainerCreateOptions {
  const joined = `container:${sandbox.id}`;
  const pidMode = sandboxLabels[DOCKER_LABELS.pidMode];
  const { resources: r, security: s } = config;
  const user =
    s.user === undefined ? undefined : s.group === undefined ? String(s.user) : `${s.user}:${s.group}`;
  const securityOpt = s.noNewPrivileges ? ['no-new-privileges'] : [];
  return {
    name: `k8s_${namePart(config.name)}_${namePart(sandbox.name)}_${namePart(sandbox.namespace)}_${namePart(config.podUid)}_${config.attempt}`,
    Image: config.image,
    ...(config.entrypoint ? { Entrypoint: config.entrypoint } : {}),
    ...(config.cmd ? { Cmd: config.cmd } : {}),
    Env: config.env.map(({ name, value }) => `${name}=${value}`),
    ...(config.workingDir ? { WorkingDir: config.workingDir } : {}),
    ...(user ? { User: user } : {}),
    Tty: config.tty,
    OpenStdin: config.stdin,
    StdinOnce: config.stdinOnce,
    AttachStdin: false,
    Labels: {
      ...config.labels,
      [RUNTIME_LABELS.podName]: sandbox.name,
      [RUNTIME_LABELS.podNamespace]: sandbox.namespace,
      [RUNTIME_LABELS.podUid]: config.podUid,
      [RUNTIME_LABELS.containerName]: config.name,
      [RUNTIME_LABELS.type]: TYPE_CONTAINER,
      [RUNTIME_LABELS.attempt]: String(config.attempt),
      [RUNTIME_LABELS.managedBy]: nodeName,
      [DOCKER_LABELS.sandboxId]: sandbox.id,
    },
    HostConfig: {
      NetworkMode: joined,
      IpcMode: sandboxLabels[DOCKER_LABELS.hostIPC] === 'true' ? 'host' : joined,
      PidMode: pidMode === 'host' ? 'host' : pidMode === 'pod' ? joined : '',
      Mounts: config.mounts.map((m) => ({
        Type: 'bind' as const,
        Source: m.hostPath,
        Target: m.containerPath,
        ReadOnly: m.readOnly,
      })),
      ...(r.memoryLimitBytes
        ? // No swap on top of the limit, so going past it is an OOM kill as on a kubelet node.
          { Memory: r.memoryLimitBytes, MemorySwap: r.memoryLimitBytes }
        : {}),
      ...(r.cpuQuota ? { CpuQuota: r.cpuQuota, CpuPeriod: r.cpuPeriod ?? 100_000 } : {}),
      ...(r.cpuShares ? { CpuShares: r.cpuShares } : {}),
      Privileged: s.privileged ?? false,
      ...(s.capAdd?.length ? { CapAdd: s.capAdd } : {}),
      ...(s.capDrop?.length ? { CapDrop: s.capDrop } : {}),
      ReadonlyRootfs: s.readOnlyRootFilesystem ?? false,
      ...(s.supplementalGroups?.length ? { GroupAdd: s.supplementalGroups.map(String) } : {}),
      SecurityOpt: securityOpt,
      RestartPolicy: { Name: 'no' },
      LogConfig: LOG_CONFIG,
    },
  };
}
