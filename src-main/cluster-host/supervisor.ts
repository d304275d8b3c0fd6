import { systemClock, type Clock, type Timer } from '../../embedded-cluster/util/clock.js';
import type { EmbeddedState, RuntimeName } from '../shared/bridge.js';
import { CrashBackoff, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { ClusterExit, ClusterProcess, SpawnCluster } from './cluster-process.js';
import { lastProblem, parseReadyLine, type ClusterEndpoint } from './ready-line.js';

/** Everything a {@link ClusterSupervisor} is built from. */
export interface SupervisorConfig {
  /** The cluster's data directory (`kubedesk serve --data-dir`). */
  dataDir: string;
  /** What runs the node's pods at first; `restart({ runtime })` changes it. */
  runtime: RuntimeName;
  /** How to start a process; see cluster-process.ts. */
  spawn: SpawnCluster;
  /** The API server's port; 0 (the default) lets the OS pick a free one. */
  port?: number;
  clock?: Clock;
  backoff?: BackoffPolicy;
  /** How long `stop()` waits after SIGTERM before SIGKILL (default 15 s: the kubelet gives pods 10 s). */
  stopTimeoutMs?: number;
  /** Where the process's stderr (its JSON log lines) goes, line by line; dropped by default. */
  log?: (line: string) => void;
}

/** The process the supervisor is running now. */
interface Current {
  process: ClusterProcess;
  startedAt: number;
  readyAt?: number;
  endpoint?: ClusterEndpoint;
  stdout: string;
  stderr: string;
  stderrLines: string[];
  /** Set when the supervisor itself is ending it (stop or restart): its exit is no crash. */
  ending: boolean;
  exited: Promise<void>;
  onExit: () => void;
}

const STDERR_LINES_KEPT = 20;

/**
 * The embedded cluster's supervisor: runs `kubedesk serve` in a separate process (so that a
 * cluster crash, an fsync or a Docker stream never stalls the window) and keeps it alive.
 *
 * It reads the process's ready line for the API server's URL and kubeconfig, restarts it after a
 * crash with {@link CrashBackoff}, and ends it with SIGTERM, then SIGKILL after `stopTimeoutMs`.
 * It reports process state only: whether Docker answers is the node's Ready condition, which the
 * renderer reads from the API. A usage error (exit code 2) is not retried: it is ours, and would
 * recur.
 */
export class ClusterSupervisor {
  private readonly clock: Clock;
  private readonly backoff: CrashBackoff;
  private readonly listeners = new Set<(state: EmbeddedState) => void>();
  private current: Current | undefined;
  private restartTimer: Timer | undefined;
  private snapshot: EmbeddedState;
  /** Serializes start/stop/restart so that two never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: SupervisorConfig) {
    this.clock = config.clock ?? systemClock;
    this.backoff = new CrashBackoff(config.backoff ?? DEFAULT_BACKOFF);
    this.snapshot = { phase: 'stopped', runtime: config.runtime, restarts: 0, dataDir: config.dataDir };
  }

  /** The process's state now (a copy). */
  state(): EmbeddedState {
    return { ...this.snapshot };
  }

  /** Call `listener` with every new state; returns the function that unsubscribes it. */
  onState(listener: (state: EmbeddedState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where the cluster answers, while it is running; undefined otherwise. */
  endpoint(): ClusterEndpoint | undefined {
    return this.current?.endpoint;
  }

  /** Start the cluster process unless one is running or starting. */
  start(): Promise<void> {
    return this.serialize(async () => {
      if (this.current || this.restartTimer) return;
      this.launch();
    });
  }

  /**
   * End the running process (if any) and start a new one, on `runtime` when given. Resolves once
   * the new process has been started (not once it is ready: watch {@link onState}).
   */
  restart(options: { runtime?: RuntimeName } = {}): Promise<void> {
    // Say so at once (the bridge answers with the state right after calling this), and from
    // now on the running process's exit is the one we asked for, not a crash.
    const runtime = options.runtime ?? this.snapshot.runtime;
    this.cancelRestartTimer();
    this.backoff.reset();
    if (this.current) this.current.ending = true;
    this.update({
      phase: 'restarting',
      runtime,
      message: `Restarting the cluster on the ${runtime} runtime.`,
    });
    return this.serialize(async () => {
      await this.end();
      this.launch();
    });
  }

  /** End the process: SIGTERM, then SIGKILL after `stopTimeoutMs`. Resolves once it has exited. */
  stop(): Promise<void> {
    return this.serialize(async () => {
      this.cancelRestartTimer();
      await this.end();
      this.update({ phase: 'stopped', message: undefined, nextRestartAt: undefined });
    });
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private launch(): void {
    this.update({ phase: 'starting', message: undefined, nextRestartAt: undefined });
    const args = [
      'serve',
      '--data-dir',
      this.config.dataDir,
      '--port',
      String(this.config.port ?? 0),
      '--runtime',
      this.snapshot.runtime,
    ];
    let onExit!: () => void;
    const exited = new Promise<void>((resolve) => (onExit = resolve));
    const current: Current = {
      process: undefined as unknown as ClusterProcess,
      startedAt: this.clock.now(),
      stdout: '',
      stderr: '',
      stderrLines: [],
      ending: false,
      exited,
      onExit,
    };
    this.current = current;
    current.process = this.config.spawn(args, {
      stdout: (text) => this.onStdout(current, text),
      stderr: (text) => this.onStderr(current, text),
      exit: (result) => this.onExit(current, result),
    });
  }

  private onStdout(current: Current, text: string): void {
    if (current.endpoint) return; // only the first line matters; keep draining the pipe
    current.stdout += text;
    for (let newline = current.stdout.indexOf('\n'); newline >= 0; newline = current.stdout.indexOf('\n')) {
      const line = current.stdout.slice(0, newline);
      current.stdout = current.stdout.slice(newline + 1);
      const endpoint = parseReadyLine(line);
      if (!endpoint) continue;
      current.endpoint = endpoint;
      current.readyAt = this.clock.now();
      current.stdout = '';
      if (this.current === current && !current.ending) this.update({ phase: 'running', message: undefined });
      return;
    }
  }

  private onStderr(current: Current, text: string): void {
    current.stderr += text;
    const lines = current.stderr.split('\n');
    current.stderr = lines.pop() ?? '';
    for (const line of lines) {
      this.config.log?.(line);
      current.stderrLines.push(line);
    }
    if (current.stderrLines.length > STDERR_LINES_KEPT)
      current.stderrLines.splice(0, current.stderrLines.length - STDERR_LINES_KEPT);
  }

  private onExit(current: Current, result: ClusterExit): void {
    if (current.stderr) this.onStderr(current, '\n');
    current.onExit();
    if (this.current !== current) return;
    this.current = undefined;
    if (current.ending) return; // stop() and restart() set the state themselves
    const problem = result.error ?? lastProblem(current.stderrLines);
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    const restarts = this.snapshot.restarts + 1;
    if (result.code === 2) {
      this.update({
        phase: 'failed',
        restarts,
        message: `The cluster process ${how}${problem ? `: ${problem}` : ''}.`,
      });
      return;
    }
    const upMs = current.readyAt === undefined ? 0 : this.clock.now() - current.readyAt;
    const delay = this.backoff.crashed(upMs);
    const nextRestartAt = this.clock.now() + delay;
    this.update({
      phase: 'restarting',
      restarts,
      nextRestartAt,
      message:
        `The cluster process ${result.error ? 'could not start' : how}${problem ? `: ${problem}` : ''}; ` +
        `restarting in ${Math.round(delay / 1000)} s.`,
    });
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = undefined;
      void this.serialize(async () => {
        if (!this.current && this.snapshot.phase === 'restarting') this.launch();
      });
    }, delay);
  }

  /** SIGTERM the current process, SIGKILL it after the timeout, and wait for it to exit. */
  private async end(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.ending = true;
    current.process.kill('SIGTERM');
    const timer = this.clock.setTimeout(
      () => current.process.kill('SIGKILL'),
      this.config.stopTimeoutMs ?? 15_000,
    );
    await current.exited;
    this.clock.clearTimeout(timer);
  }

  private cancelRestartTimer(): void {
    if (this.restartTimer) this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private update(changes: Partial<EmbeddedState>): void {
    const next: EmbeddedState = { ...this.snapshot, ...changes };
    for (const key of Object.keys(next) as (keyof EmbeddedState)[]) {
      if (next[key] === undefined) delete next[key];
    }
    this.snapshot = next;
    for (const listener of this.listeners) listener(this.state());
  }
}
