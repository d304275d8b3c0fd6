#!/usr/bin/env node
// `kubedesk` (npm's bin; `npm run serve` runs `kubedesk serve`). Runs the bundle that
// `npm run build` makes (out/cli/kubedesk.mjs) when it is newer than every source file under
// embedded-cluster/, and otherwise the TypeScript sources through tsx, so a fresh clone needs no
// build and an edited source is never shadowed by a stale bundle.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../out/cli/kubedesk.mjs', import.meta.url);
const sources = new URL('../embedded-cluster/', import.meta.url);

if (bundleIsCurrent()) {
  await import(bundle.href); // runs the CLI
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(new URL('cli.ts', sources).href);
  await main();
}

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
