// `npm start`: build main, preload and renderer with electron-vite, then open the desktop window.
// Install scripts are off (.npmrc), so Electron's binary is fetched here, on first start.
// Arguments after `npm start --` go to Electron.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'electron-vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const electronDir = path.join(root, 'node_modules', 'electron');
const installer = path.relative(root, path.join(electronDir, 'install.js'));

/** Whether Electron's binary is on disk: the check `require('electron')` makes before downloading. */
function electronInstalled() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return true;
  const pathFile = path.join(electronDir, 'path.txt');
  return existsSync(pathFile) && existsSync(path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));
}

await build({ configFile: path.join(root, 'electron.config.ts') });

if (!electronInstalled()) {
  console.log(`Electron's binary is missing; fetching it (node ${installer}) ...`);
  const install = spawnSync(process.execPath, [installer], { cwd: root, encoding: 'utf8' });
  if (install.status !== 0 || !electronInstalled()) {
    console.error(
      explainFailedInstall(`${install.stderr ?? ''}${install.stdout ?? ''}`.trim(), install.status),
    );
    process.exit(1);
  }
}

// In Node, `electron` is the launcher package: its export is the binary's path, not Electron's API.
// eslint-disable-next-line local/layering -- the one use of `electron` outside src-main
const electron = require('electron');
const run = spawnSync(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);

/** What to tell the user when Electron's installer failed. */
function explainFailedInstall(output, status) {
  const offline = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(output);
  const lines = [
    '',
    `The Electron binary could not be downloaded${offline ? ' (no connection to its download server)' : ''}:`,
    `  ${output.split('\n')[0] || `the installer exited with ${status}`}`,
    'The Electron binary is required for the desktop window. On a machine with internet, run:',
    '',
    `  node ${installer}`,
    '',
    'and then `npm start` again.',
  ];
  // electron 45 declares Node >= 22.12, yet its installer also runs on Node 20.19+ (require(esm)).
  const { engines, version } = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8'));
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    lines.push(
      offline
        ? `(electron ${version} asks for Node ${engines.node}; its installer runs on this Node ${process.versions.node} up to the download, so the version is not what failed.)`
        : `(electron ${version} asks for Node ${engines.node} and this is Node ${process.versions.node}: if the error above comes from Node, use Node 22.12 or later.)`,
    );
  }
  return lines.join('\n');
}
