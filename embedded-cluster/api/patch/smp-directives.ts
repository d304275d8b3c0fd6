/**
 * The directives and list helpers of strategic merge patch (`$patch`,
 * `$retainKeys`, `$deleteFromPrimitiveList/…`, `$setElementOrder/…`), one
 * function per upstream helper of the same name in
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/strategicpatch/patch.go
 */
import { goFormat, isObject, type JsonObject, type JsonValue } from './json-value.js';
import { goTypeName, SmpError, smpErrors } from './smp-errors.js';
import { findByKey, goEqual, splitDeleteItems } from './smp-order.js';

export const directiveMarker = '$patch';
export const retainKeysDirective = '$retainKeys';
export const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';
export const setElementOrderPrefix = '$setElementOrder';

export function handleDirectiveInMergeMap(directive: JsonValue | undefined, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === 'delete') return {};
  throw smpErrors.badPatchType(directive, patch);
}

/** `$retainKeys`: drop live keys not listed; every non-null patch key must be listed. */
export function applyRetainKeysDirective(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) throw smpErrors.badPatchFormatForRetainKeys();
  const keep = new Set<unknown>(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix))
      continue;
    if (!keep.has(k)) throw smpErrors.badPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `extractKey`: the field name after `<prefix>/`. */
export function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === deleteFromPrimitiveListPrefix
      ? smpErrors.badPatchFormatForPrimitiveList()
      : smpErrors.badPatchFormatForSetElementOrderList();
  }
  return key.slice(slash + 1);
}

/** `validatePatchWithSetOrderList`: patch items must appear in the directive, in its order. */
export function validatePatchWithSetOrderList(
  patchList: JsonValue[],
  setOrder: JsonValue[],
  mergeKey: string,
): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? splitDeleteItems(patchList)[0] : patchList;
  const keyOf = (v: JsonValue): unknown => {
    if (!mergeKey) return v;
    if (!isObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
    if (!Object.hasOwn(v, mergeKey)) throw smpErrors.noMergeKey(v, mergeKey);
    return v[mergeKey];
  };
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrder.length) {
    const item = nonDelete[p]!;
    if (isObject(item) && Object.hasOwn(item, directiveMarker)) {
      p++;
      continue;
    }
    if (goEqual(keyOf(item), keyOf(setOrder[s]!))) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrder.length) {
    throw new SmpError(
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goFormat(setOrder)}`,
    );
  }
}

/** `mergeSliceWithSpecialElements`: apply `$patch` list items; returns [original, patch without them]. */
export function mergeSliceWithSpecialElements(
  original: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
): [JsonValue[], JsonValue[]] {
  let live = [...original];
  const rest: JsonValue[] = [];
  let replace = false;
  for (const item of patch) {
    const map = item as JsonObject;
    if (!Object.hasOwn(map, directiveMarker)) {
      rest.push(item);
      continue;
    }
    const directive = map[directiveMarker];
    if (directive === 'delete') {
      if (!Object.hasOwn(map, mergeKey)) throw smpErrors.noMergeKey(map, mergeKey);
      for (
        let at = findByKey(live, mergeKey, map[mergeKey]);
        at >= 0;
        at = findByKey(live, mergeKey, map[mergeKey])
      ) {
        live = [...live.slice(0, at), ...live.slice(at + 1)];
      }
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new SmpError('merging lists cannot yet be specified in the patch');
    } else {
      throw smpErrors.badPatchType(directive, map);
    }
  }
  return replace ? [rest, []] : [live, rest];
}

/** `sliceElementType`: all items share one Go type, and it is not a list. */
export function sliceElementType(...slices: JsonValue[][]): string {
  let previous: string | undefined;
  for (const slice of slices) {
    for (const item of slice) {
      const type = goTypeName(item);
      if (previous === undefined) {
        if (type === '[]interface {}') throw smpErrors.noListOfLists();
        previous = type;
      } else if (previous !== type) {
        throw new SmpError(`list element types are not identical: ${goFormat(slices)}`);
      }
    }
  }
  if (previous === undefined) throw new SmpError('no elements in any of the given slices');
  return previous;
}

/** Go's in-place dedupe: a later duplicate is overwritten by the last element. */
export function deduplicateScalars(items: JsonValue[]): JsonValue[] {
  const s = [...items];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEqual(s[i], s[j])) {
        s[j] = s[length]!;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

export function deleteFromSlice(current: JsonValue[], toDelete: JsonValue[]): JsonValue[] {
  return current.filter((v) => !toDelete.some((d) => goEqual(d, v)));
}

export function discardNullValues(value: JsonValue): void {
  if (Array.isArray(value)) {
    for (const item of value) discardNullValues(item);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete value[k];
      else discardNullValues(v);
    }
  }
}

/** `removeDirectives`: maps carrying `$patch` vanish; returns [value, keep]. */
export function removeDirectives(value: JsonValue): [JsonValue, boolean] {
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const [v, keep] = removeDirectives(item);
      if (keep) out.push(v);
    }
    return [out, true];
  }
  if (isObject(value)) {
    if (Object.hasOwn(value, directiveMarker)) return [null, false];
    for (const [k, v] of Object.entries(value)) {
      const [nv, keep] = removeDirectives(v);
      if (keep) value[k] = nv;
      else delete value[k];
    }
  }
  return [value, true];
}
