import type { Duplex, Readable } from 'node:stream';
import type { StreamSession } from '../../api/node-streams.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { hostAddress } from '../node-resources.js';
import {
  ImagePullError,
  RUNTIME_LABELS,
  type ContainerConfig,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
  type LogOptions,
  type RegistryAuth,
  type RuntimeEvent,
  type SandboxConfig,
  type SandboxStatus,
} from '../runtime/container-runtime.js';
import { containerCreateOptions } from './containers.js';
import {
  defaultSocketPath,
  openDocker,
  rethrow,
  statusCode,
  type ContainerInspectInfo,
  type Docker,
} from './docker-api.js';
import { runtimeEvents } from './events.js';
import { Images, LOCAL_PAUSE_IMAGE, UPSTREAM_PAUSE_IMAGE } from './images.js';
import {
  DOCKER_LABELS,
  TYPE_CONTAINER,
  TYPE_SANDBOX,
  hasNamespaceLabels,
  toContainerStatus,
  toSandboxStatus,
} from './labels.js';
import { DEFAULT_NET_HELPER_IMAGE, HostNetworkHelper } from './host-network-helper.js';
import { ensureNetwork, networkAddresses, removeNetwork } from './network.js';
import { connectDirect, connectRelay } from './port-forward.js';
import { sandboxCreateOptions } from './sandbox.js';
import { containerStats } from './stats.js';
import { attachSession, execSession, logStream } from './streams.js';

export interface DockerRuntimeConfig {
  /** Docker's socket (default `DOCKER_HOST` when it is `unix://…`, else /var/run/docker.sock). */
  socketPath?: string;
  /** The node whose containers these are: the `dev.kubedesk.node` label on everything made. */
  nodeName: string;
  /** The cluster's Docker network (default `kubedesk`). */
  networkName?: string;
  /**
   * The sandbox image (default `registry.k8s.io/pause:3.10`). When the default is absent and
   * cannot be pulled, the locally built `kubedesk/pause:3.10` (`npm run images`) is used.
   */
  pauseImage?: string;
  /** The node's IP: a hostNetwork pod's IP (default the host's first non-loopback IPv4). */
  nodeIP?: string;
  /**
   * How port-forward reaches a pod: `direct` connects to the pod IP (Linux, where the host routes
   * to Docker's bridges), `relay` through a helper container in the pod's network namespace
   * (Docker Desktop). Default: direct on Linux, relay elsewhere.
   */
  portForward?: 'direct' | 'relay';
  /** The helper image for `relay` (default `busybox:latest`, which has `nc`). */
  relayImage?: string;
  logger?: Logger;
  clock?: Clock;
}

/** How long a sandbox's pause process gets after SIGTERM (it exits at once). */
const SANDBOX_STOP_SECONDS = 2;

/**
 * The kubelet's container runtime on Docker, through dockerode: what dockershim was for the
 * kubelet before 1.24 (pkg/kubelet/dockershim), behind the CRI-shaped {@link ContainerRuntime}.
 * Every call that finds the daemon unreachable throws `RuntimeUnavailableError` naming the socket.
 */
export class DockerRuntime implements ContainerRuntime {
  readonly socketPath: string;
  readonly nodeName: string;
  readonly networkName: string;
  private readonly docker: Docker;
  private readonly images: Images;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private network: Promise<string> | undefined;
  private pause: Promise<string> | undefined;

  constructor(private readonly config: DockerRuntimeConfig) {
    this.socketPath = config.socketPath ?? defaultSocketPath();
    this.nodeName = config.nodeName;
    this.networkName = config.networkName ?? 'kubedesk';
    this.logger = config.logger ?? silentLogger;
    this.clock = config.clock ?? systemClock;
    this.docker = openDocker(this.socketPath);
    this.images = new Images(this.docker, this.logger);
  }

  /** Run `work`, turning an unreachable daemon into RuntimeUnavailableError. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      rethrow(error, this.socketPath);
    }
  }

  version(): Promise<{ name: string; version: string; apiVersion?: string }> {
    return this.call(async () => {
      const info = await this.docker.version();
      return { name: 'docker', version: info.Version, apiVersion: info.ApiVersion };
    });
  }

  ensureImage(
    image: string,
    policy: 'Always' | 'IfNotPresent' | 'Never',
    auth?: RegistryAuth[],
  ): Promise<string> {
    return this.call(() => this.images.ensure(image, policy, auth));
  }

  /** The pause image to use, decided once: the configured one, else the upstream one, else ours. */
  private pauseImage(): Promise<string> {
    this.pause ??= (async () => {
      const wanted = this.config.pauseImage ?? UPSTREAM_PAUSE_IMAGE;
      try {
        await this.images.ensure(wanted, 'IfNotPresent');
        return wanted;
      } catch (error) {
        if (this.config.pauseImage || !(error instanceof ImagePullError)) throw error;
        if (await this.images.idOf(LOCAL_PAUSE_IMAGE)) {
          this.logger.info('using the locally built pause image', {
            wanted,
            using: LOCAL_PAUSE_IMAGE,
            error: error.message,
          });
          return LOCAL_PAUSE_IMAGE;
        }
        throw new ImagePullError(
          'ErrImagePull',
          `${error.message} (offline? build the local pause image with: npm run images)`,
        );
      }
    })();
    this.pause.catch(() => (this.pause = undefined));
    return this.pause;
  }

