// Build only the dashboard (src-renderer) into OUTDIR (default out/renderer), as electron-vite's
// renderer build does, for working on the UI: `node scripts/build-renderer.mjs /tmp/ui`, then
// `KUBEDESK_RENDERER_DIR=/tmp/ui node bin/kubedesk.mjs ui --runtime simulated`.
import vue from '@vitejs/plugin-vue';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../src-renderer/', import.meta.url));
const outDir = resolve(process.argv[2] ?? fileURLToPath(new URL('../out/renderer/', import.meta.url)));
// monaco-yaml's worker (via monaco-worker-manager 2.0.1) imports monaco-editor/esm/vs/…, which
// monaco-editor ≥ 0.56's "exports" map no longer allows (microsoft/monaco-editor#5082).
const monacoEsm = fileURLToPath(new URL('../node_modules/monaco-editor/esm/', import.meta.url));
await build({
  root,
  base: './',
  plugins: [vue()],
  logLevel: 'warn',
  resolve: { alias: [{ find: /^monaco-editor\/esm\//, replacement: monacoEsm }] },
  build: { outDir, emptyOutDir: true },
});
console.log(`dashboard built into ${outDir}`);
