import type { ResourceType } from '../catalog.js';
import { resourcesKey, servedDocument, type ServedDocument } from './hash.js';
import { DEFAULT_VERSION, type OpenApiOptions } from './openapi-v2.js';
import {
  catalogPaths,
  groupVersionPath,
  operationGroupName,
  PATCH_DEFINITION,
  PATH_PARAMS,
  patchContentTypes,
  producesOf,
  QUERY_PARAMS,
  tagName,
  type Operation,
  type PathItem,
} from './paths.js';
import type { Definitions, SchemaObject } from './schema.js';

/**
 * `/openapi/v3`: a discovery document naming one OpenAPI 3.0 document per
 * group-version (plus `api`, `apis`, `apis/<group>` and `version`), each at
 * `/openapi/v3/<path>?hash=<SHA-512, upper-case hex, of the document>`
 * (k8s.io/kube-openapi pkg/handler3/handler.go). A document holds only its
 * group-version's paths and the schemas they reach, with `$ref`s rewritten
 * to `#/components/schemas/…` and, as kube-openapi does for v3, a `$ref`
 * that has sibling keywords (a description) wrapped in `allOf`.
 *
 * The HTTP layer must: answer `/openapi/v3` with {@link OpenApiV3Snapshot.root}
 * (ETag = its quoted hash); answer `/openapi/v3/<path>` with the document,
 * and when `?hash=` is given, 301-redirect to {@link serverRelativeURL} if it
 * differs from the current hash, else add `Cache-Control: public, immutable`,
 * `Expires` one year ahead and `Vary: Accept`.
 */
export interface OpenApiV3Snapshot {
  /** The discovery document (`{ paths: { "api/v1": { serverRelativeURL } … } }`). */
  root: ServedDocument;
  /** Keyed by path without leading slash: `api/v1`, `apis/apps/v1`, `apis/apps`, `api`, `apis`, `version`. */
  documents: ReadonlyMap<string, ServedDocument>;
}

