import { PassThrough, Readable, type Duplex } from 'node:stream';
import type { StreamSession } from '../../embedded-cluster/api/node-streams.js';
import {
  ImagePullError,
  RuntimeUnavailableError,
  type ContainerConfig,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
  type RuntimeEvent,
  type SandboxConfig,
  type SandboxStatus,
} from '../../embedded-cluster/kubelet/runtime/container-runtime.js';

/** What a fake container does once started. */
export interface Script {
  /** Exit at once with this code (undefined: run until stopped). */
  exitCode?: number;
  /** Exit as the kernel's OOM killer does: 137, reason OOMKilled. */
  oom?: boolean;
  /** Ignore SIGTERM: a stop waits out the grace and reports 137. */
  ignoreSigterm?: boolean;
  /** Written to the termination message. */
  message?: string;
}

export interface FakeContainer extends ContainerStatus {
  config: ContainerConfig;
  script: Script;
}

/**
 * An in-memory {@link ContainerRuntime} for the kubelet's tests: sandboxes get addresses,
 * containers "run" until a test makes them exit ({@link exit}) or the kubelet stops them (143, or
 * 137 when they ignore SIGTERM), and every change is reported as a runtime event. Scripts decide
 * what a container does on start and what exec commands answer (probes, hooks).
 */
export class FakeRuntime implements ContainerRuntime {
  readonly sandboxes = new Map<string, SandboxStatus & { config: SandboxConfig }>();
  readonly containers = new Map<string, FakeContainer>();
  /** Images present; `ensureImage` with `Never` fails for others, and names in {@link unpullable} fail to pull. */
  readonly images = new Set<string>();
  readonly unpullable = new Set<string>();
  /** Every call, in order, e.g. `create web`, `start web`, `stop web 30`, `exec web cat /tmp/x`. */
  readonly calls: string[] = [];
  /** What a container does when it starts; default: runs. */
  script: (config: ContainerConfig) => Script = () => ({});
  /** The exit code of an exec (probes, hooks); default 0. */
  execExitCode: (container: FakeContainer, command: string[]) => number | Promise<number> = () => 0;
  /** While set, image pulls wait for it (a slow registry). */
  pullGate: Promise<void> | undefined;
  /** Make every call fail as if the daemon were down. */
  down = false;
  private seq = 0;
  private ip = 2;
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  private check(): void {
    if (this.down)
      throw new RuntimeUnavailableError('Cannot connect to the Docker daemon at unix:///var/run/docker.sock');
  }

  private emit(type: RuntimeEvent['type'], c: FakeContainer): void {
    const event = { type, containerId: c.id, labels: c.labels };
    for (const listener of this.listeners) listener(event);
  }

  async version() {
    this.check();
    return { name: 'fake', version: '1.0.0' };
  }

  async ensureImage(image: string, policy: 'Always' | 'IfNotPresent' | 'Never'): Promise<string> {
    this.check();
    this.calls.push(`pull ${image} ${policy}`);
    if (this.pullGate) await this.pullGate;
    if (this.unpullable.has(image))
      throw new ImagePullError('ErrImagePull', `pull access denied for ${image}`);
    if (policy === 'Never' && !this.images.has(image))
      throw new ImagePullError(
        'ErrImageNeverPull',
        `Container image "${image}" is not present with pull policy of Never`,
      );
    this.images.add(image);
    return `sha256:${Buffer.from(image).toString('hex').padEnd(64, '0').slice(0, 64)}`;
  }

