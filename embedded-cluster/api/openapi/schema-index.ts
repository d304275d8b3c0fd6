import { isPlainObject } from '../object.js';
import { resolve, type Definitions, type SchemaObject } from './schema.js';

/**
 * Schema lookups for the API server: which definition describes a
 * group/version/kind, and which fields of an object its schema does not
 * know (for `fieldValidation=Strict|Warn`).
 */

const indexes = new WeakMap<Definitions, Map<string, string>>();

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** The definition name whose `x-kubernetes-group-version-kind` lists this GVK, if any. */
export function definitionFor(
  group: string,
  version: string,
  kind: string,
  definitions: Definitions,
): string | undefined {
  let index = indexes.get(definitions);
  if (!index) {
    index = new Map();
    for (const [name, schema] of Object.entries(definitions)) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        const key = gvkKey(gvk.group, gvk.version, gvk.kind);
        // DeleteOptions, WatchEvent etc. list every group; a kind's own definition wins.
        if (!index.has(key) || name.endsWith(`.${gvk.kind}`)) index.set(key, name);
      }
    }
    indexes.set(definitions, index);
  }
  return index.get(gvkKey(group, version, kind));
}

/** Definitions whose values are free-form JSON. */
const ANYTHING = new Set([
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
]);

/**
 * Paths of the fields in `obj` that the schema of `definitionName` does not
 * declare, formatted as Kubernetes' strict decoder reports them
 * (sigs.k8s.io/json: `spec.containers[0].foo`, map entries as `.key`), so the
 * caller can answer `strict decoding error: unknown field "spec.foo"` or warn
 * `unknown field "spec.foo"`. Maps (`additionalProperties`),
 * `x-kubernetes-preserve-unknown-fields`, `x-kubernetes-int-or-string`,
 * RawExtension/JSON and schemas without properties accept anything;
 * `x-kubernetes-embedded-resource` also allows `apiVersion`, `kind` and `metadata`.
 */
export function unknownFields(
  obj: unknown,
  definitionName: string,
  definitions: Definitions,
  options: { prune?: boolean } = {},
): string[] {
  const out: string[] = [];
  walk(obj, { $ref: `#/definitions/${definitionName}` }, '', definitions, out, 0, options.prune ?? false);
  return out;
}

function walk(
  value: unknown,
  schema: SchemaObject,
  path: string,
  definitions: Definitions,
  out: string[],
  depth: number,
  /** Delete unknown fields as they are found (what decoding into the Go types does). */
  prune: boolean,
): void {
  if (depth > 64 || value === null || typeof value !== 'object') return;
  const ref = schema.$ref?.replace(/^#\/definitions\//, '');
  if (ref !== undefined && ANYTHING.has(ref)) return;
  let s = ref !== undefined ? resolve(definitions, schema) : schema;
  if (s.allOf?.length === 1 && s.allOf[0])
    s = { ...resolve(definitions, s.allOf[0]), ...s, allOf: undefined };
  if (s['x-kubernetes-preserve-unknown-fields'] === true || s['x-kubernetes-int-or-string'] === true) return;

  if (Array.isArray(value)) {
    if (!s.items) return;
    value.forEach((item, i) =>
      walk(item, s.items as SchemaObject, `${path}[${i}]`, definitions, out, depth + 1, prune),
    );
    return;
  }
  if (!isPlainObject(value)) return;
  const properties = s.properties;
  if (properties === undefined) {
    const additional = s.additionalProperties;
    if (typeof additional === 'object') {
      for (const [key, v] of Object.entries(value))
        walk(v, additional, join(path, key), definitions, out, depth + 1, prune);
    }
    return; // no declared properties: a free-form object
  }
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const [key, v] of Object.entries(value)) {
    const property = properties[key];
    if (property) {
      walk(v, property, join(path, key), definitions, out, depth + 1, prune);
    } else if (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) {
      continue;
    } else if (typeof s.additionalProperties === 'object') {
      walk(v, s.additionalProperties, join(path, key), definitions, out, depth + 1, prune);
    } else if (s.additionalProperties !== true) {
      out.push(join(path, key));
      if (prune) delete (value as Record<string, unknown>)[key];
    }
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
