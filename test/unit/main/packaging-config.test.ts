/**
 * The packaging configuration (package.json's "build", read by electron-builder) checked as
 * configuration only: the targets, the icons, and which files the `files` patterns keep — the
 * entry points main.ts loads at run time, and every package the main process and the cluster
 * CLI import. Nothing here runs electron-builder or Electron: no installer is built or started.
 */
import { existsSync, readFileSync } from 'node:fs';
import { matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root));

interface BuildConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  extraMetadata: Record<string, unknown>;
  files: string[];
  asar: boolean;
  npmRebuild: boolean;
  icon: string;
  linux: { target: string[]; category: string; icon: string; maintainer: string; executableName: string };
  deb: { depends: string[]; recommends: string[] };
  mac: { target: string[]; category: string };
  win: { target: string[] };
  nsis: { oneClick: boolean; perMachine: boolean };
}
const pkg = JSON.parse(read('package.json').toString()) as {
  main: string;
  scripts: Record<string, string>;
  build: BuildConfig;
};
const build = pkg.build;

/**
 * Whether electron-builder would package `file` (relative to the project), as its `files`
 * patterns read: our own files must match a pattern and no exclusion; node_modules (which it adds
 * from the production dependencies) must match no exclusion.
 */
function packaged(file: string): boolean {
  const excluded = build.files.some((p) => p.startsWith('!') && matchesGlob(file, p.slice(1)));
  if (excluded) return false;
  if (file.startsWith('node_modules/')) return true;
  return build.files.some((p) => !p.startsWith('!') && matchesGlob(file, p));
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = read(file);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('packaging config (package.json "build")', () => {
  it('names the app and builds every platform’s installers into dist/', () => {
    expect(build).toMatchObject({
      appId: 'dev.kubedesk.app',
      productName: 'Kubedesk',
      directories: { output: 'dist', buildResources: 'build' },
      asar: true,
    });
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
    expect(build.linux.target).toEqual(['AppImage', 'deb']);
    expect(build.linux.category).toBe('Development');
    expect(build.linux.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/); // deb needs a name and address
    expect(build.mac).toEqual({ target: ['dmg'], category: 'public.app-category.developer-tools' });
    expect(build.win.target).toEqual(['nsis']);
    expect(build.nsis).toMatchObject({ oneClick: false, perMachine: false });
    // deb: homepage and author are required, from the packaged package.json.
    expect(build.extraMetadata).toMatchObject({ homepage: expect.any(String), author: expect.any(Object) });
  });

  it('recommends Docker rather than depending on it', () => {
    expect(build.deb.depends.join(' ')).not.toMatch(/docker/);
    expect(build.deb.recommends).toContain('docker.io | docker-ce');
  });

  it('has the icons: 1024×1024 for macOS and Windows, the hicolor sizes for Linux', () => {
    expect(build.icon).toBe('build/icon.png');
    expect(pngSize('build/icon.png')).toEqual([1024, 1024]);
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(`${build.linux.icon}/${size}x${size}.png`)).toEqual([size, size]);
    }
  });

  it('packages what main.ts loads: main, the preload script, the renderer and the cluster CLI', () => {
    expect(pkg.main).toBe('out/main/main.js');
    for (const file of [
      'package.json',
      'out/main/main.js',
      'out/preload/preload.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc123.js',
      'out/renderer/assets/codicon-abc123.ttf',
      'out/cli/kubedesk.mjs',
      'out/cli/kubedesk.mjs.LEGAL.txt',
    ]) {
      expect(packaged(file), file).toBe(true);
    }
  });

  it('leaves out sources, tests, source maps and the CLIs the app does not run', () => {
    // Without bin/, main.ts runs the bundle out/cli/kubedesk.mjs (bin/ would rebuild from sources).
    for (const file of [
      'bin/kubedesk.mjs',
      'src-main/main.ts',
      'src-renderer/App.vue',
      'embedded-cluster/cli.ts',
      'test/unit/main/packaging-config.test.ts',
      'scratch/notes.md',
      'build/icon.png',
      'out/cli/kubedesk-ui.mjs',
      'out/cli/kubedesk-bench.mjs',
      'out/main/main.js.map',
      'out/cli/kubedesk.mjs.map',
      'node_modules/@kubernetes/client-node/dist/index.d.ts',
    ]) {
      expect(packaged(file), file).toBe(false);
    }
  });

  it('drops the packages that are bundled into out/, keeps those loaded at run time', () => {
    for (const file of [
      'node_modules/monaco-editor/esm/vs/editor/editor.main.js',
      'node_modules/vue/index.js',
      'node_modules/@vue/runtime-core/index.js',
      'node_modules/@xterm/xterm/lib/xterm.js',
      'node_modules/prettier/index.cjs',
      'node_modules/cpu-features/lib/index.js',
    ]) {
      expect(packaged(file), file).toBe(false);
    }
    for (const file of [
      'node_modules/@kubernetes/client-node/dist/index.js',
      'node_modules/ws/index.js',
      'node_modules/yaml/dist/index.js',
      'node_modules/etcd3/lib/index.js',
      'node_modules/dockerode/lib/docker.js',
      'node_modules/ssh2/lib/index.js',
    ]) {
      expect(packaged(file), file).toBe(true);
    }
  });

  // Built bundles are needed: skipped in a fresh clone before `npm run build`.
  const bundles = ['out/main/main.js', 'out/cli/kubedesk.mjs'];
  it.skipIf(!bundles.every((b) => existsSync(new URL(b, root))))(
    'keeps every package the built main and cluster bundles import, with its dependencies',
    () => {
      const imported = new Set<string>();
      for (const bundle of bundles) {
        const text = read(bundle).toString();
        for (const [, name] of text.matchAll(/(?:^|\n)import\s[^;]*?\sfrom\s*["']([^"'.][^"']*)["']/g)) {
          if (name!.startsWith('node:') || name === 'electron') continue;
          imported.add(name!.startsWith('@') ? name!.split('/').slice(0, 2).join('/') : name!.split('/')[0]!);
        }
      }
      expect([...imported].sort()).toEqual(
        expect.arrayContaining(['@kubernetes/client-node', 'dockerode', 'etcd3', 'ws', 'yaml']),
      );
      // Their dependency closure, as npm installed it (package-lock.json's nested layout).
      const lock = JSON.parse(read('package-lock.json').toString()) as {
        packages: Record<
          string,
          { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
        >;
      };
      const resolve = (from: string, name: string): string | undefined => {
        for (let dir = from; ;) {
          const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
          if (lock.packages[key]) return key;
          if (!dir) return undefined;
          const up = dir.lastIndexOf('/node_modules/');
          dir = up < 0 ? '' : dir.slice(0, up);
        }
      };
      const closure = new Set<string>();
      const visit = (key: string | undefined) => {
        if (!key || closure.has(key)) return;
        closure.add(key);
        const entry = lock.packages[key]!;
        for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
          visit(resolve(key, dep));
      };
      for (const name of imported) visit(resolve('', name));
      // Optional native add-ons that ssh2 loads in a try/catch, and that are left out on purpose.
      const optional = ['node_modules/cpu-features', 'node_modules/nan'];
      const dropped = [...closure].filter(
        (key) => !optional.includes(key) && !packaged(`${key}/package.json`),
      );
      expect(dropped).toEqual([]);
    },
  );
});
