/**
 * The `local/layering` lint rule (eslint/layering-plugin.js), run through the repository's real
 * eslint.config.js on virtual files: each forbidden import is reported with a message naming both
 * layers, each allowed one is not, and the `eslint` command that `npm run lint` runs exits non-zero.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The layering messages ESLint reports for `code` saved as `file` (repo-relative). */
async function layering(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  if (!result) throw new Error(`no lint result for ${file}`);
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`${file} did not parse: ${fatal[0]?.message}`);
  return result.messages.filter((m) => m.ruleId === 'local/layering').map((m) => m.message);
}

const CLUSTER = '(layering: util ← store ← api ← apiserver ← client ← components)';

describe('embedded-cluster layers', () => {
  it('reports a lower layer importing a higher one, naming both layers', async () => {
    expect(
      await layering('embedded-cluster/store/x.ts', `import { y } from '../apiserver/y.js'; y();`),
    ).toEqual([`embedded-cluster/store may not import embedded-cluster/apiserver ${CLUSTER}`]);
  });

  it.each([
    ['embedded-cluster/util/a.ts', '../store/store.js', 'embedded-cluster/util', 'embedded-cluster/store'],
    ['embedded-cluster/store/a.ts', '../api/catalog.js', 'embedded-cluster/store', 'embedded-cluster/api'],
    [
      'embedded-cluster/store/embedded/a.ts',
      '../../client/index.js',
      'embedded-cluster/store',
      'embedded-cluster/client',
    ],
    [
      'embedded-cluster/api/a.ts',
      '../apiserver/server.js',
      'embedded-cluster/api',
      'embedded-cluster/apiserver',
    ],
    [
      'embedded-cluster/apiserver/a.ts',
      '../client/index.js',
      'embedded-cluster/apiserver',
      'embedded-cluster/client',
    ],
    [
      'embedded-cluster/apiserver/a.ts',
      '../kubelet/kubelet.js',
      'embedded-cluster/apiserver',
      'embedded-cluster/kubelet',
    ],
    [
      'embedded-cluster/client/a.ts',
      '../store/store.js',
      'embedded-cluster/client',
      'embedded-cluster/store',
    ],
    [
      'embedded-cluster/client/a.ts',
      '../apiserver/server.js',
      'embedded-cluster/client',
      'embedded-cluster/apiserver',
    ],
    [
      'embedded-cluster/scheduler/a.ts',
      '../store/store.js',
      'embedded-cluster/scheduler',
      'embedded-cluster/store',
    ],
    [
      'embedded-cluster/controllers/a.ts',
      '../apiserver/x.js',
      'embedded-cluster/controllers',
      'embedded-cluster/apiserver',
    ],
    [
      'embedded-cluster/scheduler/a.ts',
      '../kubelet/kubelet.js',
      'embedded-cluster/scheduler',
      'embedded-cluster/kubelet',
    ],
    [
      'embedded-cluster/kubelet/a.ts',
      '../proxy/proxy.js',
      'embedded-cluster/kubelet',
      'embedded-cluster/proxy',
    ],
    ['embedded-cluster/dns/a.ts', '../ingress/x.js', 'embedded-cluster/dns', 'embedded-cluster/ingress'],
    [
      'embedded-cluster/ingress/a.ts',
      '../controllers/x.js',
      'embedded-cluster/ingress',
      'embedded-cluster/controllers',
    ],
    [
      'embedded-cluster/store/a.ts',
      '../cluster.js',
      'embedded-cluster/store',
      'embedded-cluster wiring (cluster.ts, cli.ts)',
    ],
    [
      'embedded-cluster/client/a.ts',
      '../cli.js',
      'embedded-cluster/client',
      'embedded-cluster wiring (cluster.ts, cli.ts)',
    ],
  ])('%s may not import %s', async (file, specifier, from, to) => {
    const messages = await layering(file, `import { x } from '${specifier}'; x();`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(new RegExp(`^${from} may not import ${escape(to)} \\(layering: `));
  });

  it('applies to type-only imports too', async () => {
    expect(
      await layering('embedded-cluster/client/a.ts', `import type { S } from '../store/store.js'; let s: S;`),
    ).toEqual([
      `embedded-cluster/client may not import embedded-cluster/store ${CLUSTER.slice(0, -1)}; client depends only on api and util, never on store or apiserver)`,
    ]);
  });

  it.each([
    ['embedded-cluster/util/a.ts', ['./other.js']],
    ['embedded-cluster/store/embedded/a.ts', ['../store.js', '../../util/clock.js', './log.js']],
    ['embedded-cluster/api/a.ts', ['../store/store.js', '../util/clock.js', './catalog.js']],
    ['embedded-cluster/apiserver/a.ts', ['../api/catalog.js', '../store/store.js', '../util/logger.js']],
    ['embedded-cluster/client/a.ts', ['../api/catalog.js', '../util/clock.js', './informer.js']],
    ['embedded-cluster/scheduler/a.ts', ['../client/index.js', '../api/catalog.js', '../util/clock.js']],
    ['embedded-cluster/controllers/pod-controller.ts', ['../client/index.js', './work-queue.js']],
    ['embedded-cluster/kubelet/runtime/docker.ts', ['../../client/index.js', '../kubelet.js']],
    [
      'embedded-cluster/cluster.ts',
      ['./store/store.js', './apiserver/x.js', './kubelet/k.js', './dns/d.js', './foo/x.js'],
    ],
    ['embedded-cluster/cli.ts', ['./cluster.js', './util/logger.js']],
  ])('%s may import %j', async (file, specifiers) => {
    const code = specifiers.map((s, i) => `import { x${i} } from '${s}';`).join('\n');
    expect(await layering(file, code)).toEqual([]);
  });

  it('keeps embedded-cluster free of electron, src-main and src-renderer', async () => {
    const code = [
      `import { app } from 'electron';`,
      `import { main } from '../../src-main/main.js';`,
      `import type { View } from '../../src-renderer/view.js';`,
    ].join('\n');
    expect(await layering('embedded-cluster/store/a.ts', code)).toEqual([
      'embedded-cluster/store may not import electron (electron may be imported only under src-main/, outside src-main/shared, gateway/, cluster-host/, app/ and port-forward/ (which run under plain Node too))',
      'embedded-cluster/store may not import src-main (embedded-cluster is plain Node: it never imports src-main, src-renderer or electron)',
      'embedded-cluster/store may not import src-renderer (embedded-cluster is plain Node: it never imports src-main, src-renderer or electron)',
    ]);
    expect(
      await layering('embedded-cluster/cluster.ts', `import { main } from '../src-main/main.js';`),
    ).toEqual([
      'embedded-cluster wiring (cluster.ts, cli.ts) may not import src-main (embedded-cluster is plain Node: it never imports src-main, src-renderer or electron)',
    ]);
  });

  it('asks for a layer for a folder the table does not know', async () => {
    expect(await layering('embedded-cluster/runtime/a.ts', `import { x } from '../store/store.js';`)).toEqual(
      [
        'embedded-cluster/runtime is in no layer: add its folder to ZONES in eslint/layering-plugin.js (every folder of embedded-cluster belongs to a layer)',
      ],
    );
    expect(await layering('embedded-cluster/store/a.ts', `import { x } from '../runtime/x.js';`)).toEqual([
      `embedded-cluster/store may not import embedded-cluster/runtime ${CLUSTER}`,
    ]);
  });
});

describe('every import form is checked', () => {
  const forbidden = '../apiserver/y.js';
  it.each([
    ['import', `import { y } from '${forbidden}';`],
    ['import type', `import type { Y } from '${forbidden}';`],
    ['side-effect import', `import '${forbidden}';`],
    ['export from', `export { y } from '${forbidden}';`],
    ['export type from', `export type { Y } from '${forbidden}';`],
    ['export * from', `export * from '${forbidden}';`],
    ['export * as from', `export * as ns from '${forbidden}';`],
    ['dynamic import()', `export const m = await import('${forbidden}');`],
    ['dynamic import() of a plain template', 'export const m = await import(`' + forbidden + '`);'],
    ['require()', `export const m = require('${forbidden}');`],
    ['import = require()', `import m = require('${forbidden}'); export { m };`],
    ['typeof import() in a type', `export type M = typeof import('${forbidden}');`],
  ])('%s', async (_form, code) => {
    expect(await layering('embedded-cluster/store/a.ts', code)).toEqual([
      `embedded-cluster/store may not import embedded-cluster/apiserver ${CLUSTER}`,
    ]);
  });

  it('leaves specifiers it cannot read alone', async () => {
    expect(
      await layering('embedded-cluster/store/a.ts', 'export const load = (p: string) => import(p);'),
    ).toEqual([]);
  });
});

describe('electron, main and renderer', () => {
  it('lets only src-main import electron', async () => {
    const code = `import { app } from 'electron';\nimport type { IpcMain } from 'electron/main';`;
    expect(await layering('src-main/main.ts', code)).toEqual([]);
    expect(await layering('src-main/windows/main-window.ts', code)).toEqual([]);
    const electronOnly =
      'electron may be imported only under src-main/, outside src-main/shared, gateway/, cluster-host/, app/ and port-forward/ (which run under plain Node too)';
    expect(await layering('src-main/shared/bridge.ts', code)).toEqual([
      `src-main/shared may not import electron (${electronOnly})`,
      `src-main/shared may not import electron/main (${electronOnly})`,
    ]);
    expect(await layering('src-renderer/main.ts', code)).toHaveLength(2);
    expect(await layering('test/unit/a.test.ts', code)).toHaveLength(2);
    expect(await layering('scripts/a.mjs', `const e = require('electron'); e();`)).toEqual([
      `scripts may not import electron (${electronOnly})`,
    ]);
  });

  it('keeps src-main out of the renderer and away from the cluster internals', async () => {
    expect(await layering('src-main/main.ts', `import { App } from '../src-renderer/App.vue';`)).toEqual([
      'src-main may not import src-renderer (src-main never imports the renderer, and uses the cluster through cluster.ts, client, api and util)',
    ]);
    expect(
      await layering('src-main/ipc/a.ts', `import { s } from '../../embedded-cluster/store/store.js';`),
    ).toEqual([
      'src-main may not import embedded-cluster/store (src-main never imports the renderer, and uses the cluster through cluster.ts, client, api and util)',
    ]);
    const allowed = [
      `import { startCluster } from '../embedded-cluster/cluster.js';`,
      `import type { Pod } from '../embedded-cluster/api/types.js';`,
      `import { bridgeMethods } from './shared/bridge.js';`,
      `import { readFile } from 'node:fs/promises';`,
    ].join('\n');
    expect(await layering('src-main/main.ts', allowed)).toEqual([]);
  });

  it('lets the renderer import only types, and only from src-main/shared', async () => {
    const why =
      '(the renderer runs in the sandboxed window: from outside src-renderer it may only `import type` from src-main/shared)';
    expect(
      await layering(
        'src-renderer/stores/app.ts',
        [
          `import type { KubedeskBridge } from '../../src-main/shared/bridge.js';`,
          `export type { KubedeskBridge as B } from '../../src-main/shared/bridge.js';`,
          `export type M = typeof import('../../src-main/shared/bridge.js');`,
          `import { defineStore } from 'pinia';`,
          `import { ref } from 'vue';`,
          `import { view } from '../views/view.js';`,
        ].join('\n'),
      ),
    ).toEqual([]);
    expect(
      await layering('src-renderer/main.ts', `import { bridgeMethods } from '../src-main/shared/bridge.js';`),
    ).toEqual([`src-renderer may import src-main/shared only with \`import type\` ${why}`]);
    expect(await layering('src-renderer/main.ts', `import type { X } from '../src-main/main.js';`)).toEqual([
      `src-renderer may not import src-main ${why}`,
    ]);
    expect(
      await layering(
        'src-renderer/kube/a.ts',
        `import type { Pod } from '../../embedded-cluster/api/types.js';`,
      ),
    ).toEqual([`src-renderer may not import embedded-cluster/api ${why}`]);
    expect(await layering('src-renderer/main.ts', `import { readFile } from 'node:fs';`)).toEqual([
      'src-renderer may not import node:fs (the renderer, and the contracts it imports, run without Node)',
    ]);
  });

  it('checks the script of Vue single-file components', async () => {
    const sfc = `<script setup lang="ts">\nimport { x } from '../src-main/main.js';\nx();\n</script>\n\n<template>\n  <p>x</p>\n</template>\n`;
    expect(await layering('src-renderer/App.vue', sfc)).toEqual([
      'src-renderer may not import src-main (the renderer runs in the sandboxed window: from outside src-renderer it may only `import type` from src-main/shared)',
    ]);
  });

  it('does not layer tests, scripts and config files', async () => {
    const code = `import { s } from '../../embedded-cluster/store/store.js';\nimport { m } from '../../src-main/main.js';`;
    expect(await layering('test/unit/a.test.ts', code)).toEqual([]);
  });
});

describe('npm run lint', () => {
  it('fails when a file breaks the layering', () => {
    // `npm run lint` starts with `eslint .`; this is that command, given one file on stdin.
    const eslintBin = path.join(ROOT, 'node_modules/eslint/bin/eslint.js');
    const run = spawnSync(
      process.execPath,
      [eslintBin, '--stdin', '--stdin-filename', 'embedded-cluster/store/x.ts'],
      { cwd: ROOT, input: `import { y } from '../apiserver/y.js';\ny();\n`, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `embedded-cluster/store may not import embedded-cluster/apiserver ${CLUSTER}`,
    );
    expect(run.stdout).toContain('local/layering');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
