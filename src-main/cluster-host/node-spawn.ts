import { spawn } from 'node:child_process';
import type { ClusterExit, ClusterProcess, SpawnCluster } from './cluster-process.js';

/**
 * The Node spawn strategy: runs the `kubedesk` CLI script (`cliPath`, normally bin/kubedesk.mjs)
 * with this process's Node, as `kubedesk ui` and the tests do.
 *
 * The child gets an IPC channel it never uses for messages: when this process dies without
 * stopping it (SIGKILL, a crash), the channel closes and bin/kubedesk.mjs treats that as SIGTERM,
 * so the cluster stops cleanly instead of living on as an orphan holding the data directory.
 */
export function nodeSpawnStrategy(cliPath: string, options: { cwd?: string } = {}): SpawnCluster {
  return (args, events) => {
    let exited = false;
    const exit = (result: ClusterExit) => {
      if (exited) return;
      exited = true;
      events.exit(result);
    };
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the
      // cluster must hear only the supervisor's SIGTERM (a second signal means "stop now").
      detached: process.platform !== 'win32',
      // Under Electron (ELECTRON_RUN_AS_NODE unset) execPath would start another app window.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    child.stdout?.setEncoding('utf8').on('data', (text: string) => events.stdout(text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => events.stderr(text));
    // 'error' without 'exit' means the process never started; 'close' waits for stdio to drain,
    // so the ready line and the last stderr words arrive before the exit.
    child.on('error', (error) => {
      if (child.pid === undefined) exit({ code: null, signal: null, error: error.message });
    });
    child.on('close', (code, signal) => exit({ code, signal }));
    const handle: ClusterProcess = {
      get pid() {
        return child.pid;
      },
      kill(signal) {
        if (!exited && child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
    return handle;
  };
}
