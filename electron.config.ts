/**
 * Build config for electron-vite: main, preload and renderer, each into out/<part>.
 * Packaging (electron-builder) is configured in package.json's "build" key and ships out/.
 */
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import { fileURLToPath } from 'node:url';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { main: here('src-main/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { preload: here('src-main/preload.ts') },
        // A sandboxed preload runs as a classic script, so it is one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('src-renderer'),
    plugins: [vue()],
    // monaco-yaml's worker (via monaco-worker-manager) imports monaco-editor/esm/vs/…, which
    // monaco-editor ≥ 0.56's "exports" map no longer allows (microsoft/monaco-editor#5082).
    resolve: {
      alias: [{ find: /^monaco-editor\/esm\//, replacement: here('node_modules/monaco-editor/esm/') }],
    },
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: here('src-renderer/index.html') },
    },
  },
});
