import { additionalOf, cloneJson, has, isObj, itemsOf, propertyOf, type JSONSchemaProps } from './schema.js';

/**
 * Structural defaulting of a custom resource, as the API server applies it
 * when it decodes a request body and when it reads an object from storage
 * (apiextensions-apiserver/pkg/apiserver/schema/defaulting: prunenulls.go,
 * then algorithm.go):
 *
 * 1. a `null` whose schema is not `nullable` and has no `default` is dropped
 *    (map keys only; array items stay and fail validation);
 * 2. a property with a `default` is set where its parent object exists and
 *    the property is missing, or is `null` without `nullable: true`;
 * 3. an array item or map value that is a non-nullable `null` takes the
 *    `default` of `items` / `additionalProperties`;
 * 4. defaulting goes on inside the defaulted values, so `spec: {default: {}}`
 *    brings `spec.replicas`'s default with it.
 *
 * Defaults are deep-copied. Pure: returns a defaulted copy.
 *
 * @example
 *   applyDefaults({ spec: {} }, schema); // { spec: { replicas: 1 } }
 */
export function applyDefaults<T>(obj: T, schema: JSONSchemaProps): T {
  const copy = cloneJson(obj);
  pruneNonNullableNullsWithoutDefaults(copy, schema);
  defaultValue(copy, schema);
  return copy;
}

function hasDefault(s: JSONSchemaProps | undefined): s is JSONSchemaProps & { default: unknown } {
  return s !== undefined && s.default !== undefined && s.default !== null;
}

/** The schema of `x[k]`: its property, else `additionalProperties`. */
function fieldSchema(s: JSONSchemaProps | undefined, k: string): JSONSchemaProps | undefined {
  return propertyOf(s, k) ?? additionalOf(s)?.schema;
}

function pruneNonNullableNullsWithoutDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      const fs = fieldSchema(s, k);
      if (x[k] === null && fs && !fs.nullable && !hasDefault(fs)) delete x[k];
      else pruneNonNullableNullsWithoutDefaults(x[k], fs);
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s);
    for (const v of x) pruneNonNullableNullsWithoutDefaults(v, items);
  }
}

function isNonNullableNull(v: unknown, s: JSONSchemaProps | undefined): boolean {
  return v === null && s !== undefined && !s.nullable;
}

function defaultValue(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (isObj(x)) {
    for (const [k, prop] of Object.entries(s.properties ?? {})) {
      if (!hasDefault(prop)) continue;
      if (!has(x, k) || isNonNullableNull(x[k], prop)) x[k] = cloneJson(prop.default);
    }
    const additional = additionalOf(s)?.schema;
    for (const k of Object.keys(x)) {
      const prop = propertyOf(s, k);
      if (prop) defaultValue(x[k], prop);
      else if (additional) {
        if (isNonNullableNull(x[k], additional) && hasDefault(additional))
          x[k] = cloneJson(additional.default);
        defaultValue(x[k], additional);
      }
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => {
      if (isNonNullableNull(v, items) && hasDefault(items)) x[i] = cloneJson(items.default);
      defaultValue(x[i], items);
    });
  }
}
