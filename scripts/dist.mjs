// `npm run dist`: build (`npm run build`), then package with electron-builder, configured in
// package.json's "build" key: AppImage and deb on Linux, dmg on macOS, nsis on Windows, for the
// host platform unless told otherwise. Arguments after `npm run dist --` go to electron-builder,
// e.g. `-- --linux deb`, `-- --dir` (the unpacked app only), `-- -c.electronDist=PATH`.
//
// electron-builder needs Electron's binary for each target platform and, for installers, helper
// tools (fpm, appimagetool, NSIS, dmg tools), and downloads what it lacks from GitHub. Where it
// could not (no Electron given or cached, and GitHub unreachable), it would fail deep inside a
// long log: this script checks first and stops with one line saying what is missing and how to
// go on, before spending a minute on the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

/** The Electron version electron-builder packages: the installed `electron` package's. */
const electronVersion = JSON.parse(
  readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;

/** The platforms (Node's names) the arguments ask for; the host's when they name none. */
function targetPlatforms() {
  const named = new Set();
  for (const arg of args) {
    if (['--linux', '-l'].includes(arg)) named.add('linux');
    if (['--mac', '--macos', '-m', '-o'].includes(arg)) named.add('darwin');
    if (['--win', '--windows', '-w'].includes(arg)) named.add('win32');
  }
  return named.size ? [...named] : [process.platform];
}

/** The architectures asked for; the host's when none. */
function targetArchs() {
  const named = ['x64', 'ia32', 'armv7l', 'arm64', 'universal'].filter((arch) => args.includes(`--${arch}`));
  return named.length ? named : [process.arch];
}

/** Whether only the unpacked app is asked for (`--dir`, or the `dir` target): no installer tools. */
const unpackedOnly =
  args.includes('--dir') || (args.includes('dir') && !/\b(AppImage|deb|dmg|nsis)\b/.test(args.join(' ')));

/** A local Electron given as `-c.electronDist=PATH` / `--config.electronDist=PATH`. */
const givenDist = args.find((arg) => /^(-c|--config)\.electronDist=./.test(arg));

/**
 * The Electron that `npm start` installed (node_modules/electron/dist, named by path.txt), when it
 * is there and the host is the only target: electron-builder would download it a second time.
 */
function installedDist(platforms) {
  const dist = path.join(root, 'node_modules/electron/dist');
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  const only = platforms.length === 1 && platforms[0] === process.platform;
  const archs = targetArchs();
  if (!only || archs.length !== 1 || archs[0] !== process.arch || !existsSync(pathFile)) return undefined;
  return existsSync(path.join(dist, readFileSync(pathFile, 'utf8').trim())) ? dist : undefined;
}

/** The caches electron-builder and @electron/get look in for Electron's zips. */
function electronCaches() {
  const home = os.homedir();
  const xdg = process.env.XDG_CACHE_HOME || path.join(home, '.cache');
  const local = process.env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
  const byPlatform = {
    darwin: [path.join(home, 'Library/Caches/electron'), path.join(home, 'Library/Caches/electron-builder')],
    win32: [path.join(local, 'electron', 'Cache'), path.join(local, 'electron-builder', 'Cache')],
  };
  return [
    process.env.ELECTRON_CACHE,
    process.env.ELECTRON_BUILDER_CACHE,
    ...(byPlatform[process.platform] ?? [path.join(xdg, 'electron'), path.join(xdg, 'electron-builder')]),
  ].filter(Boolean);
}

/** Whether a file named `name` is in `dir`, up to three levels down (the caches hash their URLs). */
function findFile(dir, name, depth = 3) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some(
    (entry) =>
      (entry.isFile() && entry.name === name) ||
      (entry.isDirectory() && depth > 0 && findFile(path.join(dir, entry.name), name, depth - 1)),
  );
}

/** Whether `url`'s host answers within 5 s (any HTTP answer will do). */
async function reachable(url) {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

/** One line saying what stops packaging here and how to go on, or undefined when nothing does. */
async function whatIsMissing() {
  const platforms = targetPlatforms();
  const zips = platforms.flatMap((platform) =>
    targetArchs().map((arch) => `electron-v${electronVersion}-${platform}-${arch}.zip`),
  );
  const local = givenDist ?? installedDist(platforms);
  if (local) args.push(...(givenDist ? [] : [`-c.electronDist=${local}`]));
  const uncached = local ? [] : zips.filter((zip) => !electronCaches().some((dir) => findFile(dir, zip)));
  // Behind a proxy, fetch() here would not use it but electron-builder does: let it try.
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'].some((name) => process.env[name]);
  if (proxied || (uncached.length === 0 && unpackedOnly)) return undefined;
  const electronHost = process.env.ELECTRON_MIRROR || 'https://github.com/';
  if (uncached.length && !(await reachable(electronHost))) {
    return (
      `kubedesk dist: Electron ${electronVersion}'s binary (${uncached.join(', ')}) is neither given nor cached, ` +
      `and ${new URL(electronHost).host} cannot be reached to download it: run \`npm run dist\` on a machine ` +
      `with internet access, or give a local Electron for that platform with ` +
      `\`npm run dist -- -c.electronDist=<Electron's unpacked directory or its zip>\`.`
    );
  }
  const toolsHost = process.env.ELECTRON_BUILDER_BINARIES_MIRROR || 'https://github.com/';
  if (!unpackedOnly && !(await reachable(toolsHost))) {
    return (
      `kubedesk dist: the installers need electron-builder's tools (fpm, appimagetool, NSIS, dmg tools), ` +
      `downloaded from ${new URL(toolsHost).host}, which cannot be reached: run \`npm run dist\` on a machine ` +
      `with internet access (or with ELECTRON_BUILDER_CACHE holding them), or build only the unpacked app ` +
      `with \`npm run dist -- --dir\`.`
    );
  }
  return undefined;
}

const missing = await whatIsMissing();
if (missing) {
  console.error(missing);
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', 'build'], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (built.status !== 0) process.exit(built.status ?? 1);

const cli = path.join(path.dirname(require.resolve('electron-builder/package.json')), 'cli.js');
const publish = args.some((arg) => arg === '--publish' || arg === '-p' || arg.startsWith('--publish='));
const packaged = spawnSync(process.execPath, [cli, ...args, ...(publish ? [] : ['--publish', 'never'])], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(packaged.status ?? 1);
