import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { isPlainObject, type KubeObject } from '../object.js';
import { DOC } from './descriptions.js';

/**
 * `meta.k8s.io/v1` Table and its parts (k8s.io/apimachinery/pkg/apis/meta/v1/types.go),
 * plus the small helpers the printers share.
 */

/** One column; every field is always present on the wire (none is `omitempty`). */
export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: `string`, `integer`, `number`, `boolean`, or `date` (custom resources, Created At). */
  type: string;
  /** `name` for the object's name column, else usually `''`. */
  format: string;
  description: string;
  /** 0: always shown; 1 and more: only with `kubectl get -o wide`. */
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  /** The object, a `PartialObjectMetadata`, or null, per `includeObject`. */
  object: unknown;
}

export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: TableListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What a printer needs besides the object. */
export interface PrintContext {
  /** Milliseconds since the epoch; ages are measured to it. */
  now: number;
}

export interface PrintedRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

/** A server-side printer for one kind: its columns and how one object fills them. */
export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  print(o: KubeObject, ctx: PrintContext): PrintedRow;
}

export function column(
  name: string,
  type: string,
  description: string,
  extra: { priority?: number; format?: string } = {},
): TableColumnDefinition {
  return { name, type, format: extra.format ?? '', description, priority: extra.priority ?? 0 };
}

export const NAME_COLUMN = column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' });
export const AGE_COLUMN = column('Age', 'string', DOC['ObjectMeta.creationTimestamp']);
export const CONTAINERS_COLUMN = column('Containers', 'string', 'Names of each container in the template.', {
  priority: 1,
});
export const IMAGES_COLUMN = column(
  'Images',
  'string',
  'Images referenced by each container in the template.',
  {
    priority: 1,
  },
);

/* Tolerant accessors: stored objects are validated, but printers must never throw. */

export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
export const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
/** An int32/int64 field; Go's zero value when missing. */
export const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);
export const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(obj(v)).map(([k, val]) => [k, str(val)]));

/** `layoutContainerCells`: container names and images, comma-joined. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = objs(obj(podSpec).containers);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}

/** `intstr.IntOrString.String()`. */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(Math.trunc(v)) : str(v);
}

/** Sorted, deduplicated (`sets.NewString(...).List()`). */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A `metav1.LabelSelector` field, or undefined (nil) when absent or not an object. */
export const selectorOf = (v: unknown): LabelSelector | undefined =>
  isPlainObject(v) ? (v as LabelSelector) : undefined;
