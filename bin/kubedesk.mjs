#!/usr/bin/env node
// `kubedesk` (npm's bin; `npm run serve` runs `kubedesk serve`). Runs the bundle that
// `npm run build` makes (out/cli/kubedesk.mjs). When it is missing or older than a source file
// under embedded-cluster/ (a fresh clone, an edit), it is rebuilt first with esbuild (a few
// hundred milliseconds, once), so every start runs one bundled module and starts in well under
// a second, and an edited source is never shadowed by a stale bundle. Without esbuild (a
// packaged install has no devDependencies and no sources), the bundle is used as it is.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../out/cli/kubedesk.mjs', import.meta.url);
const sources = new URL('../embedded-cluster/', import.meta.url);
const builder = fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url));

if (!bundleIsCurrent()) {
  const built = spawnSync(process.execPath, [builder], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) {
    process.stderr.write('kubedesk: could not build out/cli/kubedesk.mjs (see above); run `npm run build`\n');
    process.exit(1);
  }
}
await import(bundle.href); // runs the CLI

/** Whether the bundle exists and no source is newer (without sources, as when packaged: exists). */
function bundleIsCurrent() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  let files;
  try {
    files = readdirSync(sources, { recursive: true });
  } catch {
    return true;
  }
  const root = fileURLToPath(sources);
  return files.every((file) => statSync(root + file).mtimeMs <= built);
}
