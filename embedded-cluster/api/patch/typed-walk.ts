/**
 * Typed walks over JSON values, after sigs.k8s.io/structured-merge-diff/typed:
 * `toFieldSet` (tofieldset.go), `compare` (compare.go), `merge` (merge.go),
 * `removeItems` (remove.go), `ensureNamedFieldsAreMembers` (fieldpath/set.go)
 * and the validation an applied configuration gets (validate.go).
 *
 * Conventions: `undefined` means "absent", `null` is a value. Atomic maps and
 * lists, and maps or lists empty on both sides, are leaves.
 */
import { deepEqual, goFormat, isObject, type JsonObject, type JsonValue } from './json-value.js';
import {
  elementKey,
  elementString,
  fieldElement,
  FieldSet,
  keyElement,
  pathString,
  type Path,
  type PathElement,
} from './fieldpath.js';
import { deducedType, effectiveType, type ListType, type MapType, type TypeRef } from './typed-schema.js';

/** Schema violations in an object, worded as structured-merge-diff's `ValidationErrors`. */
export class TypedValueError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : ['errors:', ...problems.map((p) => `  ${p}`)].join('\n'));
    this.name = 'TypedValueError';
  }
}

/** The path element of a list item, or a problem description. */
function itemElement(type: ListType, item: JsonValue, index: number): PathElement | string {
  if (type.relationship === 'map') {
    if (item === null) return 'associative list with keys may not have a null element';
    if (!isObject(item)) return 'associative list with keys may not have non-map elements';
    const fields: [string, JsonValue][] = [];
    for (const key of type.keys) {
      const value = Object.hasOwn(item, key) ? item[key] : type.keyDefault(key);
      if (value === undefined) {
        return `associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`;
      }
      fields.push([key, value]);
    }
    return keyElement(fields);
  }
  if (type.relationship === 'set') {
    if (isObject(item)) return "associative list without keys has an element that's a map type";
    if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
    if (item === null) return "associative list without keys has an element that's an explicit null";
    return { kind: 'value', value: item };
  }
  return { kind: 'index', index };
}

/** Items of a non-atomic list keyed by path element; later duplicates are ignored. */
function indexItems(
  type: ListType,
  list: JsonValue[] | undefined,
): Map<string, { pe: PathElement; item: JsonValue }> {
  const out = new Map<string, { pe: PathElement; item: JsonValue }>();
  for (const [i, item] of (list ?? []).entries()) {
    const pe = itemElement(type, item, i);
    if (typeof pe === 'string') continue;
    const key = elementKey(pe);
    if (!out.has(key)) out.set(key, { pe, item });
  }
  return out;
}

const asMap = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);
const asList = (v: unknown): JsonValue[] | undefined => (Array.isArray(v) ? v : undefined);
const isEmptyMap = (m: JsonObject | undefined) => m === undefined || Object.keys(m).length === 0;
const isEmptyList = (l: JsonValue[] | undefined) => l === undefined || l.length === 0;

/**
 * Check an applied configuration against the schema (upstream's
 * `ObjectToTyped` for the patch object): undeclared fields, list items that
 * cannot be keyed, duplicate items, maps or lists where the schema says
 * otherwise. Throws `TypedValueError`.
 */
export function validate(value: JsonValue, type: TypeRef): void {
  const problems: string[] = [];
  const walk = (v: JsonValue, t: TypeRef, path: Path): void => {
    const tt = effectiveType(t, v);
    if (v === null || tt.kind === 'scalar') return;
    if (tt.kind === 'map') {
      if (!isObject(v)) return void problems.push(`${pathString(path)}: expected map, got ${goFormat(v)}`);
      for (const [k, child] of Object.entries(v)) {
        const ft = tt.field(k);
        const childPath = [...path, fieldElement(k)];
        if (!ft) problems.push(`${pathString(childPath)}: field not declared in schema`);
        else if (!tt.atomic) walk(child, ft, childPath);
      }
      return;
    }
    if (!Array.isArray(v))
      return void problems.push(`${pathString(path)}: expected list, got ${goFormat(v)}`);
    if (tt.relationship === 'atomic') return;
    const seen = new Set<string>();
    for (const [i, item] of v.entries()) {
      const pe = itemElement(tt, item, i);
      if (typeof pe === 'string') {
        problems.push(`${pathString(path)}: element ${i}: ${pe}`);
        continue;
      }
      const key = elementKey(pe);
      if (seen.has(key)) problems.push(`${pathString(path)}: duplicate entries for key ${elementString(pe)}`);
      seen.add(key);
      walk(item, tt.element, [...path, pe]);
    }
  };
  walk(value, type, []);
  if (problems.length > 0) throw new TypedValueError(problems);
}

