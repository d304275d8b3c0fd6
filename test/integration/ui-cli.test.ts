/**
 * `kubedesk ui` as a user runs it: bin/kubedesk.mjs in its own process, the embedded cluster in a
 * child of it (simulated runtime), the dashboard's gateway spoken to over HTTP with the launch
 * URL's token turned into a cookie, as a browser would.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'kubedesk.mjs');
const UI_LINE = /^Kubedesk UI: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)$/;

interface Ui {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

const running = new Set<ChildProcess>();

function ui(args: string[]): Ui {
  const child = spawn(process.execPath, [BIN, 'ui', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pids of `pid`'s children (Linux `ps`). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir('ui-cli');
});
afterEach(async () => {
  for (const child of running) child.kill('SIGKILL');
  await dir.remove();
});

describe('kubedesk ui', () => {
  it('prints one line with the launch URL, serves the embedded cluster through the gateway, and stops everything on SIGTERM', async () => {
    const app = ui(['--no-open', '--runtime', 'simulated', '--port', '0', '--data-dir', dir.path]);
    const match = await until(
      'the UI line',
      () => UI_LINE.exec(app.stdout().split('\n')[0] ?? '') ?? undefined,
    );
    const [launchUrl, origin, token] = [match[0].slice('Kubedesk UI: '.length), match[1]!, match[2]!];

    // The launch URL trades its token for a cookie and redirects to the dashboard.
    const launch = await fetch(launchUrl, { redirect: 'manual' });
    expect(launch.status).toBeGreaterThanOrEqual(300);
    expect(launch.status).toBeLessThan(400);
    const cookie = launch.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toContain(token);

    // The embedded cluster, once its process is up, answers through the gateway.
    const namespaces = await until('the embedded cluster', async () => {
      const response = await fetch(`${origin}/clusters/embedded/api/v1/namespaces`, { headers: { cookie } });
      return response.status === 200
        ? ((await response.json()) as { items: { metadata: { name: string } }[] })
        : undefined;
    });
    expect(namespaces.items.map((ns) => ns.metadata.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system']),
    );
    // Without the cookie, nothing.
    expect((await fetch(`${origin}/clusters/embedded/api/v1/namespaces`)).status).toBe(401);

    // The bridge, as browser mode calls it.
    const bridge = async (method: string, args: unknown[] = []) => {
      const response = await fetch(`${origin}/app/bridge/${method}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      return (await response.json()) as { result?: unknown; error?: unknown };
    };
    expect((await bridge('embeddedState')).result).toMatchObject({
      phase: 'running',
      runtime: 'simulated',
      restarts: 0,
      dataDir: dir.path,
    });
    expect((await bridge('environment')).result).toEqual({
      mode: 'browser',
      gatewayUrl: origin,
      platform: process.platform,
    });
    expect((await bridge('updateSettings', [{ theme: 'dark' }])).result).toEqual({
      theme: 'dark',
      namespaces: {},
    });
    expect(JSON.parse(await readFile(join(dir.path, 'settings.json'), 'utf8'))).toEqual({
      theme: 'dark',
      namespaces: {},
    });

    expect(app.stdout().trim().split('\n')).toHaveLength(1);
    const cluster = childrenOf(app.child.pid!);
    expect(cluster).toHaveLength(1);
    expect(alive(cluster[0]!)).toBe(true);

    app.child.kill('SIGTERM');
    expect(await app.exit).toBe(0);
    expect(alive(cluster[0]!)).toBe(false);
  }, 60_000);

  it('stops the cluster when it is killed without warning', async () => {
    const app = ui(['--no-open', '--runtime', 'simulated', '--port', '0', '--data-dir', dir.path]);
    await until('the UI line', () => (UI_LINE.test(app.stdout().split('\n')[0] ?? '') ? true : undefined));
    const cluster = await until('the cluster process', () => childrenOf(app.child.pid!)[0]);
    app.child.kill('SIGKILL');
    await app.exit;
    // Its IPC channel closed: bin/kubedesk.mjs takes that as SIGTERM and stops cleanly.
    await until('the orphaned cluster to stop', () => (alive(cluster) ? undefined : true), 20_000);
  }, 60_000);

  it('refuses bad flags as `kubedesk serve` does, with exit code 2', async () => {
    const app = ui(['--runtime', 'none']);
    expect(await app.exit).toBe(2);
    expect(app.stderr()).toBe(
      `error: invalid value "none" for --runtime: want one of docker, simulated\nSee 'kubedesk ui --help' for usage.\n`,
    );
    const unknown = ui(['--bogus']);
    expect(await unknown.exit).toBe(2);
    expect(unknown.stderr()).toMatch(/^error: unknown flag: --bogus\n/);
  }, 30_000);

  it('refuses a --context that the kubeconfig does not have', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'ui', '--no-open', '--port', '0', '--data-dir', dir.path, '--context', 'nowhere'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, KUBECONFIG: join(dir.path, 'missing-kubeconfig') },
      },
    );
    running.add(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    running.delete(child);
    expect(code).toBe(2);
    expect(stderr).toContain('no context "nowhere" in your kubeconfig');
  }, 30_000);
});
