import type { Duplex, Readable } from 'node:stream';
import { errors } from '../api/errors.js';
import type {
  AttachRequest,
  ContainerRef,
  ExecRequest,
  LogRequest,
  NodeStreams,
  PortForwardRequest,
  StreamSession,
} from '../api/node-streams.js';
import type { Clock } from '../util/clock.js';
import { attemptsOf } from './pods/pod-status.js';
import type { ContainerRuntime, ContainerStatus, LogOptions } from './runtime/container-runtime.js';

/**
 * The kubelet's streaming server as the API server reaches it (pkg/kubelet/server/server.go
 * `getExec`, `getAttach`, `getContainerLogs`, `getPortForward`): it finds the pod's container by
 * the pod's uid and the container's name — the newest attempt, or the one before for
 * `previous` logs — and hands the request to the runtime.
 */
export class KubeletNodeStreams implements NodeStreams {
  /**
   * @param runtimeUid the uid the kubelet runs an API pod under (a mirror pod's containers are
   *   its static pod's: {@link Kubelet.runtimeUidOf}); the API uid itself by default.
   */
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
    private readonly runtimeUid: (pod: { namespace: string; pod: string; podUid: string }) => string = (p) =>
      p.podUid,
  ) {}

  async exec(request: ExecRequest): Promise<StreamSession> {
    const container = await this.running(request);
    return this.runtime.exec(container.id, {
      command: request.command,
      stdin: request.stdin,
      stdout: request.stdout,
      stderr: request.stderr,
      tty: request.tty,
    });
  }

  async attach(request: AttachRequest): Promise<StreamSession> {
    const container = await this.running(request);
    return this.runtime.attach(container.id, {
      stdin: request.stdin,
      stdout: request.stdout,
      stderr: request.stderr,
      tty: request.tty,
    });
  }

  async logs(request: LogRequest, signal: AbortSignal): Promise<Readable> {
    const [latest, previous] = await this.attempts(request);
    let container: ContainerStatus | undefined = latest;
    if (request.previous) {
      container = previous;
      if (!container) {
        throw errors.badRequest(
          `previous terminated container "${request.container}" in pod "${request.pod}" not found`,
        );
      }
    } else if (!latest) {
      throw errors.badRequest(
        `container "${request.container}" in pod "${request.pod}" is waiting to start: ContainerCreating`,
      );
    }
    const sinceMs =
      request.sinceSeconds !== undefined
        ? this.clock.now() - request.sinceSeconds * 1000
        : request.sinceTime !== undefined
          ? Date.parse(request.sinceTime)
          : undefined;
    const options: LogOptions = {
      // A finished container's log has an end: following it would wait forever.
      follow: request.follow && container!.state === 'running',
      timestamps: request.timestamps,
      ...(sinceMs !== undefined && !Number.isNaN(sinceMs) ? { sinceMs } : {}),
      ...(request.tailLines !== undefined ? { tailLines: request.tailLines } : {}),
      ...(request.limitBytes !== undefined ? { limitBytes: request.limitBytes } : {}),
    };
    return this.runtime.logs(container!.id, options, signal);
  }

  async portForward(request: PortForwardRequest): Promise<Duplex> {
    const podUid = this.runtimeUid(request);
    const sandbox = (await this.runtime.listSandboxes({ podUid }))
      .filter((s) => s.podUid === podUid && s.state === 'ready')
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!sandbox) throw errors.badRequest(`pod ${request.pod} does not have a running sandbox`);
    return this.runtime.portForward(sandbox.id, request.port);
  }

  /**
   * The pod's containers only: on Docker, listing costs an inspect per container, so the whole
   * node's (~4 ms each) would make every exec slower the more pods run (42 ms with 10 pods).
   */
  private async attempts(ref: ContainerRef): Promise<ContainerStatus[]> {
    const podUid = this.runtimeUid(ref);
    const all = (await this.runtime.listContainers({ podUid })).filter((c) => c.podUid === podUid);
    return attemptsOf(all, ref.container);
  }

  private async running(ref: ContainerRef): Promise<ContainerStatus> {
    const [latest] = await this.attempts(ref);
    if (!latest || latest.state !== 'running') {
      throw errors.badRequest(`unable to upgrade connection: container not found ("${ref.container}")`);
    }
    return latest;
  }
}
