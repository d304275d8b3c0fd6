import { KubeApi } from '../../../../src-renderer/kube/index.js';
import type { KubeObject } from '../../../../src-renderer/kube/index.js';

/**
 * A scripted API server for informer tests: a `fetch` that answers lists from an in-memory
 * collection (with `limit`/`continue`) and hands each watch to the test, which writes its
 * events, ends it, or breaks it. Nothing is sent unless the test says so, so every relist,
 * reconnect and 410 happens exactly when the test makes it happen.
 */
export class FakeKube {
  readonly objects = new Map<string, KubeObject>();
  /** The collection's resourceVersion, as a list would report it. */
  revision = 10;
  readonly requests: URL[] = [];
  readonly watches: FakeWatch[] = [];
  /** Answers the next watch requests instead of opening a stream (e.g. a 410 or 503), first in first out. */
  readonly watchRefusals: Response[] = [];
  /** Answers the next list requests instead of the collection. */
  readonly listRefusals: Response[] = [];
  private uid = 0;

  readonly fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    this.requests.push(url);
    init.signal?.throwIfAborted();
    if (url.searchParams.get('watch')) {
      const refusal = this.watchRefusals.shift();
      if (refusal) return refusal;
      const watch = new FakeWatch(url, init.signal ?? undefined);
      this.watches.push(watch);
      this.onWatch?.(watch);
      return watch.response;
    }
    const refusal = this.listRefusals.shift();
    if (refusal) return refusal;
    return this.list(url, new Headers(init.headers).get('accept') ?? '');
  }) as typeof fetch;

  /** Called for each watch opened. */
  onWatch: ((watch: FakeWatch) => void) | undefined;

  api(): KubeApi {
    return new KubeApi({ baseUrl: 'https://kube.test', fetch: this.fetch });
  }

  /** Put an object in the collection (a new uid unless given), bumping the revision. */
  put(name: string, fields: Partial<KubeObject['metadata']> = {}): KubeObject {
    const existing = this.objects.get(name);
    // Objects are keyed by name alone: tests use names unique across namespaces.
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: 'default',
        uid: existing?.metadata.uid ?? `uid-${name}-${++this.uid}`,
        ...fields,
        resourceVersion: String(++this.revision),
      },
    };
    this.objects.set(name, object);
    return object;
  }

  /** Remove an object, bumping the revision; returns it as a DELETED event would carry it. */
  remove(name: string): KubeObject {
    const object = this.objects.get(name);
    if (!object) throw new Error(`no ${name}`);
    this.objects.delete(name);
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.revision) } };
  }

  /** The latest open watch. */
  get watch(): FakeWatch {
    const watch = this.watches.at(-1);
    if (!watch) throw new Error('no watch is open');
    return watch;
  }

  private list(url: URL, accept: string): Response {
    const namespace = /\/namespaces\/([^/]+)\//.exec(url.pathname)?.[1];
    const all = [...this.objects.values()].filter((o) => !namespace || o.metadata.namespace === namespace);
    const limit = Number(url.searchParams.get('limit') ?? 0) || all.length;
    const offset = Number(url.searchParams.get('continue') ?? 0);
    const items = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? String(offset + limit) : undefined;
    const metadata = { resourceVersion: String(this.revision), ...(next ? { continue: next } : {}) };
    if (accept.includes('as=Table')) {
      return json(200, {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        metadata,
        columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', description: '', priority: 0 }],
        rows: items.map((o) => ({
          cells: [o.metadata.name],
          object: { kind: 'PartialObjectMetadata', metadata: o.metadata },
        })),
      });
    }
    return json(200, {
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.revision), ...(next ? { continue: next } : {}) },
      items: structuredClone(items),
    });
  }
}

/** One open watch: the test writes its events. */
export class FakeWatch {
  readonly response: Response;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly encoder = new TextEncoder();
  closed = false;

  constructor(
    readonly url: URL,
    signal: AbortSignal | undefined,
  ) {
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        this.closed = true;
      },
    });
    signal?.addEventListener('abort', () => this.break(new DOMException('aborted', 'AbortError')));
    this.response = new Response(stream, { status: 200, headers: { 'Content-Type': 'application/json' } });
  }

  get resourceVersion(): string | null {
    return this.url.searchParams.get('resourceVersion');
  }

  /** Send events, all in one chunk. */
  send(...events: { type: string; object: unknown }[]): void {
    this.controller.enqueue(this.encoder.encode(events.map((e) => `${JSON.stringify(e)}\n`).join('')));
  }

  added(object: KubeObject): void {
    this.send({ type: 'ADDED', object });
  }

  modified(object: KubeObject): void {
    this.send({ type: 'MODIFIED', object });
  }

  deleted(object: KubeObject): void {
    this.send({ type: 'DELETED', object });
  }

  bookmark(resourceVersion: string): void {
    this.send({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion } } });
  }

  /** The server's 410 as a watch ERROR event (kube-apiserver's "too old resource version"). */
  expired(): void {
    this.send({
      type: 'ERROR',
      object: {
        kind: 'Status',
        status: 'Failure',
        code: 410,
        reason: 'Expired',
        message: 'too old resource version',
      },
    });
    this.end();
  }

  /** End the watch as the server does at its timeout. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.close();
  }

  /** Break the connection mid-stream. */
  break(error: unknown = new TypeError('terminated: other side closed')): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.error(error);
  }
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function status(code: number, reason: string, message: string): Response {
  return json(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
}

/**
 * Wait until `condition` holds, yielding to I/O and promise callbacks between checks with
 * `setImmediate`, which the informer tests leave real when they fake `setTimeout` and `Date`.
 */
export async function until(condition: () => boolean, what = 'condition', tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`${what}: not met`);
}
