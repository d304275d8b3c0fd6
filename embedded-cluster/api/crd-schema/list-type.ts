import type { FieldProblem } from '../catalog.js';
import { invalid } from '../validation/index.js';
import { badValue } from './go-values.js';
import { duplicate, stableJson } from './field-errors.js';
import {
  additionalOf,
  childPath,
  has,
  indexPath,
  isObj,
  itemsOf,
  keyPath,
  propertyOf,
  type FieldPath,
  type JSONSchemaProps,
  type Obj,
} from './schema.js';

/**
 * The uniqueness invariants of `x-kubernetes-list-type: set` (whole items)
 * and `map` (the `x-kubernetes-list-map-keys` of each item), as
 * apiextensions-apiserver/pkg/apiserver/schema/listtype/validation.go checks
 * them after schema validation: each repeated item is reported once, at its
 * second appearance, e.g. `spec.ports[2]: Duplicate value: map[string]interface {}{"name":"http"}`.
 */
export function listSetAndMapProblems(
  fldPath: FieldPath,
  s: JSONSchemaProps | undefined,
  obj: unknown,
): FieldProblem[] {
  return isObj(obj) ? objectProblems(fldPath, s, obj) : [];
}

function objectProblems(fldPath: FieldPath, s: JSONSchemaProps | undefined, obj: Obj): FieldProblem[] {
  if (!s) return [];
  const out: FieldProblem[] = [];
  const additional = additionalOf(s)?.schema;
  if (additional)
    for (const [k, v] of Object.entries(obj)) out.push(...valueProblems(keyPath(fldPath, k), additional, v));
  if (s.properties) {
    for (const [k, v] of Object.entries(obj)) {
      const prop = propertyOf(s, k);
      if (prop) out.push(...valueProblems(childPath(fldPath, k), prop, v));
    }
  }
  return out;
}

function valueProblems(p: string, s: JSONSchemaProps, v: unknown): FieldProblem[] {
  if (Array.isArray(v)) return arrayProblems(p, s, v);
  if (isObj(v)) return objectProblems(p, s, v);
  return [];
}

function arrayProblems(p: string, s: JSONSchemaProps, arr: unknown[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') {
    for (const i of nonUniqueIndices(arr)) out.push(duplicate(indexPath(p, i), arr[i]));
  } else if (listType === 'map') {
    out.push(...listMapProblems(p, s, arr));
  }
  const items = itemsOf(s);
  if (items) arr.forEach((x, i) => out.push(...valueProblems(indexPath(p, i), items, x)));
  return out;
}

/** Marks a list-map item that lacks its single key field (Go's `unspecifiedKeyValue{}`). */
const UNSPECIFIED = Symbol('unspecified key');

/** The indices where an item appears for the second time (scalars by type and value, the rest by JSON). */
function nonUniqueIndices(items: readonly unknown[]): number[] {
  if (items.length <= 1) return [];
  const seen = new Map<string, number>();
  const out: number[] = [];
  items.forEach((x, i) => {
    const id =
      x === UNSPECIFIED
        ? 'unspecified'
        : isObj(x) || Array.isArray(x)
          ? `json:${stableJson(x)}`
          : `${typeof x}:${String(x)}`;
    const times = seen.get(id) ?? 0;
    seen.set(id, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

function listMapProblems(p: string, s: JSONSchemaProps, arr: unknown[]): FieldProblem[] {
  for (const [i, x] of arr.entries()) {
    if (x !== null && !isObj(x))
      return [invalid(indexPath(p, i), badValue(x), 'must be an object for an array of list-type map')];
  }
  if (arr.length <= 1) return [];
  const keyFields = s['x-kubernetes-list-map-keys'] ?? [];
  if (keyFields.length === 1) {
    const keyField = keyFields[0]!;
    const keys = arr.map((x) => (isObj(x) && has(x, keyField) ? x[keyField] : UNSPECIFIED));
    return nonUniqueIndices(keys).map((i) =>
      duplicate(indexPath(p, i), keys[i] === UNSPECIFIED ? {} : { [keyField]: keys[i] }),
    );
  }
  const keys = arr.map((x) => {
    const key: Obj = {};
    if (isObj(x)) for (const k of keyFields) if (has(x, k)) key[k] = x[k];
    return key;
  });
  return nonUniqueIndices(keys).map((i) => duplicate(indexPath(p, i), keys[i]));
}
