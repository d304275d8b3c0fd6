/**
 * The `store` suite: the same workload against the embedded store (in this
 * process, fsync on, auto-compaction off) and against etcd 3.4 (a separate
 * process on loopback, fsync on, through the project's etcd backend).
 *
 * Phases run one after the other, never two heavy things at once: the
 * embedded workload (etcd not yet started), the embedded RSS child, the etcd
 * workload, then a fresh etcd for its RSS. See test/bench/README.md for what
 * each metric measures.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { readFile, readlink } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openEmbeddedStore } from '../../embedded-cluster/store/embedded/embedded-store.js';
import { openEtcdStore } from '../../embedded-cluster/store/etcd/etcd-store.js';
import { prefixEnd, type Store } from '../../embedded-cluster/store/store.js';
import { startEtcd } from '../support/etcd-server.js';
import { tempDir } from '../support/temp-dir.js';
import { load, valueFor } from './load.js';
import type { MetricResult, Suite, SuiteContext, SuiteReport } from './runner.js';

interface Plan {
  warmupMs: number;
  runMs: number;
  /** Concurrent writers of the parallel put run. */
  writers: number;
  valueBytes: number;
  rangeKeys: number;
  rangeRuns: number;
  watchers: number;
  watchWarmupPuts: number;
  watchPuts: number;
  rssKeys: number;
  rssValueBytes: number;
  /** Writes in flight while loading keys (range set-up, RSS). */
  loadConcurrency: number;
  /** Pause after loading and before reading RSS. */
  settleMs: number;
}

const FULL: Plan = {
  warmupMs: 500,
  runMs: 3_000,
  writers: 64,
  valueBytes: 256,
  rangeKeys: 10_000,
  rangeRuns: 10,
  watchers: 100,
  watchWarmupPuts: 20,
  watchPuts: 2_000,
  rssKeys: 100_000,
  rssValueBytes: 1024,
  loadConcurrency: 64,
  settleMs: 1_000,
};

/** About 10× shorter. Range and watcher sizes stay; RSS is measured at 10,000 keys. */
const QUICK: Plan = {
  ...FULL,
  warmupMs: 50,
  runMs: 300,
  rangeRuns: 3,
  watchWarmupPuts: 5,
  watchPuts: 200,
  rssKeys: 10_000,
  settleMs: 200,
};

const RSS_TARGET_MB = 150;
const WATCH_P99_TARGET_MS = 2;
const PUTS_64_TARGET_RATIO = 3;
/** No single phase should take this long; a stuck watch fails the run instead of hanging it. */
const PHASE_TIMEOUT_MS = 120_000;
const MB = 1024 * 1024;

interface WorkloadNumbers {
  puts1: number;
  putsN: number;
  putP50: number;
  putP99: number;
  rangeMs: number;
  watchP99: number;
  fanOutP99: number;
}

export const storeSuite: Suite = {
  description: 'store: embedded store (in-process) vs etcd 3.4 (loopback gRPC), fsync on',
  run: runStoreSuite,
};

