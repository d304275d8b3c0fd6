// Part of `npm run build`: bundles the `kubedesk` CLI into ES modules that bin/kubedesk.mjs runs
// when they are current. One file to load instead of a few hundred, and no TypeScript compiler at
// run time. Two bundles, because embedded-cluster never imports src-main:
//   out/cli/kubedesk.mjs     `kubedesk serve`: embedded-cluster/cli.ts and everything it imports
//   out/cli/kubedesk-ui.mjs  `kubedesk ui`: src-main/ui-cli.ts (the supervisor, the gateway)
// `node scripts/build-cli.mjs` builds both; `node scripts/build-cli.mjs [--ui] OUTFILE` builds one
// (the serve bundle unless --ui) to OUTFILE (tests do; keep it inside the repository so that the
// bundle finds its external dependencies in node_modules).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const ui = args.includes('--ui');
const outfile = args.find((arg) => arg !== '--ui');

// Bundled CommonJS dependencies call require() (for Node built-ins, too): give them one, under
// names that cannot clash with the bundle's own.
const requireBanner = [
  "import { createRequire as __kdCreateRequire } from 'node:module';",
  'const require = __kdCreateRequire(import.meta.url);',
];

/** The options both bundles share. */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  logLevel: 'warning',
};

/** `kubedesk serve`: runs the CLI as soon as it is imported. */
const serveBundle = (file = 'out/cli/kubedesk.mjs') =>
  build({
    ...common,
    stdin: {
      contents: "import { main } from './embedded-cluster/cli.js';\nawait main();\n",
      resolveDir: root,
      sourcefile: 'kubedesk-cli.ts',
      loader: 'ts',
    },
    outfile: file,
    // etcd3 loads its .proto files from its own directory at run time, and dockerode's ssh2 has an
    // optional native module: both stay in node_modules.
    external: ['etcd3', 'dockerode'],
    banner: { js: ['#!/usr/bin/env node', ...requireBanner].join('\n') },
  });

/**
 * `kubedesk ui`: exports `main(argv, paths)`, which bin/kubedesk.mjs calls. Every package stays in
 * node_modules (@kubernetes/client-node and ws are large and load their own optional parts); only
 * our sources are bundled.
 */
const uiBundle = (file = 'out/cli/kubedesk-ui.mjs') =>
  build({
    ...common,
    entryPoints: { 'kubedesk-ui': 'src-main/ui-cli.ts' },
    outfile: file,
    packages: 'external',
    banner: { js: requireBanner.join('\n') },
  });

if (outfile !== undefined) await (ui ? uiBundle(outfile) : serveBundle(outfile));
else if (ui) await uiBundle();
else await Promise.all([serveBundle(), uiBundle()]);
