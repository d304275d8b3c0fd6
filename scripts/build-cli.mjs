// Part of `npm run build`: bundles the `kubedesk` CLI (embedded-cluster/cli.ts and everything it
// imports) into one ES module, out/cli/kubedesk.mjs, which bin/kubedesk.mjs runs when it is current.
// One file to load instead of a few hundred, and no TypeScript compiler at run time.
// `node scripts/build-cli.mjs [OUTFILE]` writes elsewhere (tests do; keep it inside the repository
// so that the bundle finds etcd3 in node_modules).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = process.argv[2] ?? 'out/cli/kubedesk.mjs';

await build({
  absWorkingDir: root,
  stdin: {
    contents: "import { main } from './embedded-cluster/cli.js';\nawait main();\n",
    resolveDir: root,
    sourcefile: 'kubedesk-cli.ts',
    loader: 'ts',
  },
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // etcd3 loads its .proto files from its own directory at run time, and dockerode's ssh2 has an
  // optional native module: both stay in node_modules.
  external: ['etcd3', 'dockerode'],
  // Bundled CommonJS dependencies call require() (for Node built-ins, too): give them one, under
  // names that cannot clash with the bundle's own.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __kdCreateRequire } from 'node:module';",
      'const require = __kdCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  logLevel: 'warning',
});
