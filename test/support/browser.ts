/**
 * Real Chromium for the dashboard's end-to-end suite: Debian's /usr/bin/chromium driven by
 * playwright-core (no browser download), and `kubedesk ui` in its own process serving the built
 * dashboard (out/renderer, made by `npm run build`, which `npm test` runs first).
 *
 * As root (CI), `kubedesk ui` and Chromium share a network namespace of their own: Chromium drops
 * its connections (`ERR_NETWORK_CHANGED`) whenever a network interface appears, as the Docker
 * suites running at the same time make them.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.KUBEDESK_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER = process.env.KUBEDESK_RENDERER_DIR ?? join(ROOT, 'out', 'renderer');
const run = promisify(execFile);

/** Why the browser suite cannot run here, or undefined when it can. */
export function browserUnavailable(): string | undefined {
  if (!existsSync(CHROMIUM)) return `Chromium is not installed (${CHROMIUM}): apt-get install -y chromium`;
  if (!existsSync(join(RENDERER, 'index.html')))
    return `the dashboard is not built (${RENDERER}): run npm run build`;
  return undefined;
}

export interface UiProcess {
  child: ChildProcess;
  /** The launch URL (with its token). */
  url: string;
  /** The embedded cluster's kubeconfig. */
  kubeconfig: string;
  /** `/proc/<pid>/ns/net` when `ui` runs in a network namespace of its own. */
  netns?: string;
  /** The real kubectl against the embedded cluster (inside the namespace when there is one). */
  kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** Chromium, in `ui`'s network namespace when it has one. */
export function launchChromium(ui?: UiProcess): Promise<Browser> {
  let executablePath = CHROMIUM;
  if (ui?.netns) {
    executablePath = join(tmpdir(), `kubedesk-chromium-${process.pid}.sh`);
    writeFileSync(executablePath, `#!/bin/sh\nexec nsenter --net=${ui.netns} ${CHROMIUM} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  return chromium.launch({
    executablePath,
    // Root in CI: Chromium's sandbox needs an unprivileged user.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** Whether processes can get a network namespace of their own here (root, util-linux, iproute2). */
function namespacesAvailable(): boolean {
  return (
    process.getuid?.() === 0 &&
    spawnSync('unshare', ['-n', 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore' }).status === 0
  );
}

/** `kubedesk ui --no-open --port 0` on `dataDir`; resolves once it printed its URL and the cluster answers. */
export async function startUi(
  dataDir: string,
  runtime: 'simulated' | 'docker' = 'simulated',
): Promise<UiProcess> {
  const command = [
    process.execPath,
    join(ROOT, 'bin', 'kubedesk.mjs'),
    'ui',
    '--no-open',
    '--port',
    '0',
    '--runtime',
    runtime,
    '--data-dir',
    dataDir,
  ];
  const isolated = namespacesAvailable();
  const [file, ...args] = isolated
    ? ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...command]
    : command;
  const child = spawn(file!, args, {
    env: { ...process.env, KUBEDESK_RENDERER_DIR: RENDERER },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const netns = isolated ? `/proc/${child.pid}/ns/net` : undefined;
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubedesk ui printed no URL:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /^Kubedesk UI: (\S+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`kubedesk ui exited ${code}:\n${out}`)));
  });
  const kubeconfig = join(dataDir, 'kubeconfig');
  const deadline = Date.now() + 60_000;
  while (!existsSync(kubeconfig)) {
    if (Date.now() > deadline) throw new Error(`the embedded cluster did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    kubeconfig,
    ...(netns ? { netns } : {}),
    kubectl: async (kubectlArgs) => {
      const [bin, ...rest] = netns
        ? ['nsenter', `--net=${netns}`, 'kubectl', ...kubectlArgs]
        : ['kubectl', ...kubectlArgs];
      try {
        const { stdout, stderr } = await run(bin!, rest, { env: { ...process.env, KUBECONFIG: kubeconfig } });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: unknown; stdout?: string; stderr?: string };
        const code = typeof failed.code === 'number' ? failed.code : 1;
        return { code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      }
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
