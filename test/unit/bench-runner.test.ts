/**
 * The benchmark runner's formatting and bookkeeping, on made-up results: no
 * store, no etcd, nothing timed. The real bench runs only via `npm run bench`.
 */
import { describe, expect, it } from 'vitest';
import {
  formatNumber,
  formatTable,
  parseArgs,
  pickSuite,
  ratioOf,
  targetMet,
  toJsonRecords,
  UsageError,
  type MetricResult,
  type SuiteReport,
} from '../bench/runner.js';

const report: SuiteReport = {
  suite: 'store',
  peer: 'etcd 3.4.99',
  metrics: [
    { metric: 'puts/s, 1 writer', unit: 'ops/s', better: 'higher', value: 2000, peerValue: 500 },
    {
      metric: 'puts/s, 64 writers',
      unit: 'ops/s',
      better: 'higher',
      value: 6000,
      peerValue: 3000,
      target: { kind: 'ratio', threshold: 3 },
    },
    {
      metric: 'watch p99',
      unit: 'ms',
      better: 'lower',
      value: 1.5,
      peerValue: 15,
      target: { kind: 'absolute', op: '<=', threshold: 2 },
    },
    { metric: 'RSS', unit: 'MB', better: 'lower', value: 200, peerValue: 100 },
  ],
  footnotes: ['in-process vs loopback gRPC'],
};

describe('ratio', () => {
  it('is above 1 when Kubedesk is better, whichever way the metric points', () => {
    expect(ratioOf(report.metrics[0]!)).toBe(4); // 2000 vs 500 puts/s, higher is better
    expect(ratioOf(report.metrics[2]!)).toBe(10); // 1.5 vs 15 ms, lower is better
    expect(ratioOf(report.metrics[3]!)).toBe(0.5); // 200 vs 100 MB: worse
  });

  it('is null without a peer value', () => {
    const alone: MetricResult = { metric: 'x', unit: 'ms', better: 'lower', value: 1, peerValue: null };
    expect(ratioOf(alone)).toBeNull();
  });
});

describe('targets', () => {
  it('judges ratio targets against the normalised ratio and absolute ones against the value', () => {
    expect(targetMet(report.metrics[1]!)).toBe(false); // 2x, needs 3x
    expect(targetMet(report.metrics[2]!)).toBe(true); // 1.5 ms <= 2 ms
    expect(targetMet(report.metrics[0]!)).toBeUndefined(); // no target
  });
});

describe('table', () => {
  const table = formatTable(report);

  it('states the ratio convention and the peer in its header', () => {
    expect(table).toContain('Kubedesk vs etcd 3.4.99; ratio > 1 means Kubedesk is better');
  });

  it('prints one row per metric with values, ratio, target and verdict', () => {
    const row = (name: string) => table.split('\n').find((line) => line.startsWith(name)) ?? '';
    expect(row('puts/s, 1 writer')).toMatch(/2,000\s+500\s+4\.00x$/);
    expect(row('puts/s, 64 writers')).toMatch(/6,000\s+3,000\s+2\.00x\s+>= 3x etcd 3\.4\.99\s+MISSED$/);
    expect(row('watch p99')).toMatch(/1\.50\s+15\.0\s+10\.00x\s+<= 2 ms\s+met$/);
    expect(row('RSS')).toMatch(/0\.50x$/);
  });

  it('counts targets met and ends with the footnotes', () => {
    expect(table).toContain('targets met: 1 of 2');
    expect(table.trimEnd().endsWith('[1] in-process vs loopback gRPC')).toBe(true);
  });
});

describe('JSON records', () => {
  it('has one record per metric in the documented shape', () => {
    const records = toJsonRecords([report]);
    expect(records).toHaveLength(4);
    expect(records[0]).toEqual({
      suite: 'store',
      metric: 'puts/s, 1 writer',
      unit: 'ops/s',
      value: 2000,
      peer: 'etcd 3.4.99',
      peerValue: 500,
      ratio: 4,
    });
    expect(records[1]).toMatchObject({ ratio: 2, target: '>= 3x etcd 3.4.99', met: false });
    expect(records[2]).toMatchObject({ ratio: 10, target: '<= 2 ms', met: true });
    expect(JSON.parse(JSON.stringify(records))).toEqual(records);
  });
});

describe('arguments', () => {
  it('reads the suite, --json FILE (or --json=FILE) and --quick in any order', () => {
    expect(parseArgs(['store'])).toEqual({ suite: 'store', json: undefined, quick: false });
    expect(parseArgs(['--quick', 'store', '--json', 'out.json'])).toEqual({
      suite: 'store',
      json: 'out.json',
      quick: true,
    });
    expect(parseArgs(['store', '--json=r.json']).json).toBe('r.json');
  });

  it('rejects a missing suite, a --json without a file and unknown options', () => {
    expect(() => parseArgs([])).toThrow(UsageError);
    expect(() => parseArgs(['store', '--json'])).toThrow(/--json needs a file/);
    expect(() => parseArgs(['store', '--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseArgs(['store', 'api'])).toThrow(/one suite at a time/);
  });

  it('names the known suites when asked for an unknown one', () => {
    const registry = { store: 1, api: 2 };
    expect(pickSuite(registry, 'store')).toBe(1);
    expect(() => pickSuite(registry, 'disk')).toThrow('unknown suite "disk"; known suites: api, store');
    expect(() => pickSuite(registry, 'toString')).toThrow(UsageError);
  });
});

describe('numbers', () => {
  it('keeps about three significant digits', () => {
    expect(formatNumber(30481.2)).toBe('30,481');
    expect(formatNumber(115.15)).toBe('115');
    expect(formatNumber(21.43)).toBe('21.4');
    expect(formatNumber(0.953)).toBe('0.95');
    expect(formatNumber(null)).toBe('-');
    expect(formatNumber(NaN)).toBe('-');
  });
});
