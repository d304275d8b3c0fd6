// Build only the dashboard (src-renderer) into OUTDIR (default out/renderer), as electron-vite's
// renderer build does, for working on the UI: `node scripts/build-renderer.mjs /tmp/ui`, then
// `KUBEDESK_RENDERER_DIR=/tmp/ui node bin/kubedesk.mjs ui --runtime simulated`.
import vue from '@vitejs/plugin-vue';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../src-renderer/', import.meta.url));
const outDir = resolve(process.argv[2] ?? fileURLToPath(new URL('../out/renderer/', import.meta.url)));
await build({
  root,
  base: './',
  plugins: [vue()],
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true },
});
console.log(`dashboard built into ${outDir}`);
