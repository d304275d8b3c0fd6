import { describe, expect, it } from 'vitest';
import type { TableColumn, TableRow } from '../../../../src-renderer/kube/index.js';
import {
  cellText,
  filterRows,
  nextSort,
  parseDuration,
  shownColumns,
  sortRows,
} from '../../../../src-renderer/components/table/table-model.js';

const COLUMNS: TableColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: '', priority: 0 },
  { name: 'Ready', type: 'string', format: '', description: '', priority: 0 },
  { name: 'Status', type: 'string', format: '', description: '', priority: 0 },
  { name: 'Restarts', type: 'string', format: '', description: '', priority: 0 },
  { name: 'Age', type: 'string', format: '', description: '', priority: 0 },
  { name: 'IP', type: 'string', format: '', description: '', priority: 1 },
  { name: 'Count', type: 'integer', format: '', description: '', priority: 1 },
];

function row(
  name: string,
  namespace: string,
  created: string,
  cells: Partial<Record<string, unknown>> = {},
): TableRow {
  return {
    cells: [
      name,
      '1/1',
      cells.status ?? 'Running',
      cells.restarts ?? '0',
      cells.age ?? '1m',
      '10.0.0.1',
      cells.count ?? 0,
    ],
    object: { metadata: { name, namespace, uid: `uid-${namespace}-${name}`, creationTimestamp: created } },
  };
}

describe('table columns', () => {
  it('shows priority-0 columns like kubectl get, and all with wide like -o wide', () => {
    expect(shownColumns(COLUMNS, { wide: false, namespaceColumn: false }).map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    const wide = shownColumns(COLUMNS, { wide: true, namespaceColumn: true });
    expect(wide.map((c) => c.name)).toEqual([
      'Namespace',
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP',
      'Count',
    ]);
    expect(cellText(row('a', 'prod', '2025-01-01T00:00:00Z'), wide[0]!)).toBe('prod');
    expect(cellText(row('a', 'prod', '2025-01-01T00:00:00Z'), wide[6]!)).toBe('10.0.0.1');
  });
});

describe('sorting', () => {
  const columns = shownColumns(COLUMNS, { wide: true, namespaceColumn: true });
  const id = (name: string) => columns.find((c) => c.name === name)!.id;
  const names = (rows: readonly TableRow[]) => rows.map((r) => r.object.metadata.name);
  const rows = [
    row('pod-10', 'b', '2025-01-01T00:00:00Z', { restarts: '12 (3m ago)', count: 5, age: '3d' }),
    row('pod-2', 'a', '2025-01-03T00:00:00Z', { restarts: '2', count: 40, age: '1d' }),
    row('pod-1', 'b', '2025-01-02T00:00:00Z', { restarts: '0', status: 'Pending', count: 7, age: '2d' }),
  ];

  it('lists by namespace then name, in natural order, without a sort', () => {
    expect(names(sortRows(rows, columns, undefined))).toEqual(['pod-2', 'pod-1', 'pod-10']);
  });

  it('sorts numbers and numbers inside text numerically', () => {
    expect(names(sortRows(rows, columns, { column: id('Count'), direction: 'asc' }))).toEqual([
      'pod-10',
      'pod-1',
      'pod-2',
    ]);
    expect(names(sortRows(rows, columns, { column: id('Restarts'), direction: 'asc' }))).toEqual([
      'pod-1',
      'pod-2',
      'pod-10',
    ]);
    expect(names(sortRows(rows, columns, { column: id('Name'), direction: 'desc' }))).toEqual([
      'pod-10',
      'pod-2',
      'pod-1',
    ]);
  });

  it('sorts ages by creation time, not by their text', () => {
    // "3d" < "1d" as text would put pod-10 last; by time it is the oldest, so the biggest age.
    expect(names(sortRows(rows, columns, { column: id('Age'), direction: 'asc' }))).toEqual([
      'pod-2',
      'pod-1',
      'pod-10',
    ]);
    expect(names(sortRows(rows, columns, { column: id('Age'), direction: 'desc' }))).toEqual([
      'pod-10',
      'pod-1',
      'pod-2',
    ]);
  });

  it('reads kubectl durations', () => {
    expect(parseDuration('45s')).toBe(45);
    expect(parseDuration('8m8s')).toBe(488);
    expect(parseDuration('2d3h')).toBe(2 * 86400 + 3 * 3600);
    expect(parseDuration('3y120d')).toBe(3 * 365 * 86400 + 120 * 86400);
    expect(parseDuration('1/1')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('cycles ascending, descending, off on header clicks', () => {
    let sort = nextSort(undefined, 'x');
    expect(sort).toEqual({ column: 'x', direction: 'asc' });
    sort = nextSort(sort, 'x');
    expect(sort).toEqual({ column: 'x', direction: 'desc' });
    expect(nextSort(sort, 'x')).toBeUndefined();
    expect(nextSort(sort, 'y')).toEqual({ column: 'y', direction: 'asc' });
  });

  it('sorts 10,000 rows fast enough for a live table', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      row(`pod-${(i * 7919) % 10_000}`, `ns-${i % 7}`, new Date(1_700_000_000_000 + i * 1000).toISOString()),
    );
    const started = performance.now();
    const sorted = sortRows(many, columns, { column: id('Name'), direction: 'asc' });
    expect(performance.now() - started).toBeLessThan(250);
    expect(sorted[0]!.object.metadata.name).toBe('pod-0');
    expect(sorted[1]!.object.metadata.name).toBe('pod-1');
  });
});

describe('text filter', () => {
  const rows = [
    row('web-1', 'shop', '2025-01-01T00:00:00Z'),
    row('db-1', 'shop', '2025-01-01T00:00:00Z', { status: 'CrashLoopBackOff' }),
    row('web-2', 'blog', '2025-01-01T00:00:00Z'),
  ];
  const names = (r: readonly TableRow[]) => r.map((x) => x.object.metadata.name);

  it('matches name, namespace and any cell, case-insensitively, every word', () => {
    expect(names(filterRows(rows, 'WEB'))).toEqual(['web-1', 'web-2']);
    expect(names(filterRows(rows, 'blog'))).toEqual(['web-2']);
    expect(names(filterRows(rows, 'crashloop'))).toEqual(['db-1']);
    expect(names(filterRows(rows, 'web shop'))).toEqual(['web-1']);
    expect(filterRows(rows, '  ')).toBe(rows);
  });
});
