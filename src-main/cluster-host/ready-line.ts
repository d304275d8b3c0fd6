/**
 * The one line `kubedesk serve` prints on stdout once its API server answers
 * (embedded-cluster/cli.ts): `Kubedesk API server ready at <url> — kubeconfig: <path>`.
 */
const READY = /^Kubedesk API server ready at (\S+) — kubeconfig: (.+)$/;

/** Where the embedded cluster answers, as its ready line says. */
export interface ClusterEndpoint {
  url: string;
  kubeconfigPath: string;
}

/** The endpoint a ready line names, or undefined for any other line. */
export function parseReadyLine(line: string): ClusterEndpoint | undefined {
  const match = READY.exec(line.replace(/\r$/, ''));
  return match ? { url: match[1]!, kubeconfigPath: match[2]! } : undefined;
}

/**
 * The sentence to show for a cluster process's stderr: the CLI's own last `kubedesk: …` line
 * (e.g. `kubedesk: cannot start: 127.0.0.1:6443 is already in use …`), else the message of the
 * last JSON log line at level error, else undefined.
 */
export function lastProblem(stderrLines: readonly string[]): string | undefined {
  for (let i = stderrLines.length - 1; i >= 0; i--) {
    const line = stderrLines[i]!.trim();
    if (line.startsWith('kubedesk: ')) return line.slice('kubedesk: '.length);
  }
  for (let i = stderrLines.length - 1; i >= 0; i--) {
    try {
      const entry = JSON.parse(stderrLines[i]!) as { level?: unknown; message?: unknown };
      if (entry.level === 'error' && typeof entry.message === 'string') return entry.message;
    } catch {
      // not a log line
    }
  }
  return undefined;
}
