/**
 * The `openAPIV3Schema` of a CRD version as it arrives in JSON
 * (apiextensions.k8s.io/v1 `JSONSchemaProps`), with the Kubernetes vendor
 * extensions `kubernetes-types` leaves out, and the few readers every part of
 * this module shares: which schema applies to array items and map values, what
 * JSON type a value has, and field paths as `field.Path.String()` renders them.
 *
 * https://github.com/kubernetes/apiextensions-apiserver/blob/master/pkg/apis/apiextensions/v1/types_jsonschema.go
 */
export interface JSONSchemaProps {
  id?: string;
  $schema?: string;
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  title?: string;
  default?: unknown;
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  enum?: unknown[];
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  items?: JSONSchemaProps | JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  patternProperties?: Record<string, JSONSchemaProps>;
  dependencies?: Record<string, JSONSchemaProps | string[]>;
  additionalItems?: JSONSchemaProps | boolean;
  definitions?: Record<string, JSONSchemaProps>;
  externalDocs?: { description?: string; url?: string };
  example?: unknown;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: unknown[];
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a (possibly malformed) schema slot holds a schema object. */
export function isSchema(v: unknown): v is JSONSchemaProps {
  return isObj(v);
}

/** The single schema that applies to every item of an array (`items` as an array is forbidden in CRDs). */
export function itemsOf(s: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  return s && isObj(s.items) ? (s.items as JSONSchemaProps) : undefined;
}

/**
 * `additionalProperties`, if set: `true`, `false`, or the schema of every map
 * value (`allows` is false only for `additionalProperties: false`).
 */
export function additionalOf(
  s: JSONSchemaProps | undefined,
): { allows: boolean; schema: JSONSchemaProps | undefined } | undefined {
  const ap = s?.additionalProperties;
  if (ap === undefined || ap === null) return undefined;
  if (typeof ap === 'boolean') return { allows: ap, schema: undefined };
  return { allows: true, schema: ap };
}

export function has(o: object | undefined, k: string): boolean {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, k);
}

/** The schema of property `k`, if the schema declares it. */
export function propertyOf(s: JSONSchemaProps | undefined, k: string): JSONSchemaProps | undefined {
  return s?.properties && has(s.properties, k) ? s.properties[k] : undefined;
}

/** JSON kinds as Go's decoder produces them: whole numbers decode to int64, the rest to float64. */
export type JsonKind = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export function jsonKind(v: unknown): JsonKind {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** A deep copy of a JSON value (`runtime.DeepCopyJSONValue`). */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => cloneJson(x)) as T;
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneJson(x);
    return out as T;
  }
  return v;
}

/** Deep equality of JSON values, as `reflect.DeepEqual` on decoded JSON (null and missing differ). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => has(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * A field path as `*field.Path` renders it; `null` is the nil path, which
 * prints as `<nil>` (custom resource validation starts from it).
 */
export type FieldPath = string | null;

export function pathString(p: FieldPath): string {
  return p ?? '<nil>';
}

/** `p.Child(name)`. */
export function childPath(p: FieldPath, name: string): string {
  return p === null || p === '' ? name : `${p}.${name}`;
}

/** `p.Key(k)`: `properties[spec]`, `labels[app]`. */
export function keyPath(p: FieldPath, k: string): string {
  return `${p ?? ''}[${k}]`;
}

/** `p.Index(i)`. */
export function indexPath(p: FieldPath, i: number): string {
  return `${p ?? ''}[${i}]`;
}