/** `/openapi/v3/<path>?hash=<hash>`, as kube-openapi builds it. */
export function serverRelativeURL(path: string, hash: string): string {
  return `/openapi/v3/${path}?hash=${hash}`;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Every document of `/openapi/v3`, keyed by path (see {@link OpenApiV3Snapshot.documents}). */
export function buildOpenApiV3(
  resources: readonly ResourceType[],
  definitions: Definitions,
  options: OpenApiOptions = {},
): Map<string, OpenApiV3Document> {
  const docs = new Map<string, OpenApiV3Document>();
  const byGroupVersion = new Map<string, PathItem[]>();
  for (const item of catalogPaths(resources)) {
    const list = byGroupVersion.get(item.groupVersion) ?? [];
    list.push(item);
    byGroupVersion.set(item.groupVersion, list);
  }
  const version = options.version ?? DEFAULT_VERSION;
  const groups = new Map<string, string[]>();
  for (const r of resources) {
    const gv = groupVersionPath(r.group, r.version);
    if (!byGroupVersion.has(gv)) byGroupVersion.set(gv, []);
    if (r.group !== '') groups.set(r.group, [...new Set([...(groups.get(r.group) ?? []), r.version])]);
  }
  for (const [gv, items] of byGroupVersion) {
    const [group, ver] = gv.startsWith('api/') ? ['', gv.slice(4)] : gv.slice(5).split('/');
    const discovery = discoveryPath(
      `/${gv}/`,
      `get${operationGroupName(group ?? '', ver ?? '')}APIResources`,
      'get available resources',
      `${META}.APIResourceList`,
      tagName(group ?? '', ver ?? ''),
    );
    docs.set(gv, v3Document(version, [discovery, ...items], definitions));
  }
  for (const group of groups.keys()) {
    const name = operationGroupName(group, '');
    const tag = name.charAt(0).toLowerCase() + name.slice(1);
    docs.set(
      `apis/${group}`,
      v3Document(
        version,
        [
          discoveryPath(
            `/apis/${group}/`,
            `get${name}APIGroup`,
            'get information of a group',
            `${META}.APIGroup`,
            tag,
          ),
        ],
        definitions,
      ),
    );
  }
  docs.set(
    'api',
    v3Document(
      version,
      [
        discoveryPath(
          '/api/',
          'getCoreAPIVersions',
          'get available API versions',
          `${META}.APIVersions`,
          'core',
        ),
      ],
      definitions,
    ),
  );
  docs.set(
    'apis',
    v3Document(
      version,
      [
        discoveryPath(
          '/apis/',
          'getAPIVersions',
          'get available API versions',
          `${META}.APIGroupList`,
          'apis',
        ),
      ],
      definitions,
    ),
  );
  docs.set(
    'version',
    v3Document(
      version,
      [
        discoveryPath(
          '/version/',
          'getCodeVersion',
          'get the version information for this server',
          'io.k8s.apimachinery.pkg.version.Info',
          'version',
        ),
      ],
      definitions,
    ),
  );
  return docs;
}

export interface OpenApiV3Document {
  openapi: '3.0.0';
  info: { title: 'Kubernetes'; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, SchemaObject>; securitySchemes: Record<string, unknown> };
}

interface DiscoveryPath extends PathItem {
  discovery: { operationId: string; description: string; definition: string; tag: string };
}

function discoveryPath(
  path: string,
  operationId: string,
  description: string,
  definition: string,
  tag: string,
): DiscoveryPath {
  return {
    path,
    groupVersion: '',
    pathParams: [],
    operations: [],
    discovery: { operationId, description, definition, tag },
  };
}

function v3Document(
  version: string,
  items: (PathItem | DiscoveryPath)[],
  definitions: Definitions,
): OpenApiV3Document {
  const paths: OpenApiV3Document['paths'] = {};
  const roots = new Set<string>();
  for (const item of items) {
    if ('discovery' in item) {
      const d = item.discovery;
      roots.add(d.definition);
      paths[item.path] = {
        get: {
          tags: [d.tag],
          description: d.description,
          operationId: d.operationId,
          responses: {
            '200': {
              description: 'OK',
              content: contentOf(producesOf('object').slice(0, 3), refV3(d.definition)),
            },
            '401': { description: 'Unauthorized' },
          },
        },
      };
      continue;
    }
    paths[item.path] = v3PathItem(item, roots);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths,
    components: {
      schemas: reachableSchemas(roots, definitions),
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
  };
}

function v3PathItem(item: PathItem, roots: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const op of item.operations) out[op.method] = v3Operation(op, roots);
  out.parameters = [
    ...item.pathParams.map((name) => ({
      name,
      in: 'path',
      description: PATH_PARAMS[name](item.kind ?? ''),
      required: true,
      schema: { type: 'string', uniqueItems: true },
    })),
    queryParameterV3('pretty'),
  ];
  return out;
}

function queryParameterV3(name: keyof typeof QUERY_PARAMS): Record<string, unknown> {
  const { type, description } = QUERY_PARAMS[name];
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function refV3(definition: string): SchemaObject {
  return { $ref: `#/components/schemas/${definition}` };
}

function contentOf(types: string[], schema: SchemaObject): Record<string, { schema: SchemaObject }> {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

function v3Operation(op: Operation, roots: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    tags: [op.tag],
    description: op.description,
    operationId: op.operationId,
  };
  if (op.query.length > 0) out.parameters = op.query.map(queryParameterV3);
  if (op.body === 'patch') {
    roots.add(PATCH_DEFINITION);
    out.requestBody = {
      content: contentOf(patchContentTypes(op.strategicMerge ?? true), refV3(PATCH_DEFINITION)),
      required: true,
    };
  } else if (op.body) {
    roots.add(op.body.definition);
    out.requestBody = {
      content: { '*/*': { schema: refV3(op.body.definition) } },
      ...(op.method === 'delete' ? {} : { required: true }),
    };
  }
  const responses: Record<string, unknown> = {};
  for (const [code, returns] of Object.entries(op.responses)) {
    let schema: SchemaObject;
    if ('text' in returns) schema = { type: 'string' };
    else {
      roots.add(returns.definition);
      schema = refV3(returns.definition);
    }
    responses[code] = {
      description: RESPONSE_TEXT[code] ?? 'OK',
      content: contentOf(producesOf(op.produces), schema),
    };
  }
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  out['x-kubernetes-action'] = op.action;
  out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

/** The named definitions and everything they reference, converted to OpenAPI 3 and sorted by name. */
export function reachableSchemas(
  roots: Iterable<string>,
  definitions: Definitions,
): Record<string, SchemaObject> {
  const names = reachableNames(roots, definitions);
  const out: Record<string, SchemaObject> = {};
  for (const name of [...names].sort()) out[name] = toV3Schema(definitions[name] as SchemaObject);
  return out;
}

export function reachableNames(roots: Iterable<string>, definitions: Definitions): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    const schema = definitions[name];
    if (!schema) throw new Error(`OpenAPI: unknown definition ${name}`);
    seen.add(name);
    collectRefs(schema, queue);
  }
  return seen;
}

function collectRefs(schema: unknown, out: string[], isPropertyMap = false): void {
  if (Array.isArray(schema)) {
    for (const s of schema) collectRefs(s, out);
  } else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (isPropertyMap) collectRefs(value, out);
      else if (key === '$ref' && typeof value === 'string') out.push(value.replace(/^#\/definitions\//, ''));
      else if (key !== 'enum' && key !== 'default' && key !== 'example')
        collectRefs(value, out, key === 'properties');
    }
  }
}

/** One v2 schema in v3 form: refs point into components, a ref with siblings becomes `allOf: [ref]`. */
export function toV3Schema(schema: SchemaObject): SchemaObject {
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(schema) as [keyof SchemaObject, unknown][]) {
    if (key === '$ref') continue;
    if (key === 'properties' && value) {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, SchemaObject>).map(([k, v]) => [k, toV3Schema(v)]),
      );
    } else if (
      (key === 'items' || key === 'additionalProperties') &&
      typeof value === 'object' &&
      value !== null
    ) {
      out[key] = toV3Schema(value as SchemaObject);
    } else if (key === 'allOf' && Array.isArray(value)) {
      out.allOf = (value as SchemaObject[]).map(toV3Schema);
    } else {
      (out as Record<string, unknown>)[key] = value;
    }
  }
  if (schema.$ref !== undefined) {
    const ref = schema.$ref.replace(/^#\/definitions\//, '#/components/schemas/');
    if (Object.keys(out).length === 0) return { $ref: ref };
    return sortKeys({ ...out, allOf: [{ $ref: ref }] });
  }
  return out;
}

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

