/**
 * The structured-merge-diff view of an OpenAPI schema: every node is a scalar,
 * a map (struct fields and/or free keys; granular or atomic), a list (atomic,
 * a set of scalars, or a map keyed by some of its items' fields), or
 * "deduced" from the value itself (maps granular, lists atomic).
 * Conversion rules follow k8s.io/kube-openapi/pkg/schemaconv (smd.go):
 * `x-kubernetes-list-type` decides a list's kind; without it a list whose
 * `x-kubernetes-patch-strategy` includes `merge` is keyed by its
 * `x-kubernetes-patch-merge-key` (a set when there is none); every other list
 * is atomic. `x-kubernetes-map-type: atomic` makes a map atomic.
 */
import type { Definitions } from '../openapi/schema.js';
import type { JsonValue } from './json-value.js';
import { isObject } from './json-value.js';
import {
  additionalNode,
  definitionNode,
  extension,
  itemsNode,
  propertyNode,
  type SchemaNode,
} from './schema-node.js';

export interface ScalarType {
  kind: 'scalar';
}
export interface MapType {
  kind: 'map';
  atomic: boolean;
  /** The type of the value under `key`, or undefined for an undeclared field. */
  field(key: string): TypeRef | undefined;
  /** Whether `key` is a declared struct field (not a free map key). */
  isNamed(key: string): boolean;
}
export interface ListType {
  kind: 'list';
  relationship: 'atomic' | 'set' | 'map';
  keys: readonly string[];
  element: TypeRef;
  /** The schema default of a key field, used when an item omits it. */
  keyDefault(key: string): JsonValue | undefined;
}
export interface DeducedType {
  kind: 'deduced';
}
export type TypeRef = ScalarType | MapType | ListType | DeducedType;

export const scalarType: ScalarType = { kind: 'scalar' };
export const deducedType: DeducedType = { kind: 'deduced' };
const deducedMap: MapType = { kind: 'map', atomic: false, field: () => deducedType, isNamed: () => false };
const deducedList: ListType = {
  kind: 'list',
  relationship: 'atomic',
  keys: [],
  element: deducedType,
  keyDefault: () => undefined,
};

/**
 * Defaults Kubernetes declares (`+default="TCP"`) on list-map key fields that
 * the v2 OpenAPI documents do not carry, so that `ports` items without a
 * `protocol` still get a key, as on a v1.32 server.
 */
const knownKeyDefaults: Record<string, JsonValue> = { protocol: 'TCP' };

/** Resolve `deduced` against a value: maps stay granular, lists are atomic. */
export function effectiveType(type: TypeRef, value: unknown): Exclude<TypeRef, DeducedType> {
  if (type.kind !== 'deduced') return type;
  if (isObject(value)) return deducedMap;
  if (Array.isArray(value)) return deducedList;
  return scalarType;
}

/** Builds (and caches) type nodes over one set of definitions. */
export class TypeResolver {
  private readonly cache = new WeakMap<object, TypeRef>();

  constructor(
    private readonly definitions: Definitions,
    /** When set, fields the schema does not declare are typed `deduced` instead of undeclared. */
    private readonly lenient = false,
  ) {}

  /** The type of a named definition; `deduced` when the definitions lack it (e.g. a CRD without schema). */
  root(definition: string | undefined): TypeRef {
    const node = definitionNode(this.definitions, definition);
    return node ? this.typeOf(node) : deducedType;
  }

  typeOf(node: SchemaNode): TypeRef {
    const cached = this.cache.get(node.site);
    if (cached) return cached;
    const type = this.build(node);
    this.cache.set(node.site, type);
    return type;
  }

  private build(node: SchemaNode): TypeRef {
    const t = node.target;
    if (extension(node, 'x-kubernetes-int-or-string')) return scalarType;
    if (t.type === 'array' || t.items) return this.listType(node);
    if (t.type === 'object' || t.properties || t.additionalProperties !== undefined)
      return this.mapType(node);
    if (t.type === 'string' || t.type === 'integer' || t.type === 'number' || t.type === 'boolean') {
      return scalarType;
    }
    return deducedType;
  }

  private mapType(node: SchemaNode): MapType {
    const properties = node.target.properties ?? {};
    const extra = additionalNode(this.definitions, node);
    const free =
      extra !== undefined ||
      node.target.additionalProperties === true ||
      extension<boolean>(node, 'x-kubernetes-preserve-unknown-fields') === true ||
      Object.keys(properties).length === 0 ||
      this.lenient;
    const fieldTypes = new Map<string, TypeRef>();
    return {
      kind: 'map',
      atomic: extension(node, 'x-kubernetes-map-type') === 'atomic',
      isNamed: (key) => Object.hasOwn(properties, key),
      field: (key) => {
        let type = fieldTypes.get(key);
        if (type) return type;
        const prop = propertyNode(this.definitions, node, key);
        if (prop) type = this.typeOf(prop);
        else if (extra) type = this.typeOf(extra);
        else if (free) type = deducedType;
        else return undefined;
        fieldTypes.set(key, type);
        return type;
      },
    };
  }

  private listType(node: SchemaNode): ListType {
    const items = itemsNode(this.definitions, node);
    const element = items ? this.typeOf(items) : deducedType;
    let relationship: ListType['relationship'] = 'atomic';
    let keys: string[] = [];
    const listType = extension<string>(node, 'x-kubernetes-list-type');
    if (listType === 'set') relationship = 'set';
    else if (listType === 'map') {
      keys = extension<string[]>(node, 'x-kubernetes-list-map-keys') ?? [];
      relationship = keys.length > 0 ? 'map' : 'atomic';
    } else if (listType === undefined) {
      const strategies = (extension<string>(node, 'x-kubernetes-patch-strategy') ?? '').split(',');
      if (strategies.includes('merge')) {
        const mergeKey = extension<string>(node, 'x-kubernetes-patch-merge-key');
        relationship = mergeKey ? 'map' : 'set';
        keys = mergeKey ? [mergeKey] : [];
      }
    }
    return {
      kind: 'list',
      relationship,
      keys,
      element,
      keyDefault: (key) => {
        const prop = items && propertyNode(this.definitions, items, key);
        const declared = prop?.site.default ?? prop?.target.default;
        return (declared as JsonValue | undefined) ?? knownKeyDefaults[key];
      },
    };
  }
}
