/**
 * Walking OpenAPI definitions the way both patch engines need: a property's
 * schema is often a `$ref` (or, in v3, `allOf: [{$ref}]`) with the field-level
 * extensions (`x-kubernetes-patch-strategy`, `x-kubernetes-list-type`, …)
 * beside it, while type-level ones (`x-kubernetes-map-type: atomic` on
 * LabelSelector) sit on the definition itself.
 */
import { resolve, type Definitions, type SchemaObject } from '../openapi/schema.js';

/** One place in a schema: the schema as written there and what it resolves to. */
export interface SchemaNode {
  /** The schema at the use site (carries field-level extensions). */
  site: SchemaObject;
  /** The schema with `$ref`/`allOf` followed (carries the type). */
  target: SchemaObject;
}

export function nodeOf(definitions: Definitions, site: SchemaObject): SchemaNode {
  let target = site;
  for (let hops = 0; hops < 32; hops++) {
    if (target.$ref !== undefined) target = resolve(definitions, target);
    else if (target.allOf?.length === 1 && !target.type && !target.properties) target = target.allOf[0]!;
    else break;
  }
  return { site, target };
}

/** The node for a named definition, or undefined when the definitions lack it. */
export function definitionNode(definitions: Definitions, name: string | undefined): SchemaNode | undefined {
  const schema = name === undefined ? undefined : definitions[name];
  return schema ? nodeOf(definitions, schema) : undefined;
}

/** An extension, looked up at the use site first, then on the resolved type. */
export function extension<T>(node: SchemaNode, name: `x-${string}`): T | undefined {
  return (node.site[name] ?? node.target[name]) as T | undefined;
}

/** The declared property `key` of an object node. */
export function propertyNode(
  definitions: Definitions,
  node: SchemaNode,
  key: string,
): SchemaNode | undefined {
  const site = node.target.properties?.[key];
  return site && Object.hasOwn(node.target.properties!, key) ? nodeOf(definitions, site) : undefined;
}

/** The schema of values under keys that are not declared properties, if the node has one. */
export function additionalNode(definitions: Definitions, node: SchemaNode): SchemaNode | undefined {
  const extra = node.target.additionalProperties;
  return typeof extra === 'object' ? nodeOf(definitions, extra) : undefined;
}

/** The items schema of an array node. */
export function itemsNode(definitions: Definitions, node: SchemaNode): SchemaNode | undefined {
  return node.target.items ? nodeOf(definitions, node.target.items) : undefined;
}
