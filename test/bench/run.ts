/**
 * `npm run bench -- <suite> [--json FILE] [--quick]`
 *
 * Runs one benchmark suite, prints its table on stdout (progress goes to
 * stderr) and, with `--json FILE`, writes the results as an array of
 * {@link JsonRecord}s. `ratio` > 1 always means Kubedesk is better (see
 * runner.ts). Exits 0 whether or not targets are met: the numbers are the
 * output; a usage error or a crashed suite exits 1 or 2.
 */
import { writeFile } from 'node:fs/promises';
import { formatTable, parseArgs, pickSuite, toJsonRecords, UsageError, type Suite } from './runner.js';

/** Every suite by name. Adding one is one line; suites load only when picked. */
const SUITES: Record<string, () => Promise<Suite>> = {
  store: async () => (await import('./store-bench.js')).storeSuite,
  api: async () => (await import('./api-bench.js')).apiSuite,
  'control-plane': async () => (await import('./control-plane-bench.js')).controlPlaneSuite,
  kubelet: async () => (await import('./kubelet-bench.js')).kubeletSuite,
  network: async () => (await import('./network-bench.js')).networkSuite,
  ui: async () => (await import('./ui-bench.js')).uiSuite,
};

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const suite = await pickSuite(SUITES, args.suite)();
  const log = (message: string): void => {
    process.stderr.write(`[bench ${args.suite}] ${message}\n`);
  };
  log(`${suite.description}${args.quick ? ' (quick)' : ''}`);
  const started = performance.now();
  const report = await suite.run({ quick: args.quick, log });
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`\n${formatTable(report)}\n`);
  if (args.json !== undefined) {
    await writeFile(args.json, `${JSON.stringify(toJsonRecords([report]), null, 2)}\n`);
    log(`wrote ${args.json}`);
  }
}

main(process.argv.slice(2)).then(
  // Leftover handles (a gRPC channel's timers, say) must not keep the bench alive.
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
