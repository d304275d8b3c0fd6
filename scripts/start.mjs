// `npm start`: build main, preload and renderer with electron-vite, then open the desktop window.
// Install scripts are off (.npmrc), so Electron's binary is fetched here, on first start. Where it
// is absent and cannot be fetched (no internet), say so in one line, with the command that
// installs it, and serve browser mode instead: `kubedesk ui`, in the browser.
// Arguments after `npm start --` go to Electron, or to `kubedesk ui` (e.g. `npm start -- --no-open`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'electron-vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const electronDir = path.join(root, 'node_modules', 'electron');
const installer = path.relative(root, path.join(electronDir, 'install.js'));
const args = process.argv.slice(2);

/** Whether Electron's binary is on disk: the check `require('electron')` makes before downloading. */
function electronInstalled() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return true;
  const pathFile = path.join(electronDir, 'path.txt');
  return existsSync(pathFile) && existsSync(path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));
}

await build({ configFile: path.join(root, 'electron.config.ts') });

if (!electronInstalled()) {
  const install = spawnSync(process.execPath, [installer], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0 || !electronInstalled()) {
    const output = `${install.stderr ?? ''}${install.stdout ?? ''}`.trim();
    console.log(
      `Electron's binary is not installed and could not be downloaded (${whyNot(output, install)}); ` +
        `on a connected machine, install it with \`node ${installer}\`. Serving the dashboard in your browser instead.`,
    );
    process.exit(await browserMode());
  }
}

// In Node, `electron` is the launcher package: its export is the binary's path, not Electron's API.
// eslint-disable-next-line local/layering -- the one use of `electron` outside src-main
const electron = require('electron');
const run = spawnSync(electron, [root, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);

/** Why the installer failed, in a few words. */
function whyNot(output, install) {
  if (
    /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH/.test(output) ||
    install.error?.code === 'ETIMEDOUT'
  ) {
    return 'no connection to its download server';
  }
  const first = output
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
  return first ? first.slice(0, 160) : `the installer exited with ${install.status}`;
}

/**
 * `kubedesk ui` with this command's arguments, until it exits; resolves to its exit code. Ctrl-C
 * reaches it from the terminal directly (same process group), so only SIGTERM is passed on.
 */
function browserMode() {
  const ui = spawn(process.execPath, [path.join(root, 'bin', 'kubedesk.mjs'), 'ui', ...args], {
    stdio: 'inherit',
  });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => ui.kill('SIGTERM'));
  return new Promise((resolve) => ui.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}
