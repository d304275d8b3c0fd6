import type { ResourceType } from '../catalog.js';
import { resourcesKey, servedDocument, type ServedDocument } from './hash.js';
import {
  catalogPaths,
  PATCH_DEFINITION,
  PATH_PARAMS,
  patchContentTypes,
  producesOf,
  QUERY_PARAMS,
  type Operation,
  type PathItem,
  type Returns,
} from './paths.js';
import type { Definitions, SchemaObject } from './schema.js';

/**
 * The `/openapi/v2` document of a Kubernetes v1.32 API server: the
 * definitions plus the paths of every served resource, each operation with
 * `x-kubernetes-action` and `x-kubernetes-group-version-kind` (see
 * k8s.io/kube-openapi pkg/builder and k8s.io/apiserver pkg/endpoints/installer.go).
 */
export interface OpenApiV2Document {
  swagger: '2.0';
  info: { title: 'Kubernetes'; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Definitions;
  securityDefinitions: {
    BearerToken: { description: string; type: 'apiKey'; name: 'authorization'; in: 'header' };
  };
  security: { BearerToken: [] }[];
}

export interface OpenApiOptions {
  /** `info.version`: the server's gitVersion. */
  version?: string;
}

export const DEFAULT_VERSION = 'v1.32.0';

const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

export function buildOpenApiV2(
  resources: readonly ResourceType[],
  definitions: Definitions,
  options: OpenApiOptions = {},
): OpenApiV2Document {
  const paths: OpenApiV2Document['paths'] = {};
  for (const item of catalogPaths(resources)) paths[item.path] = v2PathItem(item);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: options.version ?? DEFAULT_VERSION },
    paths,
    definitions,
    securityDefinitions: {
      BearerToken: {
        description: 'Bearer Token authentication',
        type: 'apiKey',
        name: 'authorization',
        in: 'header',
      },
    },
    security: [{ BearerToken: [] }],
  };
}

function v2PathItem(item: PathItem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const op of item.operations) out[op.method] = v2Operation(op);
  out.parameters = [
    ...item.pathParams.map((name) => ({
      uniqueItems: true,
      type: 'string',
      description: PATH_PARAMS[name](item.kind ?? ''),
      name,
      in: 'path',
      required: true,
    })),
    queryParameterV2('pretty'),
  ];
  return out;
}

function queryParameterV2(name: keyof typeof QUERY_PARAMS): Record<string, unknown> {
  const { type, description } = QUERY_PARAMS[name];
  return { uniqueItems: true, type, description, name, in: 'query' };
}

function ref(definition: string): SchemaObject {
  return { $ref: `#/definitions/${definition}` };
}

function responseSchema(r: Returns): SchemaObject {
  return 'text' in r ? { type: 'string' } : ref(r.definition);
}

function v2Operation(op: Operation): Record<string, unknown> {
  const parameters: Record<string, unknown>[] = [];
  if (op.body === 'patch') {
    parameters.push({ name: 'body', in: 'body', required: true, schema: ref(PATCH_DEFINITION) });
  } else if (op.body) {
    const required = op.method !== 'delete';
    parameters.push({
      name: 'body',
      in: 'body',
      ...(required ? { required: true } : {}),
      schema: ref(op.body.definition),
    });
  }
  parameters.push(...op.query.map(queryParameterV2));
  const responses: Record<string, unknown> = {};
  for (const [code, returns] of Object.entries(op.responses)) {
    responses[code] = { description: RESPONSE_TEXT[code] ?? 'OK', schema: responseSchema(returns) };
  }
  responses['401'] = { description: 'Unauthorized' };
  return {
    description: op.description,
    consumes: op.body === 'patch' ? patchContentTypes(op.strategicMerge ?? true) : ['*/*'],
    produces: producesOf(op.produces),
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
    parameters,
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
}

/**
 * Serves `/openapi/v2` cheaply: the document is built and serialised once
 * and rebuilt only when the resource list (or the definitions object, e.g.
 * after a CRD's schema changed) is different from the last call's.
 */
export class OpenApiV2Cache {
  private key: string | undefined;
  private definitions: Definitions | undefined;
  private served: ServedDocument | undefined;

  constructor(private readonly options: OpenApiOptions = {}) {}

  /** The current document's bytes, hash and ETag. `definitions` must be a stable object while unchanged. */
  get(resources: readonly ResourceType[], definitions: Definitions): ServedDocument {
    const key = resourcesKey(resources);
    if (this.served === undefined || key !== this.key || definitions !== this.definitions) {
      this.served = servedDocument(buildOpenApiV2(resources, definitions, this.options));
      this.key = key;
      this.definitions = definitions;
    }
    return this.served;
  }
}
