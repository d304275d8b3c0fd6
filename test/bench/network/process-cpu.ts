/**
 * CPU time of a container's main process, read from /proc (Linux), so the network bench can say
 * where each path's CPU goes: the load generator, the cluster's process (NodePort forwarder,
 * ingress) and the backend pod.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`; 100 on Linux unless built otherwise). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The host pid of a container's main process (`docker inspect`), or undefined. */
export function containerPid(container: string): number | undefined {
  try {
    const pid = Number(
      execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', container], { encoding: 'utf8' }),
    );
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU time of `pid` so far, µs (NaN when /proc cannot tell). */
export function processCpuUs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e6;
  } catch {
    return NaN;
  }
}
