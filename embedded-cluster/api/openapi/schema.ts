import definitionsDocument from './kubernetes-v1.26.2-definitions.json' with { type: 'json' };

/**
 * OpenAPI v2 schemas of the built-in kinds, from a real Kubernetes v1.26.2
 * API server (../shared/openapi, definitions only; paths are generated from
 * the resource catalog). Fields Kubernetes added up to v1.32 are patched in
 * by ./v1.32-additions.ts.
 */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  additionalProperties?: SchemaObject | boolean;
  enum?: unknown[];
  default?: unknown;
  allOf?: SchemaObject[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-unions'?: unknown[];
  [extension: `x-${string}`]: unknown;
}

export type Definitions = Record<string, SchemaObject>;

/** The vendored v1.26.2 definitions, unpatched. Callers must not mutate them. */
export const baseDefinitions: Definitions = (definitionsDocument as unknown as { definitions: Definitions })
  .definitions;

/** Follow `$ref`s (`#/definitions/<name>`) until a schema with content. */
export function resolve(definitions: Definitions, schema: SchemaObject): SchemaObject {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    if (hops > 32) throw new Error(`reference cycle at ${current.$ref}`);
    const name = current.$ref.replace(/^#\/definitions\//, '');
    const target = definitions[name];
    if (!target) throw new Error(`unknown OpenAPI definition ${name}`);
    current = target;
  }
  return current;
}
