/**
 * Element order after a strategic merge of a list: the order the patch (or its
 * `$setElementOrder`) gives wins for items it names, the live order for the
 * rest, and server-only items are woven in where the live order puts them.
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/strategicpatch/patch.go
 * (normalizeElementOrder, normalizeSliceOrder, mergeSortedSlice, partition*),
 * design: https://git.k8s.io/design-proposals-archive/cli/preserve-order-in-strategic-merge-patch.md
 */
import { isObject, type JsonValue } from './json-value.js';
import { smpErrors, SmpError } from './smp-errors.js';

const directiveMarker = '$patch';

/** Go `==` on two decoded JSON values (maps and slices are never equal). */
export function goEqual(a: unknown, b: unknown): boolean {
  return a === b && (typeof a !== 'object' || a === null);
}

/** `findMapInSliceBasedOnKeyValue`: the index of the map whose `key` equals `value`, or -1. */
export function findByKey(list: JsonValue[], key: string, value: unknown): number {
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) throw new SmpError(`value for key ${i} is not a map.`);
    if (Object.hasOwn(item, key) && goEqual(item[key], value)) return i;
  }
  return -1;
}

/** Position of `item` in `list`, by merge key for maps or by value for scalars. */
function index(list: JsonValue[], item: JsonValue, mergeKey: string, maps: boolean): number {
  const keyOf = (v: JsonValue): unknown => (maps ? (isObject(v) ? v[mergeKey] : null) : v);
  const wanted = keyOf(item);
  return list.findIndex((v) => goEqual(wanted, keyOf(v)));
}

export function partitionPrimitives(items: JsonValue[], by: JsonValue[]): [JsonValue[], JsonValue[]] {
  const inPatch = new Set<unknown>(by.filter((v) => typeof v !== 'object' || v === null));
  const patch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of items) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

export function partitionMaps(
  items: JsonValue[],
  by: JsonValue[],
  mergeKey: string,
): [JsonValue[], JsonValue[]] {
  const patch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of items) {
    if (!isObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
    if (!Object.hasOwn(v, mergeKey)) throw smpErrors.noMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

/** `extractToDeleteItems`: items with `$patch: delete` go last. */
export function splitDeleteItems(list: JsonValue[]): [JsonValue[], JsonValue[]] {
  const keep: JsonValue[] = [];
  const toDelete: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
    (v[directiveMarker] === 'delete' ? toDelete : keep).push(v);
  }
  return [keep, toDelete];
}

/**
 * Go's `sort.SliceStable` for the short lists patches carry: an insertion sort
 * (Go sorts blocks of 20 this way), which keeps the result identical even for
 * the non-strict "not found sorts first" comparator upstream uses.
 */
function stableSort<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  const out = [...items];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j]!, out[j - 1]!); j--) [out[j], out[j - 1]] = [out[j - 1]!, out[j]!];
  }
  return out;
}

function normalizeSliceOrder(
  toSort: JsonValue[],
  order: JsonValue[],
  mergeKey: string,
  maps: boolean,
): JsonValue[] {
  let toDelete: JsonValue[] = [];
  if (maps) {
    for (const item of [...toSort, ...order]) {
      if (!isObject(item)) throw smpErrors.badArgType('map[string]interface {}', item);
      if (!Object.hasOwn(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
    }
    [toSort, toDelete] = splitDeleteItems(toSort);
  }
  const sorted = stableSort(toSort, (a, b) => {
    const ia = index(order, a, mergeKey, maps);
    if (ia < 0) return true;
    const ib = index(order, b, mergeKey, maps);
    return ib < 0 ? true : ia < ib;
  });
  return [...sorted, ...toDelete];
}

/** Weave server-only items (`left`) into the patch items (`right`) by the live order. */
function mergeSortedSlice(
  left: JsonValue[],
  right: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  maps: boolean,
): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = index(serverOrder, left[i]!, mergeKey, maps);
      const ri = index(serverOrder, right[j]!, mergeKey, maps);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

/** `normalizeElementOrder`: patch items in patch order, server-only items in live order, interleaved. */
export function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  maps: boolean,
): JsonValue[] {
  const patch = normalizeSliceOrder(patchItems, patchOrder, mergeKey, maps);
  const server = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, maps);
  return mergeSortedSlice(server, patch, serverOrder, mergeKey, maps);
}
