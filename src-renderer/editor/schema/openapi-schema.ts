/**
 * The conversion of a cluster's OpenAPI v3 group-version document (`/openapi/v3/apis/apps/v1`)
 * into JSON Schemas that monaco-yaml (yaml-language-server) validates, completes and explains
 * with. Pure: no I/O, no Monaco.
 *
 * What changes on the way, and why:
 * - `$ref: '#/components/schemas/X'` becomes `#/definitions/X`, and only the definitions a kind
 *   reaches are kept, so one kind's schema is self-contained (Pod reaches ~150 of core/v1's 500).
 * - `format: int-or-string` / `x-kubernetes-int-or-string` (IntOrString) accept both, as the
 *   API server decodes them; so does `resource.Quantity`, which YAML writers put as `cpu: 1`.
 * - `nullable: true` adds `null` to the type (OpenAPI 3.0 has no type arrays, JSON Schema does).
 * - an object with `properties` and no `additionalProperties` rejects other fields, as the API
 *   server's strict field validation does (`?fieldValidation=Strict`, what `kubectl apply` sends),
 *   unless it says `x-kubernetes-preserve-unknown-fields`; embedded resources get apiVersion,
 *   kind and metadata, which the API server adds to them
 *   (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#rawextension).
 * - other `x-kubernetes-*` extensions and the int32/int64/byte formats are dropped: the language
 *   server ignores them, and they only make the schema bigger.
 */

/** A JSON Schema as monaco-yaml takes it (a subset of its `JSONSchema` type, plain JSON). */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
}

/** An OpenAPI v3 schema object as Kubernetes publishes it (only what the conversion reads). */
export type OpenApiSchema = Record<string, unknown>;

/** An OpenAPI v3 document as `/openapi/v3/<path>` serves it. */
export interface OpenApiDocument {
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** A group, version and kind: `{ group: 'apps', version: 'v1', kind: 'Deployment' }` (group '' for core). */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** One kind's schema: the definition to start from and every definition it reaches. */
export interface KindSchema {
  /** The OpenAPI definition name, e.g. `io.k8s.api.apps.v1.Deployment`. */
  root: string;
  definitions: Record<string, JsonSchema>;
}

const REF_PREFIX = '#/components/schemas/';
const DEFINITION_PREFIX = '#/definitions/';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** Formats the language server would not check anyway. */
const DROPPED_FORMATS = new Set(['int32', 'int64', 'byte', 'double', 'float', 'int-or-string']);
/** Keywords copied as they are. */
const COPIED = [
  'description',
  'enum',
  'default',
  'pattern',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
] as const;

/** `apps/v1` for `{ group: 'apps', version: 'v1' }`, `v1` for the core group. */
export function apiVersionOfGvk(gvk: Pick<GroupVersionKind, 'group' | 'version'>): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/** The group and version of an `apiVersion` (`v1` → core). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The `/openapi/v3` index key of a group-version: `api/v1` or `apis/apps/v1`. */
export function openApiPathOf(apiVersion: string): string {
  const { group, version } = parseApiVersion(apiVersion);
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/**
 * Every kind a document defines, by `apiVersion/kind` (e.g. `apps/v1/Deployment`), with the
 * definition that describes it, read from `x-kubernetes-group-version-kind`. A definition that
 * names several kinds (DeleteOptions, WatchEvent) counts for each; when two definitions claim a
 * kind, the one whose name ends in `.<Kind>` wins.
 */
export function kindsOf(document: OpenApiDocument): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const gvks = schema['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    for (const gvk of gvks as Partial<GroupVersionKind>[]) {
      if (typeof gvk.kind !== 'string' || typeof gvk.version !== 'string') continue;
      const key = kindKey(apiVersionOfGvk({ group: gvk.group ?? '', version: gvk.version }), gvk.kind);
      const previous = kinds.get(key);
      if (!previous || (!previous.endsWith(`.${gvk.kind}`) && name.endsWith(`.${gvk.kind}`))) {
        kinds.set(key, name);
      }
    }
  }
  return kinds;
}

/** The key of a kind in {@link kindsOf}: `apps/v1/Deployment`, `v1/Pod`. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/**
 * The JSON Schema of one kind of a document, or undefined when the document does not define it.
 * Only the definitions the kind reaches are converted.
 */
export function kindSchema(
  document: OpenApiDocument,
  apiVersion: string,
  kind: string,
  kinds: Map<string, string> = kindsOf(document),
): KindSchema | undefined {
  const root = kinds.get(kindKey(apiVersion, kind));
  const schemas = document.components?.schemas ?? {};
  if (!root || !schemas[root]) return undefined;
  const definitions: Record<string, JsonSchema> = {};
  const pending = [root];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name in definitions) continue;
    const source = schemas[name];
    // A $ref to a definition the document lacks: accept anything rather than fail to resolve.
    definitions[name] = source ? convertSchema(source, name, (ref) => pending.push(ref)) : {};
  }
  return { root, definitions };
}

/**
 * One OpenAPI schema object as JSON Schema; `onRef` hears each definition it refers to, so the
 * caller can convert those too. `name` is the definition's own name, when it is one.
 */
export function convertSchema(
  schema: OpenApiSchema,
  name?: string,
  onRef: (definition: string) => void = () => {},
): JsonSchema {
  const out: JsonSchema = {};
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    if (ref.startsWith(REF_PREFIX)) {
      const target = ref.slice(REF_PREFIX.length);
      onRef(target);
      out.$ref = DEFINITION_PREFIX + target;
    }
    if (typeof schema.description === 'string') out.description = schema.description;
    return out;
  }
  for (const key of COPIED) {
    if (schema[key] !== undefined) (out as Record<string, unknown>)[key] = schema[key];
  }
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  if (format && !DROPPED_FORMATS.has(format)) out.format = format;

  let type: string | string[] | undefined = typeof schema.type === 'string' ? schema.type : undefined;
  if (format === 'int-or-string' || schema['x-kubernetes-int-or-string'] === true) {
    type = ['integer', 'string'];
  } else if (name === QUANTITY) {
    type = ['string', 'number'];
  }
  if (type !== undefined && schema.nullable === true) {
    type = [...(Array.isArray(type) ? type : [type]), 'null'];
  }
  if (type !== undefined) out.type = type;

  const convert = (s: unknown): JsonSchema => (isSchema(s) ? convertSchema(s, undefined, onRef) : {});
  const properties = isSchema(schema.properties) ? schema.properties : undefined;
  if (properties) {
    out.properties = {};
    for (const [key, value] of Object.entries(properties)) out.properties[key] = convert(value);
  }
  if (Array.isArray(schema.required)) out.required = schema.required.filter((r) => typeof r === 'string');
  if (isSchema(schema.items)) out.items = convert(schema.items);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) out[key] = list.map(convert);
  }
  if (isSchema(schema.not)) out.not = convert(schema.not);

  const preserveUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (schema['x-kubernetes-embedded-resource'] === true) {
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: DEFINITION_PREFIX + OBJECT_META },
      ...out.properties,
    };
    onRef(OBJECT_META);
  }
  if (typeof schema.additionalProperties === 'boolean') {
    out.additionalProperties = schema.additionalProperties;
  } else if (isSchema(schema.additionalProperties)) {
    out.additionalProperties = convert(schema.additionalProperties);
  } else if (out.properties && !preserveUnknown) {
    out.additionalProperties = false;
  }
  return out;
}

function isSchema(value: unknown): value is OpenApiSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
