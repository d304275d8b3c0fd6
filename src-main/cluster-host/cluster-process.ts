/**
 * The spawn strategy's contract: how the supervisor starts `kubedesk serve` as a separate process
 * and hears from it. Two strategies implement it: a Node child process (`node-spawn.ts`, for
 * `kubedesk ui` and tests) and an Electron utility process (`electron-spawn.ts`, imported only by
 * main.ts, since `electron` cannot load under plain Node). Tests pass a fake.
 */

/** How a cluster process ended. */
export interface ClusterExit {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: string | null;
  /** Why the process could not be started at all (e.g. the CLI script is missing). */
  error?: string;
}

/** What the strategy reports about one process; each callback may be called from any tick. */
export interface ClusterProcessEvents {
  /** Text the process wrote to stdout, in arbitrary chunks. */
  stdout(text: string): void;
  /** Text the process wrote to stderr, in arbitrary chunks. */
  stderr(text: string): void;
  /** The process is gone; called exactly once. */
  exit(result: ClusterExit): void;
}

/** A running cluster process. */
export interface ClusterProcess {
  readonly pid: number | undefined;
  /** Send `signal`; a no-op once the process has exited. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

/**
 * Starts `kubedesk <args>` (the supervisor passes `serve --data-dir … --port 0 --runtime …`) in a
 * new process. Must not throw for a process that fails to start: report it through `exit`.
 */
export type SpawnCluster = (args: string[], events: ClusterProcessEvents) => ClusterProcess;