/**
 * Serves `/openapi/v3` cheaply: documents are serialised once and only
 * re-serialised when their group-version's resources or the schemas they
 * reach change (compared by identity, so pass the same schema objects while
 * they are unchanged, e.g. `{ ...builtinDefinitions, ...crdDefinitions }`).
 */
export class OpenApiV3Cache {
  private snapshot: OpenApiV3Snapshot | undefined;
  private key: string | undefined;
  private definitions: Definitions | undefined;
  private readonly documents = new Map<string, { inputs: unknown[]; served: ServedDocument }>();

  constructor(private readonly options: OpenApiOptions = {}) {}

  get(resources: readonly ResourceType[], definitions: Definitions): OpenApiV3Snapshot {
    const key = resourcesKey(resources);
    if (this.snapshot !== undefined && key === this.key && definitions === this.definitions)
      return this.snapshot;
    const built = buildOpenApiV3(resources, definitions, this.options);
    const documents = new Map<string, ServedDocument>();
    for (const [path, doc] of built) {
      // Inputs: the paths object (as JSON) and the identity of every schema the document uses.
      const inputs: unknown[] = [
        JSON.stringify(doc.paths),
        ...Object.keys(doc.components.schemas).flatMap((n) => [n, definitions[n]]),
      ];
      const cached = this.documents.get(path);
      const same =
        cached !== undefined &&
        cached.inputs.length === inputs.length &&
        cached.inputs.every((v, i) => v === inputs[i]);
      const served = same ? cached.served : servedDocument(doc);
      if (!same) this.documents.set(path, { inputs, served });
      documents.set(path, served);
    }
    for (const path of [...this.documents.keys()]) if (!built.has(path)) this.documents.delete(path);
    const rootPaths: Record<string, { serverRelativeURL: string }> = {};
    for (const path of [...documents.keys()].sort()) {
      rootPaths[path] = {
        serverRelativeURL: serverRelativeURL(path, (documents.get(path) as ServedDocument).hash),
      };
    }
    this.snapshot = { root: servedDocument({ paths: rootPaths }), documents };
    this.key = key;
    this.definitions = definitions;
    return this.snapshot;
  }
}