/**
 * The fields a value sets (`ToFieldSet`): scalars, atomic maps and lists,
 * list items (with their contents), free map keys, and struct fields that are
 * `null` or `{}`.
 */
export function toFieldSet(value: JsonValue, type: TypeRef): FieldSet {
  const set = new FieldSet();
  const walk = (v: JsonValue, t: TypeRef, path: Path): void => {
    const tt = effectiveType(t, v);
    if (tt.kind === 'scalar') return void set.insert(path);
    if (tt.kind === 'list') {
      if (tt.relationship === 'atomic') return void set.insert(path);
      for (const [i, item] of (asList(v) ?? []).entries()) {
        const pe = itemElement(tt, item, i);
        if (typeof pe === 'string') continue;
        const itemPath = [...path, pe];
        walk(item, tt.element, itemPath);
        set.insert(itemPath);
      }
      return;
    }
    if (tt.atomic) return void set.insert(path);
    for (const [k, child] of Object.entries(asMap(v) ?? {})) {
      const childPath = [...path, fieldElement(k)];
      walk(child, tt.field(k) ?? deducedType, childPath);
      if (child === null || (isObject(child) && Object.keys(child).length === 0) || !tt.isNamed(k)) {
        set.insert(childPath);
      }
    }
  };
  walk(value, type, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs` (`TypedValue.Compare`): leaves added,
 * modified or removed, plus every non-leaf node (struct, map, list, list item)
 * that appeared or disappeared as a whole.
 */
export function compare(lhs: JsonValue, rhs: JsonValue, type: TypeRef): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: JsonValue | undefined, r: JsonValue | undefined, path: Path): void => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
  };
  const walk = (l: JsonValue | undefined, r: JsonValue | undefined, t: TypeRef, path: Path): void => {
    const tt = effectiveType(t, r !== undefined && r !== null ? r : l);
    if (tt.kind === 'scalar' || !sameShape(tt, l) || !sameShape(tt, r)) return leaf(l, r, path);
    if (tt.kind === 'map') {
      const lm = asMap(l);
      const rm = asMap(r);
      if (tt.atomic || (isEmptyMap(lm) && isEmptyMap(rm))) return leaf(l, r, path);
      for (const k of unionKeys(lm, rm)) {
        walk(lm?.[k], rm?.[k], tt.field(k) ?? deducedType, [...path, fieldElement(k)]);
      }
    } else {
      const ll = asList(l);
      const rl = asList(r);
      if (tt.relationship === 'atomic' || (isEmptyList(ll) && isEmptyList(rl))) return leaf(l, r, path);
      const li = indexItems(tt, ll);
      const ri = indexItems(tt, rl);
      for (const [key, { pe, item }] of li) walk(item, ri.get(key)?.item, tt.element, [...path, pe]);
      for (const [key, { pe, item }] of ri)
        if (!li.has(key)) walk(undefined, item, tt.element, [...path, pe]);
    }
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  };
  walk(lhs, rhs, type, []);
  return c;
}

/** Whether a present, non-null value has the shape a map or list type expects. */
function sameShape(type: MapType | ListType, value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  return type.kind === 'map' ? isObject(value) : Array.isArray(value);
}

function unionKeys(a: JsonObject | undefined, b: JsonObject | undefined): string[] {
  const keys = Object.keys(a ?? {});
  for (const k of Object.keys(b ?? {})) if (!a || !Object.hasOwn(a, k)) keys.push(k);
  return keys;
}

/**
 * Merge an applied configuration into the live object (`TypedValue.Merge`
 * with "keep RHS" leaves): maps key by key, keyed and set lists item by item
 * (live order, with applied items ordered as applied), atomic values replaced.
 */
export function merge(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  type: TypeRef,
): JsonValue | undefined {
  const tt = effectiveType(type, rhs !== undefined && rhs !== null ? rhs : lhs);
  const keepRhs = rhs !== undefined ? rhs : lhs;
  if (tt.kind === 'scalar' || !sameShape(tt, lhs) || !sameShape(tt, rhs)) return keepRhs;
  if (tt.kind === 'map') {
    const lm = asMap(lhs);
    const rm = asMap(rhs);
    if (tt.atomic || (isEmptyMap(lm) && isEmptyMap(rm))) return keepRhs;
    const out: JsonObject = {};
    for (const k of unionKeys(lm, rm)) {
      const v = merge(lm?.[k], rm?.[k], tt.field(k) ?? deducedType);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  const ll = asList(lhs);
  const rl = asList(rhs);
  if (tt.relationship === 'atomic' || (isEmptyList(ll) && isEmptyList(rl))) return keepRhs;
  const out = mergeListItems(tt, ll, rl);
  return out.length > 0 ? out : undefined;
}

/**
 * Upstream's list order: walk the live items, keeping those the config does
 * not name; items the config names come in the config's order, each at the
 * position of the first shared item not yet placed; new items follow.
 */
function mergeListItems(
  type: ListType,
  lhs: JsonValue[] | undefined,
  rhs: JsonValue[] | undefined,
): JsonValue[] {
  const l = [...indexItems(type, lhs).entries()];
  const rIndex = indexItems(type, rhs);
  const r = [...rIndex.entries()];
  const lIndex = new Map(l);
  const shared = r.filter(([key]) => lIndex.has(key)).map(([key]) => key);
  const out: JsonValue[] = [];
  const push = (v: JsonValue | undefined) => v !== undefined && out.push(v);
  let nextShared = shared.shift();
  let li = 0;
  let ri = 0;
  while (li < l.length || ri < r.length) {
    if (li < l.length && ri < r.length) {
      const [lKey, lItem] = l[li]!;
      if (lKey === r[ri]![0]) {
        push(merge(lItem.item, r[ri]![1].item, type.element));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rIndex.has(lKey) && nextShared !== undefined && nextShared !== lKey) {
        li++;
        continue;
      }
    }
    if (li < l.length && !rIndex.has(l[li]![0])) {
      push(merge(l[li]![1].item, undefined, type.element));
      li++;
      continue;
    }
    if (ri < r.length) {
      const [rKey, rItem] = r[ri]!;
      push(merge(lIndex.get(rKey)?.item, rItem.item, type.element));
      ri++;
      if (nextShared === rKey) nextShared = shared.shift();
      continue;
    }
    li++;
  }
  return out;
}

/**
 * Remove the members of `set` from `value` (`RemoveItems`): a member path goes
 * with everything under it; maps, lists and items left empty go too.
 */
export function removeItems(
  value: JsonValue | undefined,
  set: FieldSet,
  type: TypeRef,
): JsonValue | undefined {
  if (value === undefined || set.empty()) return value;
  const tt = effectiveType(type, value);
  if (tt.kind === 'scalar') return value;
  if (tt.kind === 'list') {
    if (!Array.isArray(value) || value.length === 0 || tt.relationship === 'atomic') return undefined;
    const out: JsonValue[] = [];
    for (const [i, item] of value.entries()) {
      const pe = itemElement(tt, item, i);
      if (typeof pe === 'string') {
        out.push(item);
        continue;
      }
      if (set.hasMember(pe)) continue;
      const sub = set.withPrefix(pe);
      const kept = sub.empty() ? item : removeItems(item, sub, tt.element);
      if (kept !== undefined) out.push(kept);
    }
    return out.length > 0 ? out : undefined;
  }
  if (!isObject(value) || Object.keys(value).length === 0 || tt.atomic) return undefined;
  const out: JsonObject = {};
  for (const [k, child] of Object.entries(value)) {
    const pe = fieldElement(k);
    if (set.hasMember(pe)) continue;
    const sub = set.withPrefix(pe);
    const kept = sub.empty() ? child : removeItems(child, sub, tt.field(k) ?? deducedType);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `EnsureNamedFieldsAreMembers`: struct fields with owned paths below become members themselves. */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: TypeRef): FieldSet {
  const out = new FieldSet();
  for (const { pe, member, children } of set.entries()) {
    let childType: TypeRef = deducedType;
    let named = false;
    if (pe.kind === 'field' && type.kind === 'map') {
      childType = type.field(pe.name) ?? deducedType;
      named = type.isNamed(pe.name);
    } else if (pe.kind === 'key' && type.kind === 'list') {
      childType = type.element;
    }
    out.addNode(
      pe,
      member || (named && children !== undefined),
      children && ensureNamedFieldsAreMembers(children, childType),
    );
  }
  return out;
}
