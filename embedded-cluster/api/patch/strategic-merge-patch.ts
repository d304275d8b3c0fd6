/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the apply
 * half of k8s.io/apimachinery/pkg/util/strategicpatch as the apiserver runs it
 * (`StrategicMergeMapPatch` with MergeParallelList and IgnoreUnmatchedNulls).
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/strategicpatch/patch.go (mergeMap and below)
 * https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
 *
 * Patch metadata comes from the OpenAPI definitions (`x-kubernetes-patch-strategy`,
 * `x-kubernetes-patch-merge-key`, the same struct tags upstream reads):
 * - maps merge key by key; `null` deletes; a list with strategy `merge` merges
 *   items by merge key (maps) or as a set (scalars, e.g. `finalizers`); any other
 *   list is replaced whole; strategy `replace` replaces a map whole.
 * - directives: `$patch: replace|delete` (maps and list items; `merge` is
 *   refused for lists), `$retainKeys`, `$deleteFromPrimitiveList/<field>`,
 *   `$setElementOrder/<field>`.
 * - errors are worded and coded as the apiserver does (see smp-errors.ts).
 *
 * Custom resources have no patch metadata; the caller refuses SMP for them with
 * `unsupportedPatchType(true)` (415), as apiextensions-apiserver does.
 */
import { errors } from '../errors.js';
import type { Definitions } from '../openapi/schema.js';
import { clone, goJsonKind, isObject, type JsonObject, type JsonValue } from './json-value.js';
import {
  additionalNode,
  definitionNode,
  extension,
  itemsNode,
  propertyNode,
  type SchemaNode,
} from './schema-node.js';
import {
  applyRetainKeysDirective,
  deduplicateScalars,
  deleteFromPrimitiveListPrefix,
  deleteFromSlice,
  directiveMarker,
  discardNullValues,
  extractKey,
  handleDirectiveInMergeMap,
  mergeSliceWithSpecialElements,
  removeDirectives,
  setElementOrderPrefix,
  sliceElementType,
  validatePatchWithSetOrderList,
} from './smp-directives.js';
import { goTypeName, SmpError, smpErrors } from './smp-errors.js';
import { findByKey, normalizeElementOrder, partitionMaps, partitionPrimitives } from './smp-order.js';

export interface StrategicMergePatchOptions {
  definitions: Definitions;
  /** OpenAPI definition of the object's kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  definition: string;
}

/**
 * Apply a strategic merge patch to a copy of `original`. Throws a `StatusError`
 * (400, 422 or 500) worded as the apiserver words it.
 */
export function applyStrategicMergePatch<T extends object>(
  original: T,
  patch: unknown,
  { definitions, definition }: StrategicMergePatchOptions,
): T {
  if (patch === null) return clone(original);
  if (!isObject(patch)) {
    throw errors.badRequest(
      `json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`,
    );
  }
  const merger = new Merger(definitions);
  try {
    const schema = definitionNode(definitions, definition);
    return merger.mergeMap(clone(original) as unknown as JsonObject, clone(patch), schema) as unknown as T;
  } catch (err) {
    if (err instanceof SmpError) throw err.toStatusError();
    throw err;
  }
}

interface PatchMeta {
  schema: SchemaNode | undefined;
  /** The field's patch strategy with `retainKeys` taken out ('' when none). */
  strategy: string;
  mergeKey: string;
}

class Merger {
  constructor(private readonly definitions: Definitions) {}

  mergeMap(original: JsonObject | null, patch: JsonObject, schema: SchemaNode | undefined): JsonObject {
    if (Object.hasOwn(patch, directiveMarker))
      return handleDirectiveInMergeMap(patch[directiveMarker], patch);
    const target = original ?? {};
    applyRetainKeysDirective(target, patch);
    this.mergePatchIntoOriginal(target, patch, schema);

    for (const [rawKey, patchV] of Object.entries(patch)) {
      let key = rawKey;
      let isDeleteList = false;
      if (rawKey.startsWith(deleteFromPrimitiveListPrefix)) {
        key = extractKey(rawKey, deleteFromPrimitiveListPrefix);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete target[key];
        continue;
      }
      if (!Object.hasOwn(target, key) || goTypeName(target[key]) !== goTypeName(patchV)) {
        if (!isDeleteList) {
          discardNullValues(patchV);
          const [value, keep] = removeDirectives(patchV);
          if (keep) target[key] = value;
          else delete target[key];
        }
        continue;
      }
      const current = target[key]!;
      if (isObject(current)) {
        const meta = this.lookupStruct(schema, key);
        target[key] =
          meta.strategy === 'replace' ? patchV : this.mergeMap(current, patchV as JsonObject, meta.schema);
      } else if (Array.isArray(current)) {
        const meta = this.lookupSlice(schema, key);
        target[key] = this.mergeSliceHandler(current, patchV as JsonValue[], meta, isDeleteList);
      } else {
        target[key] = patchV;
      }
    }
    return target;
  }

  private mergeSliceHandler(
    original: JsonValue[],
    patch: JsonValue[],
    meta: PatchMeta,
    isDeleteList: boolean,
  ) {
    if (meta.strategy !== 'merge') return patch;
    return this.mergeSlice(original, patch, meta.schema, meta.mergeKey, isDeleteList);
  }

