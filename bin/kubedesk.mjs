#!/usr/bin/env node
// `kubedesk` (npm's bin; `npm run serve` runs `kubedesk serve`). Runs one of the bundles that
// `npm run build` makes: out/cli/kubedesk-ui.mjs for `kubedesk ui` (browser mode: src-main's
// supervisor and gateway), out/cli/kubedesk.mjs for everything else (embedded-cluster/cli.ts).
// When the bundle is missing or older than a source file it is built from (a fresh clone, an
// edit), it is rebuilt first with esbuild (a few hundred milliseconds, once), so every start runs
// one bundled module and starts in well under a second, and an edited source is never shadowed by
// a stale bundle. Without esbuild (a packaged install has no devDependencies and no sources), the
// bundle is used as it is.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ui = process.argv[2] === 'ui';
const bundle = new URL(ui ? '../out/cli/kubedesk-ui.mjs' : '../out/cli/kubedesk.mjs', import.meta.url);
// The ui bundle holds src-main and what it imports from embedded-cluster (util).
const sources = [new URL('../embedded-cluster/', import.meta.url)];
if (ui) sources.push(new URL('../src-main/', import.meta.url));
const builder = fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url));

if (!bundleIsCurrent()) {
  const built = spawnSync(process.execPath, [builder, ...(ui ? ['--ui'] : []), fileURLToPath(bundle)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    // In an Electron utility process, execPath is Electron: make it behave as Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  if (built.status !== 0) {
    process.stderr.write(
      `kubedesk: could not build ${fileURLToPath(bundle)} (see above); run \`npm run build\`\n`,
    );
    process.exit(1);
  }
}

// Run by a supervisor through an IPC channel (src-main/cluster-host/node-spawn.ts): when that
// parent dies without stopping us, the channel closes; treat it as SIGTERM, so the cluster stops
// cleanly instead of living on as an orphan that holds its data directory. The channel must not
// keep this process alive by itself.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

if (ui) {
  const { main } = await import(bundle.href);
  await main(process.argv.slice(3), {
    cliPath: fileURLToPath(import.meta.url),
    // KUBEDESK_RENDERER_DIR: a dashboard built elsewhere (scripts/build-renderer.mjs), for development.
    staticDir:
      process.env.KUBEDESK_RENDERER_DIR || fileURLToPath(new URL('../out/renderer/', import.meta.url)),
  });
} else {
  await import(bundle.href); // runs the CLI
}

/** Whether the bundle exists and no source is newer (without sources, as when packaged: exists). */
function bundleIsCurrent() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  return sources.every((dir) => {
    let files;
    try {
      files = readdirSync(dir, { recursive: true });
    } catch {
      return true;
    }
    const root = fileURLToPath(dir);
    return files.every((file) => statSync(root + file).mtimeMs <= built);
  });
}
