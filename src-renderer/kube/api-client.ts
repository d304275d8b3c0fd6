import { resourcePath, type ResourceType } from './resource-type.js';
import { networkError, responseError, StatusError } from './status-error.js';
import type { KubeList, KubeObject, Status, Table } from './types.js';
import type { WatchTransport } from './watch-transport.js';

/** How `KubeApi` reaches one cluster. */
export interface KubeApiOptions {
  /** The cluster's root, e.g. `${gatewayUrl}/clusters/${id}` (no trailing slash needed). */
  baseUrl: string;
  /** Defaults to the global `fetch`; tests pass one that trusts the cluster's CA. */
  fetch?: typeof fetch;
  /** Sent with every request (tests send a bearer token; the gateway needs none). */
  headers?: Record<string, string>;
  /**
   * How watches travel (watch-transport.ts); default: a streamed `fetch` each. A window with a
   * gateway passes `muxTransport(gatewayUrl, clusterId)`: all its watches over one WebSocket.
   */
  watchTransport?: WatchTransport;
}

/** The four kinds of PATCH the API server accepts, by their content types. */
export const PATCH_CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
export type PatchType = keyof typeof PATCH_CONTENT_TYPES;

/** What `kubectl get` asks for to print a table (`metav1.Table`). */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

export interface ListOptions extends RequestOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  limit?: number | undefined;
  continue?: string | undefined;
  resourceVersion?: string | undefined;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan' | undefined;
}

export interface WriteOptions extends RequestOptions {
  namespace?: string | undefined;
  /** Server dry run (`dryRun=All`): validated and defaulted, never stored. */
  dryRun?: boolean | undefined;
  fieldManager?: string | undefined;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore' | undefined;
}

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  /** Server-side apply only: take fields other managers own instead of failing with 409. */
  force?: boolean | undefined;
}

export interface DeleteOptions extends RequestOptions {
  namespace?: string | undefined;
  dryRun?: boolean | undefined;
  gracePeriodSeconds?: number | undefined;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' | undefined;
  preconditions?: { uid?: string; resourceVersion?: string } | undefined;
}

export interface TableOptions extends ListOptions {
  /** `Metadata` (the default) gives each row its object's metadata, for keys and links. */
  includeObject?: 'None' | 'Metadata' | 'Object';
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * The Kubernetes REST API of one cluster, over `fetch`. Every failure is a `StatusError`
 * carrying the server's `metav1.Status` (or one made up for failures without it).
 *
 * @example
 * const api = new KubeApi({ baseUrl: `${env.gatewayUrl}/clusters/embedded` });
 * const pods = await api.list(podsType, { namespace: 'default', labelSelector: 'app=web' });
 * await api.patch(deployType, 'web', manifest, { type: 'apply', fieldManager: 'kubedesk', namespace: 'default' });
 */
export class KubeApi {
  readonly baseUrl: string;
  /** Undefined: watches are streamed `fetch`es through this client. */
  readonly watchTransport: WatchTransport | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;

  constructor(options: KubeApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound, since a browser's fetch throws "Illegal invocation" when called as a method of another object.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.headers = options.headers ?? {};
    this.watchTransport = options.watchTransport;
  }

  /** One object. */
  get<T extends KubeObject = KubeObject>(
    type: ResourceType,
    name: string,
    options: RequestOptions & { namespace?: string | undefined } = {},
  ): Promise<T> {
    return this.json<T>('GET', resourcePath(type, { namespace: options.namespace, name }), {}, options);
  }

  /** One page of a collection (all of it unless `limit` is given). */
  list<T extends KubeObject = KubeObject>(
    type: ResourceType,
    options: ListOptions = {},
  ): Promise<KubeList<T>> {
    return this.json<KubeList<T>>(
      'GET',
      resourcePath(type, { namespace: options.namespace }),
      listQuery(options),
      options,
    );
  }

