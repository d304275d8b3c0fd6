/**
 * The benchmark runner's pure parts: what a suite returns, argument parsing,
 * target checks, the printed table and the JSON records. No I/O here, so the
 * unit test can exercise all of it on made-up numbers (test/unit/bench-runner.test.ts).
 *
 * ## Ratio convention
 *
 * `ratio` is normalised so that **ratio > 1 always means Kubedesk is better**
 * than the peer, whatever the metric's direction:
 *
 *   - higher is better (puts/s):   ratio = value / peerValue
 *   - lower is better (ms, MB):    ratio = peerValue / value
 *
 * So "3.0×" reads "three times better" both for throughput and for latency.
 */

export type Better = 'higher' | 'lower';

/**
 * A goal for one metric. `absolute`: the value itself must be at most / at
 * least `threshold` (in the metric's unit). `ratio`: the normalised ratio
 * against the peer must reach `threshold` (e.g. 3 for "3× etcd").
 */
export type Target =
  { kind: 'absolute'; op: '<=' | '>='; threshold: number } | { kind: 'ratio'; threshold: number };

export interface MetricResult {
  metric: string;
  unit: string;
  better: Better;
  /** Kubedesk's number. */
  value: number;
  /** The peer's number for the same workload; null when the suite has no peer. */
  peerValue: number | null;
  /** This row's peer when a suite compares with several (e.g. "Docker exec API"); else the report's. */
  peerLabel?: string;
  target?: Target;
}

export interface SuiteReport {
  suite: string;
  /** The peer compared against, e.g. "etcd 3.4.23"; null for none. */
  peer: string | null;
  metrics: MetricResult[];
  /** Printed under the table: how the comparison was set up. */
  footnotes: string[];
}

export interface SuiteContext {
  quick: boolean;
  /** Progress messages (stderr; stdout carries only the table). */
  log(message: string): void;
}

export interface Suite {
  description: string;
  run(context: SuiteContext): Promise<SuiteReport>;
}

/** One line of the `--json` file. */
export interface JsonRecord {
  suite: string;
  metric: string;
  unit: string;
  value: number;
  peer: string | null;
  peerValue: number | null;
  /** Normalised: > 1 means Kubedesk is better (see the header comment). */
  ratio: number | null;
  /** Present only for metrics with a target: e.g. "<= 2 ms", ">= 3x etcd 3.4.23". */
  target?: string;
  met?: boolean;
}

export interface BenchArgs {
  suite: string;
  json: string | undefined;
  quick: boolean;
}

export const USAGE = 'usage: npm run bench -- <suite> [--json FILE] [--quick]';

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): BenchArgs {
  let suite: string | undefined;
  let json: string | undefined;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') {
      const file = argv[++i];
      if (file === undefined || file.startsWith('--')) throw new UsageError(`--json needs a file\n${USAGE}`);
      json = file;
    } else if (arg.startsWith('--json=')) json = arg.slice('--json='.length);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    else if (suite === undefined) suite = arg;
    else throw new UsageError(`only one suite at a time (got ${suite} and ${arg})\n${USAGE}`);
  }
  if (suite === undefined) throw new UsageError(`no suite given\n${USAGE}`);
  return { suite, json, quick };
}

/** The suite called `name`, or a UsageError that lists the known ones. */
export function pickSuite<S>(registry: Readonly<Record<string, S>>, name: string): S {
  if (Object.hasOwn(registry, name)) return registry[name]!;
  const known = Object.keys(registry).sort().join(', ');
  throw new UsageError(`unknown suite "${name}"; known suites: ${known}\n${USAGE}`);
}

/** Normalised ratio (> 1: Kubedesk better); null without a usable peer value. */
export function ratioOf(metric: MetricResult): number | null {
  const { value, peerValue } = metric;
  if (peerValue === null || !Number.isFinite(peerValue) || !Number.isFinite(value)) return null;
  const r = metric.better === 'higher' ? value / peerValue : peerValue / value;
  return Number.isFinite(r) ? r : null;
}

/** Whether the metric meets its target; undefined when it has none (or it cannot be judged). */
export function targetMet(metric: MetricResult): boolean | undefined {
  const target = metric.target;
  if (!target) return undefined;
  if (target.kind === 'ratio') {
    const ratio = ratioOf(metric);
    return ratio === null ? undefined : ratio >= target.threshold;
  }
  return target.op === '<=' ? metric.value <= target.threshold : metric.value >= target.threshold;
}

export function describeTarget(metric: MetricResult, peer: string | null): string | undefined {
  const target = metric.target;
  if (!target) return undefined;
  if (target.kind === 'ratio') return `>= ${target.threshold}x ${peer ?? 'peer'}`;
  return `${target.op} ${target.threshold} ${metric.unit}`;
}

export function toJsonRecords(reports: readonly SuiteReport[]): JsonRecord[] {
  return reports.flatMap((report) =>
    report.metrics.map((metric) => {
      const record: JsonRecord = {
        suite: report.suite,
        metric: metric.metric,
        unit: metric.unit,
        value: metric.value,
        peer: metric.peerLabel ?? report.peer,
        peerValue: metric.peerValue,
        ratio: ratioOf(metric),
      };
      const target = describeTarget(metric, metric.peerLabel ?? report.peer);
      const met = targetMet(metric);
      if (target !== undefined) record.target = target;
      if (met !== undefined) record.met = met;
      return record;
    }),
  );
}

/** A number with as many decimals as its size deserves. */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '-' : `${ratio.toFixed(2)}x`;
}

/** The report as a plain-text table, with a header line, target column and footnotes. */
export function formatTable(report: SuiteReport): string {
  const peer = report.peer ?? 'peer';
  const headers = ['metric', 'unit', 'better', 'kubedesk', peer, 'ratio', 'target', 'met?'];
  const rows = report.metrics.map((metric) => {
    const met = targetMet(metric);
    return [
      metric.metric,
      metric.unit,
      metric.better,
      formatNumber(metric.value),
      formatNumber(metric.peerValue),
      formatRatio(ratioOf(metric)),
      describeTarget(metric, metric.peerLabel ?? report.peer) ?? '',
      met === undefined ? (metric.target ? '?' : '') : met ? 'met' : 'MISSED',
    ];
  });
  const numeric = new Set([3, 4, 5]);
  const widths = headers.map((h, col) => Math.max(h.length, ...rows.map((row) => row[col]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, col) => (numeric.has(col) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const withTarget = report.metrics.filter((m) => m.target);
  const metCount = withTarget.filter((m) => targetMet(m) === true).length;
  const out = [
    `bench: ${report.suite}` +
      (report.peer ? `  —  Kubedesk vs ${report.peer}; ratio > 1 means Kubedesk is better` : ''),
    '',
    line(headers),
    rule,
    ...rows.map(line),
    rule,
  ];
  if (withTarget.length > 0) out.push(`targets met: ${metCount} of ${withTarget.length}`);
  if (report.footnotes.length > 0) {
    out.push('');
    report.footnotes.forEach((note, i) => out.push(`[${i + 1}] ${note}`));
  }
  return out.join('\n');
}