  async runSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    this.check();
    const id = `sandbox${++this.seq}`;
    const sandbox = {
      id,
      podUid: config.podUid,
      namespace: config.namespace,
      name: config.name,
      ip: config.hostNetwork ? '192.168.1.10' : `10.244.0.${this.ip++}`,
      state: 'ready' as const,
      createdAt: this.now(),
      labels: config.labels,
      config,
    };
    this.sandboxes.set(id, sandbox);
    this.calls.push(`sandbox ${config.name}`);
    return sandbox;
  }

  async stopSandbox(id: string): Promise<void> {
    const s = this.sandboxes.get(id);
    if (s) s.state = 'notready';
  }

  async removeSandbox(id: string): Promise<void> {
    this.sandboxes.delete(id);
  }

  async listSandboxes(filter: { podUid?: string } = {}): Promise<SandboxStatus[]> {
    this.check();
    return [...this.sandboxes.values()]
      .filter((s) => !filter.podUid || s.podUid === filter.podUid)
      .map((s) => ({ ...s }));
  }

  async createContainer(sandbox: SandboxStatus, config: ContainerConfig): Promise<string> {
    this.check();
    const id = `c${++this.seq}`;
    const image = config.image;
    this.containers.set(id, {
      id,
      sandboxId: sandbox.id,
      podUid: config.podUid,
      name: config.name,
      attempt: config.attempt,
      image,
      imageId: `sha256:${image}`,
      state: 'created',
      createdAt: this.now(),
      labels: config.labels,
      config,
      script: {},
    });
    this.calls.push(`create ${config.name}`);
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.check();
    const c = this.must(id);
    c.state = 'running';
    c.startedAt = this.now();
    c.script = this.script(c.config);
    this.calls.push(`start ${c.name}`);
    this.emit('start', c);
    const { exitCode, oom } = c.script;
    if (oom) setImmediate(() => this.exit(id, 137, { oom: true }));
    else if (exitCode !== undefined) setImmediate(() => this.exit(id, exitCode));
  }

  /** Make a running container exit now (as its process does). */
  exit(id: string, exitCode: number, options: { oom?: boolean; message?: string } = {}): void {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return;
    c.state = 'exited';
    c.exitCode = exitCode;
    c.finishedAt = this.now();
    if (options.oom) c.reason = 'OOMKilled';
    const message = options.message ?? c.script.message;
    if (message) c.message = message;
    if (options.oom) this.emit('oom', c);
    this.emit('die', c);
  }

  async stopContainer(id: string, graceSeconds: number, signal?: string): Promise<void> {
    this.check();
    const c = this.must(id);
    this.calls.push(`stop ${c.name} ${graceSeconds}${signal ? ` ${signal}` : ''}`);
    this.exit(id, c.script.ignoreSigterm ? 137 : 143);
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (c) this.calls.push(`remove ${c.name} ${c.attempt}`);
    this.containers.delete(id);
  }

  async listContainers(filter: { podUid?: string } = {}): Promise<ContainerStatus[]> {
    this.check();
    return [...this.containers.values()]
      .filter((c) => !filter.podUid || c.podUid === filter.podUid)
      .map(({ config: _c, script: _s, ...status }) => ({ ...status }));
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    this.check();
    const c = this.containers.get(id);
    if (!c) return undefined;
    const { config: _c, script: _s, ...status } = c;
    return { ...status };
  }

  /** The newest container named `name` (of any pod), for tests. */
  latest(name: string, podUid?: string): FakeContainer | undefined {
    return [...this.containers.values()]
      .filter((c) => c.name === name && (podUid === undefined || c.podUid === podUid))
      .sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt)[0];
  }

  async exec(
    id: string,
    options: { command: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
  ): Promise<StreamSession> {
    this.check();
    const c = this.must(id);
    this.calls.push(`exec ${c.name} ${options.command.join(' ')}`);
    const stdout = new PassThrough();
    const done = Promise.resolve(this.execExitCode(c, options.command)).then((exitCode) => {
      stdout.end(exitCode === 0 ? '' : `exit ${exitCode}`);
      return { exitCode };
    });
    return { stdout, resize: () => {}, done, close: () => stdout.destroy() };
  }

  async attach(id: string): Promise<StreamSession> {
    this.must(id);
    const stdout = new PassThrough();
    return { stdout, resize: () => {}, done: new Promise(() => {}), close: () => stdout.end() };
  }

  async logs(id: string): Promise<Readable> {
    const c = this.must(id);
    return Readable.from([`log of ${c.name} attempt ${c.attempt}\n`]);
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    this.calls.push(`portforward ${sandboxId} ${port}`);
    return new PassThrough();
  }

  async stats(): Promise<ContainerStats | undefined> {
    return undefined;
  }

  async *events(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    const queue: RuntimeEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: RuntimeEvent) => {
      queue.push(event);
      wake?.();
    };
    this.listeners.add(listener);
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    try {
      while (!signal.aborted) {
        while (queue.length) yield queue.shift()!;
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
      }
    } finally {
      this.listeners.delete(listener);
    }
  }

  private must(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`no such container: ${id}`);
    return c;
  }
}
