import type { FieldProblem } from '../catalog.js';

/**
 * Constructors for {@link FieldProblem}s, one per `field.Error` constructor of
 * k8s.io/apimachinery/pkg/util/validation/field/errors.go, so validators read
 * like their Go originals: `required(path)`, `invalid(path, value, detail)`.
 *
 * Field paths are plain strings as `field.Path.String()` renders them:
 * `spec.containers[0].name`, `metadata.labels`, `data[key]`.
 */

/** A value to print verbatim in a message, as Go's `%#v` would render it (see {@link GoSyntax}). */
export class GoSyntax {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Problems = FieldProblem[];

export function required(field: string, detail = ''): FieldProblem {
  return detail ? { type: 'Required', field, detail } : { type: 'Required', field };
}

export function invalid(field: string, value: unknown, detail: string): FieldProblem {
  return { type: 'Invalid', field, value, detail };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldProblem {
  return { type: 'NotSupported', field, value, supported };
}

export function forbidden(field: string, detail: string): FieldProblem {
  return { type: 'Forbidden', field, detail };
}

export function duplicate(field: string, value: unknown): FieldProblem {
  return { type: 'Duplicate', field, value };
}

export function notFound(field: string, value: unknown, detail = ''): FieldProblem {
  return detail ? { type: 'NotFound', field, value, detail } : { type: 'NotFound', field, value };
}

/** `field.TooLong` as Kubernetes 1.32 words it: `Too long: must have at most N bytes`. */
export function tooLong(field: string, maxLength: number): FieldProblem {
  return { type: 'TooLong', field, detail: `must have at most ${maxLength} bytes` };
}

/** `field.TooMany`: `Too many: 5: must have at most 4 items`. */
export function tooMany(field: string, actual: number, max: number): FieldProblem {
  return { type: 'TooMany', field, value: actual, detail: `must have at most ${max} items` };
}

export function typeInvalid(field: string, value: unknown, detail: string): FieldProblem {
  return { type: 'TypeInvalid', field, value, detail };
}

/** Field paths: `child('spec', 'containers')`, `index(p, 0)`, `key(p, 'cpu')`. */
export function child(path: string, ...names: string[]): string {
  let out = path;
  for (const name of names) out = out ? `${out}.${name}` : name;
  return out;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

// Defensive readers: objects arrive from JSON, so every field may be of the wrong type.

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function objs(v: unknown): Obj[] {
  return arr(v).map((x) => (isObj(x) ? x : {}));
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) out[k] = typeof val === 'string' ? val : String(val);
  return out;
}

/** Ensure `o[k]` is a plain object, creating it when absent, and return it. */
export function ensureObj(o: Obj, k: string): Obj {
  const cur = o[k];
  if (isObj(cur)) return cur;
  const fresh: Obj = {};
  o[k] = fresh;
  return fresh;
}

/**
 * Structural equality of JSON values, as `apiequality.Semantic.DeepEqual` on
 * decoded objects: like Go's, it takes a missing (nil) list to equal an empty one.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isAbsent(a) && isAbsent(b)) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => !isAbsent(a[k]));
    const kb = Object.keys(b).filter((k) => !isAbsent(b[k]));
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}
