import { additionalOf, cloneJson, isObj, itemsOf, propertyOf, type JSONSchemaProps } from './schema.js';

/** What {@link pruneObject} returns: the pruned copy and the paths it dropped. */
export interface PruneResult<T> {
  /** A pruned deep copy; the input is never modified. */
  object: T;
  /**
   * The dropped fields as `fieldValidation` names them, sorted:
   * `spec.foo`, `spec.items[0].bar`, `spec.labels.a.b`. Warn mode words each
   * as `unknown field "spec.foo"`.
   */
  pruned: string[];
}

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Drops the fields a structural schema does not specify, as the API server
 * does when it decodes a custom resource
 * (apiextensions-apiserver/pkg/apiserver/schema/pruning/algorithm.go):
 *
 * - `x-kubernetes-preserve-unknown-fields: true` keeps unknown fields there,
 *   while known ones below are still pruned by their own schemas;
 * - `additionalProperties` keeps every key and prunes the values by its
 *   schema (`additionalProperties: true` has none, so the contents of object
 *   values go);
 * - `apiVersion`, `kind` and `metadata` are never pruned at the root (it
 *   counts as an embedded resource) or under `x-kubernetes-embedded-resource`.
 *   Unknown fields inside `metadata` are ObjectMeta's business, not this one's.
 *
 * Pure: returns a pruned copy. Pass `isResourceRoot: false` to prune a value
 * that is not a whole object (a default value, say).
 *
 * @example
 *   const { object, pruned } = pruneObject(body, schema);
 *   for (const p of pruned) warnings.push(`unknown field "${p}"`);
 */
export function pruneObject<T>(
  obj: T,
  schema: JSONSchemaProps,
  options: { isResourceRoot?: boolean } = {},
): PruneResult<T> {
  const copy = cloneJson(obj);
  const pruned: string[] = [];
  const root =
    (options.isResourceRoot ?? true) && !schema['x-kubernetes-embedded-resource']
      ? { ...schema, 'x-kubernetes-embedded-resource': true }
      : schema;
  prune(copy, root, '', pruned);
  pruned.sort();
  return { object: copy, pruned };
}

function join(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function prune(x: unknown, s: JSONSchemaProps | undefined, parent: string, out: string[]): void {
  if (s?.['x-kubernetes-preserve-unknown-fields']) {
    skipPrune(x, s, parent, out);
    return;
  }
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      if (!s) {
        out.push(join(parent, k));
        delete x[k];
        continue;
      }
      if (s['x-kubernetes-embedded-resource'] && META_FIELDS.has(k)) continue;
      const prop = propertyOf(s, k);
      const additional = additionalOf(s);
      if (prop) prune(x[k], prop, join(parent, k), out);
      else if (additional) prune(x[k], additional.schema, join(parent, k), out);
      else {
        out.push(join(parent, k));
        delete x[k];
      }
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => prune(v, items, `${parent}[${i}]`, out));
  }
}

/** Under `x-kubernetes-preserve-unknown-fields`: unknown fields stay, known ones are pruned by their schemas. */
function skipPrune(x: unknown, s: JSONSchemaProps | undefined, parent: string, out: string[]): void {
  if (!s) return;
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      if (s['x-kubernetes-embedded-resource'] && META_FIELDS.has(k)) continue;
      const prop = propertyOf(s, k);
      const additional = additionalOf(s);
      if (prop) prune(x[k], prop, join(parent, k), out);
      else if (additional) prune(x[k], additional.schema, join(parent, k), out);
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => skipPrune(v, items, `${parent}[${i}]`, out));
  }
}
