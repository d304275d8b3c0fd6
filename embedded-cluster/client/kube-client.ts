import type { IncomingMessage } from 'node:http';
import type { ObjectMeta, Status } from 'kubernetes-types/meta/v1.js';
import { toStatusError } from './status-errors.js';
import type { KubeObjectLike, ResourceRef } from './resources.js';
import type { ApiRequest, Transport } from './transport.js';
import { watchEvents, type WatchEvent } from './watch-stream.js';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** "0": any version the server has at hand (its cache), as informers list. */
  resourceVersion?: string;
}

export interface ObjectList<T> {
  items: T[];
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

export interface WriteOptions {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const PATCH_MEDIA: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  type?: PatchType;
  subresource?: string;
  /** Server-side apply: take fields from other managers. */
  force?: boolean;
}

export interface DeleteOptions {
  namespace?: string;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WatchOptions {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/**
 * A typed Kubernetes API client: one {@link ResourceClient} per resource. Every call is a real API
 * request, so what the server answers (409 Conflict, 422 Invalid, 404 NotFound …) arrives as a
 * {@link StatusError} with the server's reason and code.
 */
export class KubeClient {
  constructor(readonly transport: Transport) {}

  resource<T extends KubeObjectLike>(ref: ResourceRef<T>): ResourceClient<T> {
    return new ResourceClient(this, ref);
  }

  /** Send a request and decode its JSON answer, or throw the Status the server sent. */
  async request<R>(request: ApiRequest): Promise<R> {
    const response = await this.transport.send(request);
    const text = await readText(response);
    const code = response.statusCode ?? 0;
    if (code >= 200 && code < 300) return (text ? JSON.parse(text) : undefined) as R;
    throw toStatusError(code, text);
  }

  close(): void {
    this.transport.close();
  }
}

/** Read, write and watch one resource. */
export class ResourceClient<T extends KubeObjectLike> {
  constructor(
    private readonly client: KubeClient,
    readonly ref: ResourceRef<T>,
  ) {}

  get(name: string, namespace?: string): Promise<T> {
    return this.client.request({ method: 'GET', path: this.path(namespace, name) });
  }

  list(options: ListOptions = {}): Promise<ObjectList<T>> {
    return this.client.request({
      method: 'GET',
      path: this.path(options.namespace) + query({ ...options, namespace: undefined }),
    });
  }

  create(object: T, options: WriteOptions = {}): Promise<T> {
    const namespace = options.namespace ?? object.metadata?.namespace;
    return this.client.request({
      method: 'POST',
      path: this.path(namespace) + writeQuery(options),
      body: this.typed(object),
    });
  }

  /** PUT the whole object; fails with 409 Conflict when its resourceVersion is stale. */
  update(object: T, options: WriteOptions = {}): Promise<T> {
    return this.client.request({
      method: 'PUT',
      path: this.objectPath(object) + writeQuery(options),
      body: this.typed(object),
    });
  }

  /** PUT the object's status (the `status` subresource): the spec is left as it is. */
  updateStatus(object: T, options: WriteOptions = {}): Promise<T> {
    return this.client.request({
      method: 'PUT',
      path: `${this.objectPath(object)}/status${writeQuery(options)}`,
      body: this.typed(object),
    });
  }

  patch(name: string, patch: unknown, options: PatchOptions = {}): Promise<T> {
    const type = options.type ?? 'merge';
    const params: Record<string, string | undefined> = {
      fieldManager: options.fieldManager,
      dryRun: options.dryRun ? 'All' : undefined,
      force: options.force ? 'true' : undefined,
    };
    return this.client.request({
      method: 'PATCH',
      path: this.path(options.namespace, name, options.subresource) + query(params),
      body: patch,
      contentType: PATCH_MEDIA[type],
    });
  }

  /** Delete; answers the object (when deletion is deferred by finalizers or grace) or a Status. */
  delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    const body = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      ...(options.preconditions ? { preconditions: options.preconditions } : {}),
      ...(options.dryRun ? { dryRun: ['All'] } : {}),
    };
    return this.client.request({ method: 'DELETE', path: this.path(options.namespace, name), body });
  }

  /** POST to a subresource, e.g. `binding` or `eviction` of a pod. */
  createSubresource<R>(name: string, subresource: string, body: unknown, namespace?: string): Promise<R> {
    return this.client.request({ method: 'POST', path: this.path(namespace, name, subresource), body });
  }

  /**
   * Watch changes from `resourceVersion`. The iterable ends when the server ends the watch (its
   * timeout), when `signal` aborts, or with a {@link StatusError} (410 Expired when the version is
   * compacted away) when the server sends an ERROR event.
   */
  async *watch(options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const { signal, namespace, ...rest } = options;
    const response = await this.client.transport.send({
      method: 'GET',
      path: this.path(namespace) + query({ ...rest, watch: 'true' }),
      ...(signal ? { signal } : {}),
    });
    const code = response.statusCode ?? 0;
    if (code !== 200) throw toStatusError(code, await readText(response));
    yield* watchEvents<T>(response, signal);
  }

  private typed(object: T): T {
    const apiVersion = this.ref.group ? `${this.ref.group}/${this.ref.version}` : this.ref.version;
    return { ...object, apiVersion, kind: this.ref.kind };
  }

  private objectPath(object: T): string {
    const meta: ObjectMeta = object.metadata ?? {};
    if (!meta.name) throw new Error(`a ${this.ref.kind} to update needs metadata.name`);
    return this.path(meta.namespace, meta.name);
  }

  /** `/apis/<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<sub>]]` */
  path(namespace?: string, name?: string, subresource?: string): string {
    const { group, version, resource, namespaced } = this.ref;
    let path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    if (namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
    path += `/${resource}`;
    if (name !== undefined) path += `/${encodeURIComponent(name)}`;
    if (subresource) path += `/${subresource}`;
    return path;
  }
}

function writeQuery(options: WriteOptions): string {
  return query({ fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined });
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function readText(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}
