import type { ServerResponse } from 'node:http';
import type { Store } from '../../store/store.js';

/**
 * `/healthz`, `/livez`, `/readyz` and their per-check paths, in
 * kube-apiserver's format: `ok`, or with `?verbose` one `[+]name ok` line
 * per check and a closing `<endpoint> check passed`.
 */
export async function health(
  path: string,
  query: URLSearchParams,
  store: Store,
  response: ServerResponse,
): Promise<void> {
  const [, endpoint, only] = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path) ?? [];
  const checks: [string, () => Promise<void>][] = [
    ['ping', async () => {}],
    ['log', async () => {}],
    ['etcd', async () => void (await store.status())],
  ];
  if (endpoint === 'readyz') checks.push(['informer-sync', async () => {}]);
  const selected = only ? checks.filter(([name]) => name === only) : checks;
  if (selected.length === 0) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('404 page not found\n');
    return;
  }
  const excluded = new Set(query.getAll('exclude'));
  const lines: string[] = [];
  let failed = false;
  for (const [name, check] of selected) {
    if (excluded.has(name)) {
      lines.push(`[+]${name} excluded: ok`);
      continue;
    }
    try {
      await check();
      lines.push(`[+]${name} ok`);
    } catch {
      failed = true;
      lines.push(`[-]${name} failed: reason withheld`);
    }
  }
  const verbose = query.has('verbose') || failed;
  const body = verbose ? `${lines.join('\n')}\n${endpoint} check ${failed ? 'failed' : 'passed'}\n` : 'ok';
  response.writeHead(failed ? 500 : 200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(body);
}