  /** One page of a collection as the server's Table, with `kubectl get`'s columns. */
  table(path: string, options: TableOptions = {}): Promise<Table> {
    const query = { ...listQuery(options), includeObject: options.includeObject ?? 'Metadata' };
    return this.json<Table>('GET', path, query, { ...options, accept: TABLE_ACCEPT });
  }

  create<T extends KubeObject = KubeObject>(
    type: ResourceType,
    body: T,
    options: WriteOptions = {},
  ): Promise<T> {
    const namespace = options.namespace ?? body.metadata.namespace;
    return this.json<T>('POST', resourcePath(type, { namespace }), writeQuery(options), { ...options, body });
  }

  /** PUT the whole object; a stale `metadata.resourceVersion` fails with 409 Conflict. */
  replace<T extends KubeObject = KubeObject>(
    type: ResourceType,
    body: T,
    options: WriteOptions = {},
  ): Promise<T> {
    const namespace = options.namespace ?? body.metadata.namespace;
    const name = body.metadata.name;
    if (!name) throw new StatusError(statusOf(422, 'Invalid', 'metadata.name: Required value'));
    return this.json<T>('PUT', resourcePath(type, { namespace, name }), writeQuery(options), {
      ...options,
      body,
    });
  }

  /**
   * PATCH an object. `type: 'apply'` is server-side apply: `fieldManager` is required by the
   * server, and `force` takes over fields other managers own; the body may be YAML text.
   */
  patch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    name: string,
    patch: unknown,
    options: PatchOptions,
  ): Promise<T> {
    const query: Query = {
      ...writeQuery(options),
      force: options.type === 'apply' && options.force ? true : undefined,
    };
    return this.json<T>('PATCH', resourcePath(type, { namespace: options.namespace, name }), query, {
      ...options,
      body: patch,
      contentType: PATCH_CONTENT_TYPES[options.type],
    });
  }

  /**
   * DELETE an object. Resolves to the object when deletion is graceful or waits on finalizers
   * (it still exists, with `deletionTimestamp` set), or to a Success Status when it is gone.
   */
  delete(type: ResourceType, name: string, options: DeleteOptions = {}): Promise<KubeObject | Status> {
    const body = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      ...(options.preconditions ? { preconditions: options.preconditions } : {}),
    };
    const query: Query = { dryRun: options.dryRun ? 'All' : undefined };
    return this.json('DELETE', resourcePath(type, { namespace: options.namespace, name }), query, {
      ...options,
      body,
    });
  }

  /**
   * Any request under the cluster's root, e.g. a pod's `/log` or a watch: resolves to the
   * response once it is 2xx (its body unread), else throws its `StatusError`.
   */
  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const what = `${method} ${path.split('?')[0]}`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        ...init,
        headers: { ...this.headers, ...headersOf(init.headers) },
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw networkError(error, what);
    }
    if (!response.ok) throw await responseError(response, what);
    return response;
  }

  /** `path` with its query string, dropping unset parameters. */
  url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return search ? `${path}${path.includes('?') ? '&' : '?'}${search}` : path;
  }

  private async json<T>(
    method: string,
    path: string,
    query: Query,
    options: RequestOptions & { body?: unknown; contentType?: string; accept?: string },
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    const response = await this.raw(this.url(path, query), { method, headers, body, signal: options.signal });
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new StatusError(
        statusOf(response.status, 'InternalError', `${method} ${path}: the response is not JSON`),
      );
    }
  }
}

function listQuery(options: ListOptions): Query {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit,
    continue: options.continue,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
  };
}

function writeQuery(options: WriteOptions): Query {
  return {
    dryRun: options.dryRun ? 'All' : undefined,
    fieldManager: options.fieldManager,
    fieldValidation: options.fieldValidation,
  };
}

function headersOf(headers: HeadersInit | undefined): Record<string, string> {
  return headers ? Object.fromEntries(new Headers(headers)) : {};
}

function statusOf(code: number, reason: string, message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}
