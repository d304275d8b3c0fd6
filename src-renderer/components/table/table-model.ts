import type { TableColumn, TableRow } from '../../kube/index.js';

/**
 * The resource table's logic, without Vue: which of the server's columns show (as `kubectl get`
 * and `kubectl get -o wide` choose them, with NAMESPACE first as `kubectl get -A` prints it),
 * what each cell reads, how rows sort and how the text filter matches. Rows are the informer's
 * Table rows; a row object is replaced whenever it changes, so per-row work is cached by
 * identity in WeakMaps and 10,000 rows re-sort in a few milliseconds per update.
 */

/** A column the table shows: one of the server's, or the NAMESPACE column the client adds. */
export interface ShownColumn {
  /** Stable id: `namespace`, or `cell:<index into the row's cells>`. */
  id: string;
  name: string;
  description: string;
  /** The server's type (`string`, `integer`, `number`, `date`, …); `string` for NAMESPACE. */
  type: string;
  format: string;
  /** Index into `row.cells`, or -1 for the NAMESPACE column. */
  cell: number;
  /** Read by real time (`AGE` says `5m`; sort by `metadata.creationTimestamp`). */
  age: boolean;
}

export const NAMESPACE_COLUMN_ID = 'namespace';

/**
 * The columns to show: priority 0 (`kubectl get`), all with `wide` (`-o wide`), and NAMESPACE
 * first when the list spans several namespaces.
 */
export function shownColumns(
  columns: readonly TableColumn[],
  options: { wide: boolean; namespaceColumn: boolean },
): ShownColumn[] {
  const shown: ShownColumn[] = [];
  if (options.namespaceColumn) {
    shown.push({
      id: NAMESPACE_COLUMN_ID,
      name: 'Namespace',
      description: 'The namespace of the object.',
      type: 'string',
      format: '',
      cell: -1,
      age: false,
    });
  }
  columns.forEach((column, index) => {
    if (column.priority > 0 && !options.wide) return;
    shown.push({
      id: `cell:${index}`,
      name: column.name,
      description: column.description,
      type: column.type,
      format: column.format,
      cell: index,
      age: column.name.toLowerCase() === 'age' || column.name.toLowerCase() === 'created at',
    });
  });
  return shown;
}

/** What a cell shows: the server's value as text (`kubectl get` prints values as they come). */
export function cellText(row: TableRow, column: ShownColumn): string {
  if (column.cell < 0) return row.object.metadata.namespace ?? '';
  const value = row.cells[column.cell];
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The row's name (the `Name` column's value, which is metadata.name). */
export function rowName(row: TableRow): string {
  return row.object.metadata.name ?? '';
}

/** The row's key: the object's uid, else namespace/name. */
export function rowKey(row: TableRow): string {
  const m = row.object.metadata;
  return m.uid ?? `${m.namespace ?? ''}/${m.name ?? ''}`;
}

// --- sorting ----------------------------------------------------------------------------------

export type SortDirection = 'asc' | 'desc';
export interface SortSpec {
  column: string;
  direction: SortDirection;
}

type SortKey = number | string;

/**
 * A kubectl duration (`45s`, `5m`, `2d3h`, `3y120d`; `HumanDuration` in apimachinery's
 * util/duration) in seconds, or undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)y)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, y, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return y! * 365 * 86400 + d! * 86400 + h! * 3600 + m! * 60 + s!;
}

/** Digit runs padded to a fixed width, so plain `<` sorts `pod-2` before `pod-10`. */
function naturalKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, (digits) => digits.padStart(16, '0'));
}

/** The value a cell sorts by: numbers as numbers, ages by creation time, text in natural order. */
export function sortKey(row: TableRow, column: ShownColumn): SortKey {
  if (column.age) {
    // Older objects have bigger ages; sort by how long ago they were created.
    const created = Date.parse(row.object.metadata.creationTimestamp ?? '');
    if (!Number.isNaN(created)) return -created;
  }
  if (column.cell >= 0) {
    const value = row.cells[column.cell];
    if (typeof value === 'number') return value;
    if (column.type === 'integer' || column.type === 'number') {
      const n = Number(value);
      if (value !== '' && value !== null && !Number.isNaN(n)) return n;
    }
    if (typeof value === 'string') {
      const seconds = parseDuration(value);
      if (seconds !== undefined) return seconds;
    }
  }
  return naturalKey(cellText(row, column));
}

