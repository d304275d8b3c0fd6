import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory and CPU time of the processes behind `kubedesk ui`, from /proc (Linux): the gateway (the `kubedesk ui`
 * process itself, which also supervises the cluster) and the cluster (its `kubedesk serve` child).
 * Under a network namespace the spawned child is `unshare`, which execs `sh`, which execs node:
 * one pid throughout, checked here by its command line rather than assumed.
 */

const MB = 2 ** 20;

/** A process's command line, or undefined once it is gone. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** VmRSS in MB (2^20 bytes), or NaN when the process is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? (Number(match[1]) * 1024) / MB : NaN;
  } catch {
    return NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's times (`getconf CLK_TCK`; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process so far, in ms (NaN when it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name: state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
  } catch {
    return NaN;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // Field 4 of /proc/<pid>/stat, after the command name in parentheses (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const walk = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return tree;
}

/** The pids of the gateway (`kubedesk … ui`) and cluster (`kubedesk … serve`) under `root`. */
export function uiProcesses(root: number): { gateway: number | undefined; cluster: number | undefined } {
  const tree = processTree(root).map((pid) => ({ pid, command: commandLine(pid) ?? '' }));
  const find = (sub: RegExp) =>
    tree.find(({ command }) => /kubedesk\.mjs/.test(command) && sub.test(command));
  return { gateway: find(/ ui( |$)/)?.pid, cluster: find(/ serve( |$)/)?.pid };
}
