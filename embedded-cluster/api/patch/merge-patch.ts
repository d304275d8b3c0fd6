/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`) as the apiserver
 * applies it: `jsonpatch.MergePatch` from gopkg.in/evanphx/json-patch.v4.
 * https://github.com/kubernetes/apiserver/blob/master/pkg/endpoints/handlers/patch.go (applyJSPatch, MergePatchType)
 * https://github.com/evanphx/json-patch/blob/master/merge.go (doMergePatch, mergeDocs, pruneNulls)
 *
 * - A member set to `null` deletes it; objects merge recursively; anything
 *   else (arrays included) replaces the target value.
 * - A value added where the target had none (or had a non-object) has its
 *   nested object members that are `null` pruned; `null` array elements stay.
 * - A body that is not an object: 400. With `fieldValidation` Strict or Warn
 *   the apiserver first decodes it into a map, so arrays and scalars get Go's
 *   decoder message; `null`, and anything else under Ignore, is
 *   "Invalid JSON Patch".
 */
import { errors } from '../errors.js';
import type { FieldValidation } from './json-patch.js';
import { clone, goJsonKind, isObject, type JsonObject, type JsonValue } from './json-value.js';

/** Apply a merge patch to a copy of `target`; never mutates its inputs. */
export function applyMergePatch<T extends object>(
  target: T,
  patch: unknown,
  fieldValidation: FieldValidation = 'Warn',
): T {
  if (!isObject(patch)) {
    if (fieldValidation !== 'Ignore' && patch !== null) {
      throw errors.badRequest(
        `error decoding patch: json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`,
      );
    }
    throw errors.badRequest('Invalid JSON Patch');
  }
  const doc = clone(target) as unknown as JsonObject;
  mergeDocs(doc, clone(patch));
  return doc as unknown as T;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete doc[key];
      continue;
    }
    const current = Object.hasOwn(doc, key) ? doc[key] : null;
    if (current === null) {
      doc[key] = pruneNulls(value);
    } else if (!isObject(current)) {
      doc[key] = pruneNulls(value);
    } else if (!isObject(value)) {
      doc[key] = value;
    } else {
      mergeDocs(current, value);
    }
  }
}

/** `pruneNulls`: drop null object members at any depth; keep null array elements. */
function pruneNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null) pruneNulls(item);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete value[k];
      else pruneNulls(v);
    }
  }
  return value;
}
