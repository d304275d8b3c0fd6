/**
 * Bundled by the bench to plain JS, then `node --expose-gc store-rss-child.mjs <dir> [keys] [valueBytes] [concurrency] [settleMs]`
 *
 * Opens the embedded store in `<dir>` (fsync on, auto-compaction off), writes
 * `keys` distinct keys (default 100,000) of `valueBytes` (default 1024), that
 * many in flight at once (default 64), runs the GC when exposed, waits
 * `settleMs`, and prints one JSON line on stdout: `{ rssMB, heapUsedMB,
 * heapTotalMB, externalMB, loadMs, gc, keys }` (MB = 2^20 bytes). Its own process, so that the number
 * is the store's plus Node's and nothing of the benchmark's.
 */
import { randomBytes } from 'node:crypto';
import { openEmbeddedStore } from '../../embedded-cluster/store/embedded/embedded-store.js';
import { load, valueFor } from './load.js';

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const [dir, keysArg = '100000', bytesArg = '1024', concurrencyArg = '64', settleArg = '1000'] =
    process.argv.slice(2);
  if (!dir) throw new Error('usage: store-rss-child.ts <dir> [keys] [valueBytes] [concurrency] [settleMs]');
  const keys = Number(keysArg);
  const template = randomBytes(Number(bytesArg));
  const store = await openEmbeddedStore({ dataDir: dir, fsync: true, autoCompaction: false });
  const t0 = performance.now();
  await load(keys, Number(concurrencyArg), (i) => store.put(`/bench/rss/${i}`, valueFor(template, i)));
  const loadMs = performance.now() - t0;
  const stored = (await store.status()).keys;
  if (stored !== keys) throw new Error(`store holds ${stored} keys, expected ${keys}`);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, Number(settleArg)));
  gc?.();
  const memory = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({
      rssMB: memory.rss / MB,
      heapUsedMB: memory.heapUsed / MB,
      heapTotalMB: memory.heapTotal / MB,
      externalMB: memory.external / MB,
      loadMs,
      gc: gc !== undefined,
      keys,
    })}\n`,
  );
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