  private ensureNetwork(): Promise<string> {
    this.network ??= ensureNetwork(this.docker, this.networkName);
    this.network.catch(() => (this.network = undefined));
    return this.network;
  }

  runSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    return this.call(async () => {
      const [pauseImage] = await Promise.all([
        this.pauseImage(),
        config.hostNetwork ? undefined : this.ensureNetwork(),
      ]);
      let container;
      for (let attempt = 0; ; attempt++) {
        try {
          container = await this.docker.createContainer(
            sandboxCreateOptions(config, {
              nodeName: this.nodeName,
              networkName: this.networkName,
              pauseImage,
              attempt,
            }),
          );
          break;
        } catch (error) {
          // An earlier sandbox of this pod (not yet removed) holds the name.
          if (statusCode(error) !== 409 || attempt >= 20) throw error;
        }
      }
      try {
        await container.start();
      } catch (error) {
        await container.remove({ force: true }).catch(() => {});
        throw error;
      }
      return this.sandboxStatus(await container.inspect());
    });
  }

  private sandboxStatus(info: ContainerInspectInfo): SandboxStatus {
    const hostNetwork = info.Config.Labels?.[DOCKER_LABELS.hostNetwork] === 'true';
    const ip = hostNetwork
      ? (this.config.nodeIP ?? hostAddress())
      : info.NetworkSettings.Networks?.[this.networkName]?.IPAddress || undefined;
    return toSandboxStatus(info, ip);
  }

  stopSandbox(id: string): Promise<void> {
    return this.stopContainer(id, SANDBOX_STOP_SECONDS);
  }

  /** Remove the sandbox and, as CRI's RemovePodSandbox does, every container still in it. */
  removeSandbox(id: string): Promise<void> {
    return this.call(async () => {
      const members = await this.docker.listContainers({
        all: true,
        filters: { label: [`${DOCKER_LABELS.sandboxId}=${id}`] },
      });
      await Promise.all(members.map((c) => this.removeContainer(c.Id)));
      await this.removeContainer(id);
    });
  }

  listSandboxes(filter: { podUid?: string } = {}): Promise<SandboxStatus[]> {
    return this.call(async () =>
      (await this.inspectAll(TYPE_SANDBOX, filter.podUid)).map((info) => this.sandboxStatus(info)),
    );
  }

  /** Inspect every container of `type` this node made (listing alone lacks exit codes and IPs). */
  private async inspectAll(type: string, podUid?: string): Promise<ContainerInspectInfo[]> {
    const labels = [`${RUNTIME_LABELS.type}=${type}`, `${RUNTIME_LABELS.managedBy}=${this.nodeName}`];
    if (podUid) labels.push(`${RUNTIME_LABELS.podUid}=${podUid}`);
    const listed = await this.docker.listContainers({ all: true, filters: { label: labels } });
    const infos = await Promise.all(
      listed.map((c) =>
        this.docker
          .getContainer(c.Id)
          .inspect()
          .catch((error: unknown) => {
            if (statusCode(error) === 404) return undefined; // removed meanwhile
            throw error;
          }),
      ),
    );
    return infos.filter((info): info is ContainerInspectInfo => info !== undefined);
  }

  createContainer(sandbox: SandboxStatus, config: ContainerConfig): Promise<string> {
    return this.call(async () => {
      // The sandbox's own labels say which namespaces to join: a status this runtime made carries
      // them all; a partial copy is completed from Docker.
      let full = sandbox;
      if (!hasNamespaceLabels(sandbox.labels)) {
        const sandboxInfo = await this.docker.getContainer(sandbox.id).inspect();
        const labels = sandboxInfo.Config.Labels ?? {};
        full = { ...toSandboxStatus(sandboxInfo, sandbox.ip), ...sandbox, labels };
      }
      const options = containerCreateOptions(full, full.labels, config, this.nodeName);
      try {
        return (await this.docker.createContainer(options)).id;
      } catch (error) {
        // A leftover of the same attempt holds the name: the kubelet asked anew, so replace it.
        if (statusCode(error) !== 409) throw error;
        await this.docker.getContainer(options.name!).remove({ force: true });
        return (await this.docker.createContainer(options)).id;
      }
    });
  }

  startContainer(id: string): Promise<void> {
    return this.call(async () => {
      try {
        await this.docker.getContainer(id).start();
      } catch (error) {
        if (statusCode(error) !== 304) throw error; // already started
      }
    });
  }

  /**
   * Docker's stop sends the image's STOPSIGNAL (else SIGTERM) and SIGKILLs after the grace
   * period; a container that had to be killed exits 137, one that obeyed SIGTERM 143. With an
   * explicit `signal` (Docker 20.10's stop cannot take one) the same is done by hand.
   */
  stopContainer(id: string, graceSeconds: number, signal?: string): Promise<void> {
    return this.call(async () => {
      const container = this.docker.getContainer(id);
      const grace = Math.max(0, Math.ceil(graceSeconds));
      try {
        if (!signal) {
          await container.stop({ t: grace });
          return;
        }
        await container.kill({ signal });
        const exited = container.wait({ condition: 'not-running' }).then(() => true);
        let timer;
        const timedOut = new Promise<boolean>((resolve) => {
          timer = this.clock.setTimeout(() => resolve(false), grace * 1000);
        });
        const stopped = await Promise.race([exited, timedOut]);
        this.clock.clearTimeout(timer!);
        if (!stopped) await container.kill({ signal: 'SIGKILL' });
        await exited;
      } catch (error) {
        const code = statusCode(error);
        // 304: not running; 404: gone; 409: "is not running" from kill.
        if (code !== 304 && code !== 404 && code !== 409) throw error;
      }
    });
  }

  removeContainer(id: string): Promise<void> {
    return this.call(async () => {
      try {
        await this.docker.getContainer(id).remove({ force: true, v: true });
      } catch (error) {
        const code = statusCode(error);
        // 404: gone already; 409: removal already in progress.
        if (code !== 404 && code !== 409) throw error;
      }
    });
  }

  listContainers(filter: { podUid?: string } = {}): Promise<ContainerStatus[]> {
    return this.call(async () =>
      (await this.inspectAll(TYPE_CONTAINER, filter.podUid)).map(toContainerStatus),
    );
  }

  containerStatus(id: string): Promise<ContainerStatus | undefined> {
    return this.call(async () => {
      try {
        return toContainerStatus(await this.docker.getContainer(id).inspect());
      } catch (error) {
        if (statusCode(error) === 404) return undefined;
        throw error;
      }
    });
  }

  exec(
    id: string,
    options: { command: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
  ): Promise<StreamSession> {
    return this.call(() => execSession(this.docker, id, options));
  }

  attach(
    id: string,
    options: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
  ): Promise<StreamSession> {
    return this.call(() => attachSession(this.docker, id, options));
  }

  logs(id: string, options: LogOptions, signal: AbortSignal): Promise<Readable> {
    return this.call(() => logStream(this.docker, id, options, signal));
  }

  portForward(sandboxId: string, port: number): Promise<Duplex> {
    return this.call(async () => {
      const mode = this.config.portForward ?? (process.platform === 'linux' ? 'direct' : 'relay');
      if (mode === 'relay') {
        return connectRelay(
          this.docker,
          sandboxId,
          port,
          this.config.relayImage ?? 'busybox:latest',
          this.nodeName,
        );
      }
      const sandbox = this.sandboxStatus(await this.docker.getContainer(sandboxId).inspect());
      if (!sandbox.ip) throw new Error(`sandbox ${sandboxId} has no IP on network ${this.networkName}`);
      const hostNetwork = sandbox.labels[DOCKER_LABELS.hostNetwork] === 'true';
      return connectDirect(hostNetwork ? '127.0.0.1' : sandbox.ip, port);
    });
  }

  stats(id: string): Promise<ContainerStats | undefined> {
    return this.call(() => containerStats(this.docker, id));
  }

  events(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    const source = () => runtimeEvents(this.docker, this.nodeName, signal);
    const socketPath = this.socketPath;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* source();
        } catch (error) {
          rethrow(error, socketPath);
        }
      },
    };
  }

  /** The pods' network, created if missing: its subnet and gateway (kube-proxy, the cluster DNS). */
  podNetwork(): Promise<{ subnet: string; gateway: string } | undefined> {
    return this.call(async () => {
      await this.ensureNetwork();
      return networkAddresses(this.docker, this.networkName);
    });
  }

  /**
   * A helper container on Docker's host network for kube-proxy's rules where this process cannot
   * program that kernel itself (see host-network-helper.ts); not started yet.
   */
  hostNetworkHelper(image: string = DEFAULT_NET_HELPER_IMAGE): HostNetworkHelper {
    return new HostNetworkHelper(
      this.docker,
      this.images,
      `kubedesk-net-helper-${this.config.nodeName}`,
      image,
      this.config.nodeName,
    );
  }

  /** Remove the cluster network (tests, uninstall); fails while containers still use it. */
  removeNetwork(): Promise<void> {
    return this.call(async () => {
      this.network = undefined;
      await removeNetwork(this.docker, this.networkName);
    });
  }
}