async function runStoreSuite(context: SuiteContext): Promise<SuiteReport> {
  const plan = context.quick ? QUICK : FULL;
  const log = context.log;

  log('embedded: workload');
  const dir = await tempDir('bench-store');
  let ours: WorkloadNumbers;
  try {
    const store = await openEmbeddedStore({ dataDir: dir.path, fsync: true, autoCompaction: false });
    try {
      ours = await workload(store, plan, (m) => log(`embedded: ${m}`));
      const stats = store.stats();
      log(`embedded: ${stats.keys} keys, revision ${stats.revision}, log segment ${stats.segment}`);
    } finally {
      await store.close();
    }
  } finally {
    await dir.remove();
  }
  log('embedded: RSS of an empty store (child process)');
  const emptyRss = await embeddedRss(plan, 0, log);
  log(`embedded: RSS with ${plan.rssKeys} keys (child process)`);
  const ourRss = await embeddedRss(plan, plan.rssKeys, log);

  log('etcd: starting');
  const etcd = await startEtcd();
  let peer: string;
  let theirs: WorkloadNumbers;
  try {
    peer = await etcdVersion(etcd.pid);
    log(`etcd: ${peer}, workload`);
    const store = await openEtcdStore({ endpoints: [etcd.endpoint] });
    try {
      theirs = await workload(store, plan, (m) => log(`etcd: ${m}`));
    } finally {
      await store.close();
    }
  } finally {
    await etcd.stop();
  }
  log(`etcd: RSS with ${plan.rssKeys} keys (fresh etcd)`);
  const theirRss = await etcdRss(plan, log);

  const keys = plan.rssKeys.toLocaleString('en-US');
  const rssMetric: MetricResult = {
    metric: `RSS, ${keys} keys of ${plan.rssValueBytes / 1024} KiB`,
    unit: 'MB',
    better: 'lower',
    value: ourRss,
    peerValue: theirRss,
  };
  if (plan.rssKeys === 100_000) rssMetric.target = { kind: 'absolute', op: '<=', threshold: RSS_TARGET_MB };

  const metrics: MetricResult[] = [
    {
      metric: 'durable puts/s, 1 writer',
      unit: 'ops/s',
      better: 'higher',
      value: ours.puts1,
      peerValue: theirs.puts1,
    },
    {
      metric: `durable puts/s, ${plan.writers} writers`,
      unit: 'ops/s',
      better: 'higher',
      value: ours.putsN,
      peerValue: theirs.putsN,
      target: { kind: 'ratio', threshold: PUTS_64_TARGET_RATIO },
    },
    {
      metric: 'put latency p50, 1 writer',
      unit: 'ms',
      better: 'lower',
      value: ours.putP50,
      peerValue: theirs.putP50,
    },
    {
      metric: 'put latency p99, 1 writer',
      unit: 'ms',
      better: 'lower',
      value: ours.putP99,
      peerValue: theirs.putP99,
    },
    {
      metric: `range ${plan.rangeKeys.toLocaleString('en-US')} keys (median)`,
      unit: 'ms',
      better: 'lower',
      value: ours.rangeMs,
      peerValue: theirs.rangeMs,
    },
    {
      metric: `watch delivery p99, ${plan.watchers} watchers`,
      unit: 'ms',
      better: 'lower',
      value: ours.watchP99,
      peerValue: theirs.watchP99,
      target: { kind: 'absolute', op: '<=', threshold: WATCH_P99_TARGET_MS },
    },
    {
      metric: `watch fan-out p99, ${plan.watchers} watchers`,
      unit: 'ms',
      better: 'lower',
      value: ours.fanOutP99,
      peerValue: theirs.fanOutP99,
    },
    rssMetric,
  ];

  const cpu = cpus();
  const footnotes = [
    `The Kubedesk store runs in-process with the benchmark (that is how the API server uses it); ` +
      `${peer} is a separate process reached over gRPC on 127.0.0.1 through the project's etcd ` +
      `backend (etcd3 client). Both fsync every commit before acknowledging it.`,
    `Puts: ${plan.valueBytes}-byte values, distinct keys, ${plan.runMs / 1000} s after ${plan.warmupMs / 1000} s ` +
      `warm-up; range: median of ${plan.rangeRuns}; watch: ${plan.watchers} watchers on one prefix, ` +
      `${plan.watchPuts} serial puts; delivery = from the put() call to the event reaching each watcher ` +
      `(so it includes the commit's fsync: compare put p99), fan-out = from the event reaching the first ` +
      `watcher to reaching each of the others.`,
    `RSS: embedded = a fresh Node process (store + runtime, after GC; the same process with an empty ` +
      `store, i.e. bare Node: ${emptyRss.toFixed(0)} MB); etcd = VmRSS of a fresh etcd; each after loading the keys ` +
      `${plan.loadConcurrency} in flight. MB = 2^20 bytes.`,
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}.`,
  ];
  if (context.quick) {
    footnotes.push(
      `Quick run: shortened, noisy; RSS measured with ${keys} keys, so the ${RSS_TARGET_MB} MB ` +
        'target (for 100,000 keys) is not judged.',
    );
  }
  return { suite: 'store', peer, metrics, footnotes };
}

async function workload(store: Store, plan: Plan, log: (message: string) => void): Promise<WorkloadNumbers> {
  const one = await putRun(store, 1, plan);
  log(
    `1 writer: ${one.opsPerSec.toFixed(0)} puts/s, p50 ${one.p50.toFixed(3)} ms, ` +
      `p99 ${one.p99.toFixed(3)} ms, max ${one.max.toFixed(3)} ms`,
  );
  const many = await putRun(store, plan.writers, plan);
  log(
    `${plan.writers} writers: ${many.opsPerSec.toFixed(0)} puts/s, p50 ${many.p50.toFixed(3)} ms, ` +
      `p99 ${many.p99.toFixed(3)} ms`,
  );
  const rangeMs = await rangeRun(store, plan);
  log(`range ${plan.rangeKeys} keys: median ${rangeMs.toFixed(2)} ms`);
  const watch = await watchRun(store, plan);
  log(
    `watch, ${plan.watchers} watchers: p50 ${watch.p50.toFixed(3)} ms, p99 ${watch.p99.toFixed(3)} ms, ` +
      `max ${watch.max.toFixed(3)} ms over ${watch.samples} deliveries; puts took ${watch.putMs.toFixed(0)} ms`,
  );
  return {
    puts1: one.opsPerSec,
    putsN: many.opsPerSec,
    putP50: one.p50,
    putP99: one.p99,
    rangeMs,
    watchP99: watch.p99,
    fanOutP99: watch.fanOutP99,
  };
}

interface PutRun {
  opsPerSec: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * `writers` loops, each putting distinct keys one after the other, for
 * warm-up + run time. Throughput counts puts completed inside the measuring
 * window; latencies are of puts started and completed inside it.
 */
async function putRun(store: Store, writers: number, plan: Plan): Promise<PutRun> {
  const template = randomBytes(plan.valueBytes);
  const start = performance.now();
  const measureFrom = start + plan.warmupMs;
  const measureTo = measureFrom + plan.runMs;
  let completed = 0;
  const latencies: number[] = [];
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; ; i++) {
      const t0 = performance.now();
      if (t0 >= measureTo) return;
      await store.put(`/bench/put/${writers}x/${w}/${i}`, valueFor(template, i));
      const t1 = performance.now();
      if (t1 >= measureFrom && t1 < measureTo) {
        completed++;
        if (t0 >= measureFrom) latencies.push(t1 - t0);
      }
    }
  };
  await withTimeout(
    Promise.all(Array.from({ length: writers }, (_, w) => writer(w))),
    `${writers}-writer put run`,
  );
  const sorted = Float64Array.from(latencies).sort();
  return {
    opsPerSec: completed / (plan.runMs / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** Load `rangeKeys` keys under one prefix, then time whole-prefix ranges; the median, in ms. */
async function rangeRun(store: Store, plan: Plan): Promise<number> {
  const prefix = '/bench/range/';
  const template = randomBytes(plan.valueBytes);
  const width = String(plan.rangeKeys).length;
  await withTimeout(
    load(plan.rangeKeys, plan.loadConcurrency, (i) =>
      store.put(`${prefix}${String(i).padStart(width, '0')}`, valueFor(template, i)),
    ),
    'range set-up',
  );
  const end = prefixEnd(prefix);
  const times: number[] = [];
  for (let run = -1; run < plan.rangeRuns; run++) {
    const t0 = performance.now();
    const result = await store.range(prefix, { end });
    const elapsed = performance.now() - t0;
    if (result.count !== plan.rangeKeys || result.kvs.length !== plan.rangeKeys) {
      throw new Error(
        `range returned ${result.kvs.length} of ${result.count} keys, expected ${plan.rangeKeys}`,
      );
    }
    if (run >= 0) times.push(elapsed); // run -1 is a warm-up
  }
  return percentile(Float64Array.from(times).sort(), 50);
}

interface WatchRun {
  p50: number;
  p99: number;
  fanOutP99: number;
  max: number;
  samples: number;
  putMs: number;
}

/**
 * `watchers` watches on one prefix; a writer puts `watchPuts` keys one after
 * the other. Latency = from just before put() is called to the moment the
 * event's batch reaches each watcher's loop. A few warm-up puts first make
 * sure every watch is established (etcd's streams open asynchronously).
 */
async function watchRun(store: Store, plan: Plan): Promise<WatchRun> {
  const prefix = '/bench/watch/';
  const warmPrefix = `${prefix}warm/`;
  const template = randomBytes(plan.valueBytes);
  const sentAt = new Map<string, number>();
  const firstSeenAt = new Map<string, number>();
  const latencies = new Float64Array(plan.watchers * plan.watchPuts);
  const fanOut = new Float64Array(plan.watchers * plan.watchPuts);
  let samples = 0;
  const warm = countdown(plan.watchers * plan.watchWarmupPuts);
  const measured = countdown(plan.watchers * plan.watchPuts);

  const watches = Array.from({ length: plan.watchers }, () =>
    store.watch(prefix, { end: prefixEnd(prefix) }),
  );
  const consumers = watches.map(async (watch) => {
    for await (const batch of watch) {
      const now = performance.now();
      for (const event of batch) {
        const key = event.kv.key;
        if (key.startsWith(warmPrefix)) {
          warm.hit();
          continue;
        }
        const sent = sentAt.get(key);
        if (sent === undefined) throw new Error(`watch delivered an unexpected key ${key}`);
        let first = firstSeenAt.get(key);
        if (first === undefined) firstSeenAt.set(key, (first = now));
        fanOut[samples] = now - first;
        latencies[samples++] = now - sent;
        measured.hit();
      }
    }
  });
  const failed = Promise.all(consumers).then(() => {
    throw new Error('a watch ended before all events arrived');
  });

  try {
    for (let i = 0; i < plan.watchWarmupPuts; i++)
      await store.put(`${warmPrefix}${i}`, valueFor(template, i));
    await withTimeout(Promise.race([warm.done, failed]), 'watch warm-up');
    const t0 = performance.now();
    for (let i = 0; i < plan.watchPuts; i++) {
      const key = `${prefix}${i}`;
      sentAt.set(key, performance.now());
      await store.put(key, valueFor(template, i));
    }
    const putMs = performance.now() - t0;
    await withTimeout(Promise.race([measured.done, failed]), 'watch delivery');
    const sorted = latencies.subarray(0, samples).sort();
    return {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      fanOutP99: percentile(fanOut.subarray(0, samples).sort(), 99),
      max: sorted[sorted.length - 1] ?? NaN,
      samples,
      putMs,
    };
  } finally {
    for (const watch of watches) watch.cancel();
    failed.catch(() => undefined);
    await Promise.allSettled(consumers);
  }
}

/** RSS of a fresh Node process that opened the embedded store and loaded the keys. */
async function embeddedRss(plan: Plan, keys: number, log: (message: string) => void): Promise<number> {
  const dir = await tempDir('bench-rss');
  try {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    // Bundled to plain JavaScript, as the app ships it: a TypeScript loader
    // in the child would add its own ~35 MB to the number.
    const child = join(dir.path, 'store-rss-child.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./store-rss-child.ts', import.meta.url))],
      outfile: child,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Bundled CommonJS dependencies may call require() for Node built-ins.
      banner: {
        js: "import { createRequire as kdRequire } from 'node:module'; const require = kdRequire(import.meta.url);",
      },
      logLevel: 'warning',
    });
    const args = [
      '--expose-gc',
      child,
      dir.path,
      String(keys),
      String(plan.rssValueBytes),
      String(plan.loadConcurrency),
      String(plan.settleMs),
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => proc.kill('SIGKILL'), PHASE_TIMEOUT_MS);
      proc.once('error', reject);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(stdout);
        else reject(new Error(`RSS child failed (code ${code}, signal ${signal}):\n${stderr}`));
      });
    });
    const line = output.trim().split('\n').pop() ?? '';
    const report = JSON.parse(line) as {
      rssMB: number;
      heapUsedMB: number;
      heapTotalMB: number;
      externalMB: number;
      loadMs: number;
      gc: boolean;
    };
    log(
      `embedded: ${keys} keys: RSS ${report.rssMB.toFixed(1)} MB (heap used ${report.heapUsedMB.toFixed(1)} of ` +
        `${report.heapTotalMB.toFixed(1)} MB, external ${report.externalMB.toFixed(1)} MB, ` +
        `gc ${report.gc ? 'run' : 'not exposed'}), loaded in ${report.loadMs.toFixed(0)} ms`,
    );
    return report.rssMB;
  } finally {
    await dir.remove();
  }
}

/** VmRSS of a fresh etcd after loading the keys through the client. */
async function etcdRss(plan: Plan, log: (message: string) => void): Promise<number> {
  const etcd = await startEtcd();
  try {
    const before = await vmRssMB(etcd.pid);
    const store = await openEtcdStore({ endpoints: [etcd.endpoint] });
    const t0 = performance.now();
    try {
      const template = randomBytes(plan.rssValueBytes);
      await withTimeout(
        load(plan.rssKeys, plan.loadConcurrency, (i) => store.put(`/bench/rss/${i}`, valueFor(template, i))),
        'etcd RSS load',
      );
    } finally {
      await store.close();
    }
    const loadMs = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, plan.settleMs));
    const rss = await vmRssMB(etcd.pid);
    log(`etcd: RSS ${rss.toFixed(1)} MB (${before.toFixed(1)} MB empty), loaded in ${loadMs.toFixed(0)} ms`);
    return rss;
  } finally {
    await etcd.stop();
  }
}

async function vmRssMB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return (Number(match[1]) * 1024) / MB;
}

/** "etcd 3.4.23", from `etcd --version` of the binary the running etcd was started from. */
async function etcdVersion(pid: number): Promise<string> {
  const binary = await readlink(`/proc/${pid}/exe`);
  const { stdout } = await promisify(execFile)(binary, ['--version']);
  const match = /etcd Version:\s*(\S+)/.exec(stdout);
  if (!match) throw new Error(`cannot read the version from \`${binary} --version\`: ${stdout}`);
  return `etcd ${match[1]}`;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function countdown(count: number): { hit(): void; done: Promise<void> } {
  let left = count;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  if (left <= 0) resolve();
  return {
    hit() {
      if (--left === 0) resolve();
    },
    done,
  };
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${PHASE_TIMEOUT_MS} ms`)),
      PHASE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
