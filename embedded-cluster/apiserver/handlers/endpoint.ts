import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import type { ResourceType } from '../../api/catalog.js';
import { errors } from '../../api/errors.js';
import { apiVersionOf, type KubeObject } from '../../api/object.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { UserInfo } from '../api-server.js';
import { sendJson, type Negotiated } from '../http-io.js';
import type { FieldValidation, ObjectPipeline, WriteContext } from '../object-pipeline.js';
import type { Registry } from '../registry/registry.js';
import type { ServiceAccountKey } from '../service-account-tokens.js';
import type { ResourceRequest } from '../request-info.js';

/** The parts of the server every handler reaches. */
export interface ServerParts {
  store: Store;
  registry: Registry;
  pipeline: ObjectPipeline;
  clock: Clock;
  logger: Logger;
  /** Served resources, built-in and custom, right now. */
  resources(): readonly ResourceType[];
  /** A lease for objects that expire (events): reused within a minute, as kube-apiserver's LeaseManager does. */
  eventLease(): Promise<number>;
  bookmarkIntervalMs: number;
  /** Run a write of `type` alone when it allocates shared things (Service IPs and node ports). */
  exclusive<T>(type: ResourceType, write: () => Promise<T>): Promise<T>;
  /** Signs service-account tokens (TokenRequest). */
  serviceAccountKey: ServiceAccountKey;
}

/** One resource request being served. */
export interface Endpoint {
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
  info: ResourceRequest;
  type: ResourceType;
  negotiated: Negotiated;
  user: UserInfo;
  now: number;
  parts: ServerParts;
}

export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const value of values) {
    if (value !== 'All') {
      throw errors.invalid('meta.k8s.io', 'CreateOptions', '', [
        {
          reason: 'FieldValueNotSupported',
          field: 'dryRun',
          message: `Unsupported value: "${value}": supported values: "All"`,
        },
      ]);
    }
  }
  return values.length > 0;
}

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get('fieldValidation');
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw errors.badRequest(`fieldValidation parameter unsupported: ${value}`);
}

/**
 * The field manager of a write: `fieldManager` if given (at most 128
 * characters), else the program name of the User-Agent, as kube-apiserver
 * derives it (prefix before the first '/').
 */
export function fieldManagerOf(endpoint: Endpoint, required: boolean): string {
  const given = endpoint.query.get('fieldManager');
  if (given !== null && given !== '') {
    if (given.length > 128) {
      throw errors.invalid('meta.k8s.io', 'PatchOptions', '', [
        {
          reason: 'FieldValueTooLong',
          field: 'fieldManager',
          message: `Too long: may not be longer than 128`,
        },
      ]);
    }
    return given;
  }
  if (required) {
    throw errors.invalid('meta.k8s.io', 'PatchOptions', '', [
      {
        reason: 'FieldValueRequired',
        field: 'fieldManager',
        message: 'Required value: is required for apply patch',
      },
    ]);
  }
  const agent = endpoint.request.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0]!.slice(0, 128) || 'unknown';
}

export function writeContext(endpoint: Endpoint, requiredManager = false): WriteContext {
  return {
    now: endpoint.now,
    fieldManager: fieldManagerOf(endpoint, requiredManager),
    fieldValidation: fieldValidationOf(endpoint.query),
    warnings: [],
    subresource: endpoint.info.subresource,
  };
}

/** Send an object or list, as JSON or YAML, with any warnings. */
export function respond(endpoint: Endpoint, code: number, body: unknown, warnings: string[] = []): void {
  const headers: Record<string, string> = {};
  if (warnings.length > 0) {
    // RFC 7234 warning headers, one per message, code 299 and agent "-" as kube-apiserver sends them.
    endpoint.response.setHeader(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  }
  if (endpoint.negotiated.format === 'yaml') {
    const text = toYaml(body);
    endpoint.response.writeHead(code, { 'Content-Type': 'application/yaml', ...headers });
    endpoint.response.end(text);
    return;
  }
  sendJson(endpoint.response, code, body, headers);
}

/** Respond with one object, or as a Table / partial metadata when that was asked for. */
export function respondObject(
  endpoint: Endpoint,
  code: number,
  obj: KubeObject,
  warnings: string[] = [],
): void {
  const { negotiated, type, parts, now } = endpoint;
  if (negotiated.table) {
    respond(endpoint, code, parts.pipeline.table(type, [obj], includeObjectOf(endpoint), now), warnings);
  } else if (negotiated.partialMetadata) {
    respond(endpoint, code, partialMetadata(obj), warnings);
  } else {
    respond(endpoint, code, obj, warnings);
  }
}

export function includeObjectOf(endpoint: Endpoint): 'None' | 'Metadata' | 'Object' {
  const value = endpoint.query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

export function partialMetadata(obj: KubeObject): KubeObject {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: obj.metadata };
}

/** The apiVersion and kind a body for this endpoint must have (or may omit). */
export function expectedTypeMeta(type: ResourceType): { apiVersion: string; kind: string } {
  return { apiVersion: apiVersionOf(type.group, type.version), kind: type.kind };
}
