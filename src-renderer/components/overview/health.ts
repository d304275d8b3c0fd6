/**
 * The API server's health endpoints as kube-apiserver writes them with `?verbose`
 * (https://kubernetes.io/docs/reference/using-api/health-checks/): one line per check,
 * `[+]ping ok` or `[-]etcd failed: reason withheld`, then `readyz check passed|failed`.
 */
export interface HealthCheck {
  name: string;
  ok: boolean;
  /** What follows the name, e.g. `ok`, `failed: reason withheld`. */
  detail: string;
}

export interface HealthReport {
  checks: HealthCheck[];
  /** The verdict line, or whether every check passed when there is none. */
  passed: boolean;
}

export function parseHealth(text: string): HealthReport {
  const checks: HealthCheck[] = [];
  let verdict: boolean | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const check = /^\[([+-])\](\S+)\s*(.*)$/.exec(line);
    if (check) {
      checks.push({ name: check[2]!, ok: check[1] === '+', detail: check[3] ?? '' });
    } else if (/check passed$/.test(line) || line === 'ok') {
      verdict = true;
    } else if (/check failed$/.test(line)) {
      verdict = false;
    }
  }
  return { checks, passed: verdict ?? checks.every((c) => c.ok) };
}
