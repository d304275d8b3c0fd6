import type { ResourceType, SubresourceName, Verb } from '../catalog.js';
import { isPlainObject } from '../object.js';
import type { Definitions, SchemaObject } from './schema.js';

/**
 * The OpenAPI definitions and resource types a CustomResourceDefinition
 * (`apiextensions.k8s.io/v1`, as plain JSON) adds, as the apiextensions
 * server publishes them
 * (k8s.io/apiextensions-apiserver pkg/controller/openapi/builder/builder.go):
 * per served version a definition named by the reverse-domain group —
 * `stable.example.com` / `v1` / `CronTab` → `com.example.stable.v1.CronTab` —
 * with `apiVersion`, `kind`, `metadata` (a `$ref` to ObjectMeta) and the
 * version's schema, and its `…List`. Pure: no I/O, no shared state.
 */

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESCRIPTION =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DESCRIPTION =
  'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

const ALL_VERBS: readonly Verb[] = [
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'create',
  'update',
  'watch',
];

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: unknown };
  subresources?: { status?: unknown; scale?: unknown };
}

interface CrdShape {
  metadata?: { name?: string };
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: {
      kind: string;
      plural: string;
      singular?: string;
      shortNames?: string[];
      categories?: string[];
      listKind?: string;
    };
    versions: CrdVersion[];
  };
}

/** The definition name kube-openapi gives a custom kind: reversed group, version, kind. */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

/** Definitions for every served version of the CRD: the kind and its List. */
export function crdDefinitions(crd: unknown): Definitions {
  const c = asCrd(crd);
  const { group, names } = c.spec;
  const listKind = names.listKind ?? `${names.kind}List`;
  const out: Definitions = {};
  for (const v of servedVersions(c)) {
    const name = crdDefinitionName(group, v.name, names.kind);
    const schema = convertSchema(v.schema?.openAPIV3Schema);
    const properties: Record<string, SchemaObject> = { ...(schema.properties ?? {}) };
    properties.apiVersion = { description: API_VERSION_DESCRIPTION, type: 'string' };
    properties.kind = { description: KIND_DESCRIPTION, type: 'string' };
    properties.metadata = { $ref: `#/definitions/${META}.ObjectMeta`, description: METADATA_DESCRIPTION };
    out[name] = {
      ...schema,
      properties: sortKeys(properties),
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group, kind: names.kind, version: v.name }],
    };
    out[crdDefinitionName(group, v.name, listKind)] = {
      description: `${listKind} is a list of ${names.kind}`,
      properties: {
        apiVersion: { description: API_VERSION_DESCRIPTION, type: 'string' },
        items: {
          description: `List of ${names.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
          items: { $ref: `#/definitions/${name}` },
          type: 'array',
        },
        kind: { description: KIND_DESCRIPTION, type: 'string' },
        metadata: { $ref: `#/definitions/${META}.ListMeta`, description: LIST_METADATA_DESCRIPTION },
      },
      required: ['items'],
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group, kind: listKind, version: v.name }],
    };
  }
  return out;
}

/** The catalog entries of the CRD's served versions (resource = plural; `crd` = the CRD's name). */
export function crdResourceTypes(crd: unknown): ResourceType[] {
  const c = asCrd(crd);
  const { group, names, scope } = c.spec;
  return servedVersions(c).map((v) => {
    const subresources: SubresourceName[] = [];
    if (v.subresources?.status !== undefined) subresources.push('status');
    if (v.subresources?.scale !== undefined) subresources.push('scale');
    return {
      group,
      version: v.name,
      kind: names.kind,
      resource: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced: scope === 'Namespaced',
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: ALL_VERBS,
      subresources,
      definition: crdDefinitionName(group, v.name, names.kind),
      crd: c.metadata?.name ?? `${names.plural}.${group}`,
    };
  });
}

function servedVersions(c: CrdShape): CrdVersion[] {
  return c.spec.versions.filter((v) => v.served !== false);
}

function asCrd(crd: unknown): CrdShape {
  if (!isPlainObject(crd) || !isPlainObject(crd.spec)) throw new TypeError('not a CustomResourceDefinition');
  const spec = crd.spec;
  if (typeof spec.group !== 'string' || !isPlainObject(spec.names) || !Array.isArray(spec.versions)) {
    throw new TypeError('CustomResourceDefinition spec needs group, names and versions');
  }
  return crd as unknown as CrdShape;
}

/**
 * A CRD's structural schema (JSONSchemaProps) as a published OpenAPI schema:
 * the keywords OpenAPI v2 has and the `x-kubernetes-*` extensions; the
 * `metadata` the CRD may constrain is replaced by the ObjectMeta `$ref` by the caller.
 */
function convertSchema(input: unknown): SchemaObject {
  if (!isPlainObject(input)) return {};
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'type':
      case 'format':
      case 'description':
      case 'default':
      case 'enum':
      case 'maxLength':
      case 'minLength':
      case 'pattern':
      case 'maximum':
      case 'minimum':
      case 'exclusiveMaximum':
      case 'exclusiveMinimum':
      case 'multipleOf':
      case 'maxItems':
      case 'minItems':
      case 'uniqueItems':
      case 'maxProperties':
      case 'minProperties':
      case 'title':
      case 'example':
        (out as Record<string, unknown>)[key] = value;
        break;
      case 'required':
        if (Array.isArray(value) && value.length > 0)
          out.required = value.filter((v): v is string => typeof v === 'string');
        break;
      case 'properties':
        if (isPlainObject(value)) {
          out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v)]));
        }
        break;
      case 'items':
        if (isPlainObject(value)) out.items = convertSchema(value);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'boolean' ? value : convertSchema(value);
        break;
      default:
        if (key.startsWith('x-kubernetes-')) (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
