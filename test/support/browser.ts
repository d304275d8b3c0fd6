/**
 * Real Chromium for the dashboard's end-to-end suite: Debian's /usr/bin/chromium driven by
 * playwright-core (no browser download), and `kubedesk ui` in its own process serving the built
 * dashboard (out/renderer, made by `npm run build`, which `npm test` runs first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.KUBEDESK_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER = process.env.KUBEDESK_RENDERER_DIR ?? join(ROOT, 'out', 'renderer');

/** Why the browser suite cannot run here, or undefined when it can. */
export function browserUnavailable(): string | undefined {
  if (!existsSync(CHROMIUM)) return `Chromium is not installed (${CHROMIUM}): apt-get install -y chromium`;
  if (!existsSync(join(RENDERER, 'index.html')))
    return `the dashboard is not built (${RENDERER}): run npm run build`;
  return undefined;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI: Chromium's sandbox needs an unprivileged user.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

export interface UiProcess {
  child: ChildProcess;
  /** The launch URL (with its token). */
  url: string;
  /** The embedded cluster's kubeconfig. */
  kubeconfig: string;
  stop(): Promise<void>;
}

/** `kubedesk ui --no-open --port 0` on `dataDir`; resolves once it printed its URL and the cluster answers. */
export async function startUi(
  dataDir: string,
  runtime: 'simulated' | 'docker' = 'simulated',
): Promise<UiProcess> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'kubedesk.mjs'),
      'ui',
      '--no-open',
      '--port',
      '0',
      '--runtime',
      runtime,
      '--data-dir',
      dataDir,
    ],
    { env: { ...process.env, KUBEDESK_RENDERER_DIR: RENDERER }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
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
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
