import type { Duplex, Readable } from 'node:stream';
import type { StreamSession } from '../../api/node-streams.js';

/**
 * The kubelet's view of a container runtime, shaped like the CRI (k8s.io/cri-api
 * `RuntimeService` / `ImageService`): pod sandboxes (a pause container owning the pod's network
 * namespace), containers that join a sandbox, images, streams and stats. Everything the runtime
 * creates carries the labels in {@link RUNTIME_LABELS}, so a restarted kubelet finds and adopts
 * what is running. Implementations: Docker (`docker/`, the only code that imports dockerode).
 */
export interface ContainerRuntime {
  /** `{ name: 'docker', version: '28.2.2' }`; throws {@link RuntimeUnavailableError} when unreachable. */
  version(): Promise<{ name: string; version: string; apiVersion?: string }>;

  /** Make `image` present as `policy` says; resolves to its id. Throws {@link ImagePullError}. */
  ensureImage(
    image: string,
    policy: 'Always' | 'IfNotPresent' | 'Never',
    auth?: RegistryAuth[],
  ): Promise<string>;

  runSandbox(config: SandboxConfig): Promise<SandboxStatus>;
  stopSandbox(id: string): Promise<void>;
  removeSandbox(id: string): Promise<void>;
  /** The node's sandboxes, or only one pod's (so syncing a pod never inspects every container). */
  listSandboxes(filter?: { podUid?: string }): Promise<SandboxStatus[]>;

  /** Create (not start) a container in a sandbox; resolves to its id. */
  createContainer(sandbox: SandboxStatus, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Send `signal` (default the image's STOPSIGNAL, else SIGTERM), then SIGKILL after `graceSeconds`. */
  stopContainer(id: string, graceSeconds: number, signal?: string): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /** Every container the kubelet made (by label), running or not; or only one pod's. */
  listContainers(filter?: { podUid?: string }): Promise<ContainerStatus[]>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;

  exec(
    id: string,
    options: { command: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
  ): Promise<StreamSession>;
  attach(
    id: string,
    options: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
  ): Promise<StreamSession>;
  logs(id: string, options: LogOptions, signal: AbortSignal): Promise<Readable>;
  /** A TCP connection to `port` in the sandbox's network namespace. */
  portForward(sandboxId: string, port: number): Promise<Duplex>;
  stats(id: string): Promise<ContainerStats | undefined>;

  /** Container lifecycle events (start, die, oom), so the kubelet reacts without polling. */
  events(signal: AbortSignal): AsyncIterable<RuntimeEvent>;
}

/** Labels on every sandbox and container the kubelet creates (the same names as dockershim's). */
export const RUNTIME_LABELS = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  /** `podsandbox` or `container`. */
  type: 'io.kubernetes.docker.type',
  /** How many times this container of the pod has been restarted. */
  attempt: 'io.kubernetes.container.restartCount',
  /** The kubelet that made it (so two clusters on one Docker never adopt each other's). */
  managedBy: 'dev.kubedesk.node',
} as const;

/**
 * One registry credential for a pull, as the CRI's `AuthConfig`. The kubelet builds them from the
 * pod's `imagePullSecrets` and picks those for the image (`pods/pull-secrets.ts`, the keyring's
 * lookup); `ensureImage` tries them in order until one pulls, and pulls anonymously when given none.
 */
export interface RegistryAuth {
  /** The key the credential was filed under: `https://index.docker.io/v1/`, `registry.example.com:5000`… */
  server: string;
  username?: string;
  password?: string;
  auth?: string;
  identityToken?: string;
}

export interface SandboxConfig {
  podUid: string;
  namespace: string;
  name: string;
  hostname: string;
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  shareProcessNamespace: boolean;
  dns?: { nameservers: string[]; searches: string[]; options: string[] };
  /** Host ports to publish (containerPort → hostPort), from the containers' `ports[].hostPort`. */
  portMappings: {
    containerPort: number;
    hostPort: number;
    protocol: 'TCP' | 'UDP' | 'SCTP';
    hostIP?: string;
  }[];
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface SandboxStatus {
  id: string;
  podUid: string;
  namespace: string;
  name: string;
  /** The pod's IP (the node's with hostNetwork). */
  ip?: string;
  state: 'ready' | 'notready';
  createdAt: number;
  labels: Record<string, string>;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface ContainerConfig {
  podUid: string;
  name: string;
  image: string;
  /** Replaces the image's ENTRYPOINT when given (the pod's `command`). */
  entrypoint?: string[];
  /** Replaces the image's CMD when given (the pod's `args`). */
  cmd?: string[];
  env: { name: string; value: string }[];
  workingDir?: string;
  mounts: Mount[];
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  resources: { memoryLimitBytes?: number; cpuQuota?: number; cpuPeriod?: number; cpuShares?: number };
  security: {
    user?: number;
    group?: number;
    supplementalGroups?: number[];
    privileged?: boolean;
    capAdd?: string[];
    capDrop?: string[];
    readOnlyRootFilesystem?: boolean;
    noNewPrivileges?: boolean;
  };
  /** Restart count of this container in its pod (0 for the first run). */
  attempt: number;
  labels: Record<string, string>;
  /** Where the container's termination message is read from, on the host. */
  terminationMessageHostPath?: string;
}

export interface ContainerStatus {
  id: string;
  sandboxId?: string;
  podUid: string;
  name: string;
  attempt: number;
  image: string;
  imageId: string;
  state: 'created' | 'running' | 'exited' | 'unknown';
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** `OOMKilled` when the kernel killed it for memory. */
  reason?: string;
  message?: string;
  labels: Record<string, string>;
}

export interface LogOptions {
  follow: boolean;
  sinceMs?: number;
  tailLines?: number;
  timestamps: boolean;
  limitBytes?: number;
}

export interface ContainerStats {
  /** Cumulative CPU time, nanoseconds. */
  cpuUsageNanoSeconds: number;
  memoryWorkingSetBytes: number;
  timestamp: number;
}

export interface RuntimeEvent {
  type: 'start' | 'die' | 'oom' | 'destroy';
  containerId: string;
  labels: Record<string, string>;
}

/** The runtime cannot be reached (daemon down, socket missing); the message says what to do. */
export class RuntimeUnavailableError extends Error {
  override readonly name = 'RuntimeUnavailableError';
}

/** Pulling an image failed: `reason` is `ErrImagePull` or `ErrImageNeverPull`, `message` the registry's words. */
export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
  constructor(
    readonly reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName',
    message: string,
  ) {
    super(message);
  }
}
