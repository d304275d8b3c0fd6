import { RUNTIME_LABELS, type ContainerStatus, type SandboxStatus } from '../runtime/container-runtime.js';
import type { ContainerInspectInfo } from './docker-api.js';

/**
 * Docker labels beyond {@link RUNTIME_LABELS}: what a container or sandbox must remember about
 * itself so that a new runtime instance (a restarted kubelet) can rebuild its view from Docker.
 */
export const DOCKER_LABELS = {
  /** On a container: the sandbox (pause container) it joined, as dockershim named it. */
  sandboxId: 'io.kubernetes.sandbox.id',
  /** On a sandbox: `host`, `pod` (shareProcessNamespace) or `container`. */
  pidMode: 'dev.kubedesk.pid-mode',
  /** On a sandbox: `true` with hostIPC. */
  hostIPC: 'dev.kubedesk.host-ipc',
  /** On a sandbox: `true` with hostNetwork. */
  hostNetwork: 'dev.kubedesk.host-network',
} as const;

/**
 * Whether a sandbox's labels say everything its containers need to join it (the namespaces to
 * share and the pod's name), as every sandbox this runtime made does.
 */
export function hasNamespaceLabels(labels: Record<string, string>): boolean {
  return (
    labels[DOCKER_LABELS.pidMode] !== undefined &&
    labels[DOCKER_LABELS.hostIPC] !== undefined &&
    labels[DOCKER_LABELS.hostNetwork] !== undefined
  );
}

export const TYPE_SANDBOX = 'podsandbox';
export const TYPE_CONTAINER = 'container';

/** Docker's zero time (`0001-01-01T00:00:00Z`) means "never". */
export function dockerTime(value: string | undefined): number | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A Docker container name part: Docker allows `[a-zA-Z0-9][a-zA-Z0-9_.-]`. */
export function namePart(value: string): string {
  return value.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

export function containerState(status: string): ContainerStatus['state'] {
  switch (status) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'unknown';
  }
}

/** What Docker's inspect says about a container, as the kubelet reads it. */
export function toContainerStatus(info: ContainerInspectInfo): ContainerStatus {
  const labels = info.Config.Labels ?? {};
  const state = containerState(info.State.Status);
  const status: ContainerStatus = {
    id: info.Id,
    sandboxId: labels[DOCKER_LABELS.sandboxId],
    podUid: labels[RUNTIME_LABELS.podUid] ?? '',
    name: labels[RUNTIME_LABELS.containerName] ?? '',
    attempt: Number(labels[RUNTIME_LABELS.attempt] ?? 0) || 0,
    image: info.Config.Image,
    imageId: info.Image,
    state,
    createdAt: dockerTime(info.Created) ?? 0,
    startedAt: dockerTime(info.State.StartedAt),
    finishedAt: state === 'exited' ? dockerTime(info.State.FinishedAt) : undefined,
    labels,
  };
  if (state === 'exited') {
    status.exitCode = info.State.ExitCode;
    if (info.State.OOMKilled) status.reason = 'OOMKilled';
    if (info.State.Error) status.message = info.State.Error;
  }
  return status;
}

/** A pause container as a sandbox; `ip` comes from the caller (cluster network, or the node with hostNetwork). */
export function toSandboxStatus(info: ContainerInspectInfo, ip: string | undefined): SandboxStatus {
  const labels = info.Config.Labels ?? {};
  return {
    id: info.Id,
    podUid: labels[RUNTIME_LABELS.podUid] ?? '',
    namespace: labels[RUNTIME_LABELS.podNamespace] ?? '',
    name: labels[RUNTIME_LABELS.podName] ?? '',
    ip,
    state: info.State.Running ? 'ready' : 'notready',
    createdAt: dockerTime(info.Created) ?? 0,
    labels,
  };
}