/** Numbers before text, then ascending. */
function compareKeys(a: SortKey, b: SortKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The rows sorted by `sort` (ties by namespace then name, the order `kubectl get` lists in),
 * or by namespace and name when `sort` is undefined. Returns a new array; stable.
 */
export function sortRows(
  rows: readonly TableRow[],
  columns: readonly ShownColumn[],
  sort: SortSpec | undefined,
): TableRow[] {
  const column = sort ? columns.find((c) => c.id === sort.column) : undefined;
  const sign = sort?.direction === 'desc' ? -1 : 1;
  const keyed = rows.map((row) => ({
    row,
    key: column ? sortKey(row, column) : 0,
    tie: tieKey(row),
  }));
  keyed.sort((a, b) => {
    const byColumn = column ? compareKeys(a.key, b.key) * sign : 0;
    if (byColumn !== 0) return byColumn;
    return a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0;
  });
  return keyed.map((k) => k.row);
}

const tieKeys = new WeakMap<TableRow, string>();
function tieKey(row: TableRow): string {
  let key = tieKeys.get(row);
  if (key === undefined) {
    const m = row.object.metadata;
    key = `${naturalKey(m.namespace ?? '')}\u0000${naturalKey(m.name ?? '')}`;
    tieKeys.set(row, key);
  }
  return key;
}

/** The next sort after a click on a column header: ascending, descending, then off. */
export function nextSort(current: SortSpec | undefined, column: string): SortSpec | undefined {
  if (current?.column !== column) return { column, direction: 'asc' };
  if (current.direction === 'asc') return { column, direction: 'desc' };
  return undefined;
}

// --- text filter ------------------------------------------------------------------------------

const haystacks = new WeakMap<TableRow, string>();

/** Everything the text filter searches in a row: name, namespace and every cell, lower case. */
function haystack(row: TableRow): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    const m = row.object.metadata;
    const cells = row.cells.map((c) => (c === null || c === undefined ? '' : String(c)));
    text = [m.name ?? '', m.namespace ?? '', ...cells].join('\u0000').toLowerCase();
    haystacks.set(row, text);
  }
  return text;
}

/** The rows whose name, namespace or any cell contains every word of `query` (case-insensitive). */
export function filterRows(rows: readonly TableRow[], query: string): readonly TableRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const text = haystack(row);
    return words.every((word) => text.includes(word));
  });
}

// --- presentation -----------------------------------------------------------------------------

/** The grid track of a column: names get room, ages and counts stay narrow. */
export function columnTrack(column: ShownColumn): string {
  if (column.format === 'name' || column.name === 'Name') return 'minmax(220px, 3fr)';
  if (column.id === NAMESPACE_COLUMN_ID) return 'minmax(120px, 1fr)';
  if (column.age) return 'minmax(64px, 0.5fr)';
  if (column.type === 'integer' || column.type === 'number') return 'minmax(72px, 0.5fr)';
  return 'minmax(100px, 1fr)';
}

const OK = /^(Running|Succeeded|Completed|Complete|Active|Bound|Ready|Available|True|Established)$/;
const BAD =
  /(Err|Error|Failed|BackOff|OOMKilled|Evicted|Invalid|Unknown|NotReady|Lost|ContainerCannotRun|DeadlineExceeded)/;
const WAIT = /^(Pending|ContainerCreating|PodInitializing|Init:|Terminating|Waiting|Released|NotReady)/;

/** A tone for status-like cells (`Status`, `Phase`, `Ready` of nodes), so trouble stands out. */
export function cellTone(column: ShownColumn, text: string): 'ok' | 'warning' | 'danger' | undefined {
  const name = column.name.toLowerCase();
  if (name !== 'status' && name !== 'phase') return undefined;
  if (OK.test(text)) return 'ok';
  if (WAIT.test(text)) return 'warning';
  if (BAD.test(text)) return 'danger';
  return undefined;
}
