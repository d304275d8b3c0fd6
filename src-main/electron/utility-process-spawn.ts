import { utilityProcess } from 'electron';
import type { ClusterExit, SpawnCluster } from '../cluster-host/cluster-process.js';

/**
 * The Electron spawn strategy: runs the `kubedesk` CLI script in an Electron utility process (a
 * Node child that Chromium's service manager launches, as VS Code runs its heavy services), so
 * that the cluster's fsyncs and Docker streams never stall the window, and a crash never takes
 * it down. Imported only by main.ts: `electron` does not load under plain Node.
 *
 * Electron sets the child's `process.argv` to `[program, ...args]`, without the script
 * (shell/services/node/node_service.cc): the script path goes first in `args`, so that the CLI
 * finds its arguments at `argv.slice(2)` as under Node.
 */
export function utilityProcessStrategy(cliPath: string, options: { cwd?: string } = {}): SpawnCluster {
  return (args, events) => {
    let exited = false;
    const exit = (result: ClusterExit) => {
      if (exited) return;
      exited = true;
      events.exit(result);
    };
    let child: Electron.UtilityProcess;
    try {
      child = utilityProcess.fork(cliPath, [cliPath, ...args], {
        stdio: 'pipe',
        serviceName: 'Kubedesk cluster',
        ...(options.cwd ? { cwd: options.cwd } : {}),
      });
    } catch (error) {
      queueMicrotask(() => exit({ code: null, signal: null, error: (error as Error).message }));
      return { pid: undefined, kill: () => {} };
    }
    child.stdout?.on('data', (chunk: Buffer | string) => events.stdout(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer | string) => events.stderr(chunk.toString()));
    child.once('exit', (code) => exit({ code, signal: null }));
    return {
      get pid() {
        return child.pid;
      },
      kill(signal) {
        if (exited) return;
        // `kill()` is SIGTERM on POSIX; a SIGKILL needs the pid.
        if (signal === 'SIGTERM' || child.pid === undefined) child.kill();
        else process.kill(child.pid, 'SIGKILL');
      },
    };
  };
}
