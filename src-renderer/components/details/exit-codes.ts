/**
 * Exit-code explanations for a container's terminated state. A process killed by a signal exits
 * with 128 + the signal's number (the shell convention the container runtimes keep), so 137 is
 * SIGKILL — what the kubelet sends when the grace period is over and what the kernel's OOM
 * killer sends (the runtime then also reports reason `OOMKilled`).
 */

/** Signals containers commonly die of, by number (Linux numbering). */
const SIGNALS: Record<number, { name: string; meaning: string }> = {
  1: { name: 'SIGHUP', meaning: 'hang-up' },
  2: { name: 'SIGINT', meaning: 'interrupted' },
  3: { name: 'SIGQUIT', meaning: 'quit' },
  4: { name: 'SIGILL', meaning: 'illegal instruction' },
  6: { name: 'SIGABRT', meaning: 'aborted, e.g. a failed assertion' },
  7: { name: 'SIGBUS', meaning: 'bus error' },
  8: { name: 'SIGFPE', meaning: 'arithmetic error' },
  9: { name: 'SIGKILL', meaning: 'killed, e.g. OOM or grace period over' },
  11: { name: 'SIGSEGV', meaning: 'segmentation fault' },
  13: { name: 'SIGPIPE', meaning: 'broken pipe' },
  14: { name: 'SIGALRM', meaning: 'alarm' },
  15: { name: 'SIGTERM', meaning: 'terminated, e.g. on deletion or rollout' },
};

/**
 * What an exit code means, in a few words: `0` "success", `1` "error", `137`
 * "SIGKILL (128+9): killed, e.g. OOM or grace period over". `reason` (e.g. `OOMKilled`,
 * `Error`, `Completed`) sharpens the 137 case when the runtime says why.
 */
export function explainExitCode(code: number | undefined, reason?: string): string {
  if (code === undefined) return '';
  if (code === 0) return 'success';
  if (code > 128 && code <= 128 + 64) {
    const number = code - 128;
    const signal = SIGNALS[number];
    const name = signal?.name ?? `signal ${number}`;
    const meaning =
      number === 9 && reason === 'OOMKilled'
        ? 'killed: out of memory (OOM)'
        : (signal?.meaning ?? 'killed by a signal');
    return `${name} (128+${number}): ${meaning}`;
  }
  if (code === 126) return 'command not executable';
  if (code === 127) return 'command not found';
  if (code === 128) return 'invalid exit argument';
  if (code === 1) return 'error';
  if (code === 2) return 'misuse (e.g. a bad argument)';
  if (code < 0 || code > 255) return 'runtime error';
  return 'error';
}
