/**
 * The `FieldsV1` encoding of a field set, as `metadata.managedFields[].fieldsV1`
 * carries it: a JSON trie whose keys are path elements (`f:<field>`,
 * `k:<key fields as JSON>`, `v:<value as JSON>`, `i:<index>`) and whose `"."`
 * key marks "this element itself is in the set". Keys are written in
 * structured-merge-diff's element order.
 * https://github.com/kubernetes-sigs/structured-merge-diff/blob/master/fieldpath/serialize.go
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
 */
import { isObject, type JsonObject, type JsonValue } from './json-value.js';
import { elementKey, FieldSet, keyElement, type PathElement } from './fieldpath.js';

/** Serialise a field set to its FieldsV1 object. */
export function toFieldsV1(set: FieldSet): JsonObject {
  return emit(set, false);
}

function emit(set: FieldSet, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  const entries = set.entries();
  if (includeSelf && entries.length > 0) out['.'] = {};
  for (const { pe, member, children } of entries) {
    out[elementKey(pe)] = children ? emit(children, member) : {};
  }
  return out;
}

/** Parse a FieldsV1 object; throws an `Error` naming the bad key, as upstream's decoder does. */
export function fromFieldsV1(fields: unknown): FieldSet {
  if (!isObject(fields)) throw new Error('expected an object for FieldsV1');
  return read(fields);
}

function read(fields: JsonObject): FieldSet {
  const set = new FieldSet();
  for (const [key, value] of Object.entries(fields)) {
    if (key === '.') continue;
    if (!isObject(value)) throw new Error(`expected an object for ${key}`);
    const pe = parseElement(key);
    const keys = Object.keys(value);
    if (keys.length === 0) {
      set.addNode(pe, true, undefined);
    } else {
      set.addNode(pe, keys.includes('.'), read(value));
    }
  }
  return set;
}

/** Parse one FieldsV1 key into a path element. */
export function parseElement(key: string): PathElement {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const body = key.slice(colon + 1);
  if (colon < 0) throw new Error(`unknown path element: ${key}`);
  switch (kind) {
    case 'f':
      return { kind: 'field', name: body };
    case 'k': {
      const parsed = parseJson(body, key);
      if (!isObject(parsed)) throw new Error(`expected key fields object in ${key}`);
      return keyElement(Object.entries(parsed));
    }
    case 'v':
      return { kind: 'value', value: parseJson(body, key) };
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new Error(`invalid index in ${key}`);
      return { kind: 'index', index: Number(body) };
    }
    default:
      throw new Error(`unknown path element prefix ${kind} in ${key}`);
  }
}

function parseJson(text: string, key: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new Error(`invalid JSON in path element ${key}`);
  }
}