  private mergeSlice(
    original: JsonValue[],
    patch: JsonValue[],
    schema: SchemaNode | undefined,
    mergeKey: string,
    isDeleteList: boolean,
  ): JsonValue[] {
    if (original.length === 0 && patch.length === 0) return original;
    const elementType = sliceElementType(original, patch);
    let merged: JsonValue[];
    let order = patch;
    let serverOrder = original;
    if (elementType !== 'map[string]interface {}') {
      if (isDeleteList) return deleteFromSlice(original, patch);
      merged = deduplicateScalars([...original, ...patch]);
    } else {
      if (mergeKey === '') throw new SmpError('cannot merge lists without merge key for type map');
      [serverOrder, order] = mergeSliceWithSpecialElements(original, patch, mergeKey);
      merged = this.mergeSliceWithoutSpecialElements(serverOrder, order, mergeKey, schema);
    }
    const maps = mergeKey !== '';
    const [patchItems, serverOnly] = maps
      ? partitionMaps(merged, order, mergeKey)
      : partitionPrimitives(merged, order);
    return normalizeElementOrder(patchItems, serverOnly, order, serverOrder, mergeKey, maps);
  }

  private mergeSliceWithoutSpecialElements(
    original: JsonValue[],
    patch: JsonValue[],
    mergeKey: string,
    schema: SchemaNode | undefined,
  ): JsonValue[] {
    const out = [...original];
    for (const item of patch) {
      const map = item as JsonObject;
      if (!Object.hasOwn(map, mergeKey)) throw smpErrors.noMergeKey(map, mergeKey);
      const at = findByKey(out, mergeKey, map[mergeKey]);
      if (at >= 0) out[at] = this.mergeMap(out[at] as JsonObject, map, schema);
      else out.push(item);
    }
    return out;
  }

  /**
   * `mergePatchIntoOriginal`: each `$setElementOrder/<field>` merges that list
   * now and orders it by the directive (directive > patch order > live order).
   */
  private mergePatchIntoOriginal(
    original: JsonObject,
    patch: JsonObject,
    schema: SchemaNode | undefined,
  ): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(setElementOrderPrefix) || !Object.hasOwn(patch, key)) continue;
      const setOrder = patch[key];
      delete patch[key];
      if (!Array.isArray(setOrder)) throw smpErrors.badArgType('[]interface {}', setOrder);
      const originalKey = extractKey(key, setElementOrderPrefix);
      const foundOriginal = Object.hasOwn(original, originalKey);
      const foundPatch = Object.hasOwn(patch, originalKey);
      const originalList = original[originalKey];
      const patchList = patch[originalKey];
      if (foundOriginal && !Array.isArray(originalList))
        throw smpErrors.badArgType('[]interface {}', originalList);
      if (foundPatch && !Array.isArray(patchList)) throw smpErrors.badArgType('[]interface {}', patchList);
      const originalValue = foundOriginal ? [...(originalList as JsonValue[])] : [];
      const patchValue = foundPatch ? (patchList as JsonValue[]) : [];
      const meta = this.lookupSlice(schema, originalKey);
      validatePatchWithSetOrderList(patchValue, setOrder, meta.mergeKey);

      let merged: JsonValue[];
      if (foundOriginal && !foundPatch) merged = originalValue;
      else if (!foundOriginal && foundPatch) merged = removeDirectives(patchValue)[0] as JsonValue[];
      else if (foundOriginal && foundPatch)
        merged = this.mergeSliceHandler(originalValue, patchValue, meta, false);
      else continue;

      const maps = meta.mergeKey !== '';
      const [patchItems, serverOnly] = maps
        ? partitionMaps(merged, setOrder, meta.mergeKey)
        : partitionPrimitives(merged, setOrder);
      const elementType = sliceElementType(originalValue, patchValue);
      original[originalKey] = normalizeElementOrder(
        patchItems,
        serverOnly,
        setOrder,
        originalValue,
        meta.mergeKey,
        elementType === 'map[string]interface {}',
      );
      delete patch[originalKey];
    }
  }

  /** `LookupPatchMetadataForStruct`: a declared property, or the map's value schema. */
  private lookupStruct(schema: SchemaNode | undefined, key: string): PatchMeta {
    if (!schema) return { schema: undefined, strategy: '', mergeKey: '' };
    const prop = propertyNode(this.definitions, schema, key);
    if (prop) return { schema: prop, ...patchMetaOf(prop) };
    return { schema: additionalNode(this.definitions, schema), strategy: '', mergeKey: '' };
  }

  /** `LookupPatchMetadataForSlice`: the field's metadata with the items' schema. */
  private lookupSlice(schema: SchemaNode | undefined, key: string): PatchMeta {
    const meta = this.lookupStruct(schema, key);
    return { ...meta, schema: meta.schema && itemsNode(this.definitions, meta.schema) };
  }
}

function patchMetaOf(node: SchemaNode): { strategy: string; mergeKey: string } {
  const raw = extension<string>(node, 'x-kubernetes-patch-strategy');
  const strategies = raw ? raw.split(',') : [];
  return {
    strategy: extractRetainKeysPatchStrategy(strategies),
    mergeKey: extension(node, 'x-kubernetes-patch-merge-key') ?? '',
  };
}

/** `extractRetainKeysPatchStrategy`: `retainKeys`, alone or beside one other strategy. */
function extractRetainKeysPatchStrategy(strategies: string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0]!;
  if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') return strategies[1]!;
    if (strategies[1] === 'retainKeys') return strategies[0]!;
  }
  throw new SmpError(`unexpected patch strategy: [${strategies.join(' ')}]`);
}
