import { systemClock, type Clock, type Timer } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { Indexer, objectKey } from './indexer.js';
import type { ResourceClient } from './kube-client.js';
import type { KubeObjectLike } from './resources.js';
import { isStatus } from './status-errors.js';

/** What an informer tells its listeners. Handlers should only enqueue work: they run inline. */
export interface InformerHandler<T> {
  added?(object: T): void;
  /** Also called on resync, with `old === object`. */
  updated?(old: T, object: T): void;
  deleted?(object: T): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replay every cached object as an update this often (0: never, the default). */
  resyncMs?: number;
  clock?: Clock;
  logger?: Logger;
}

const MIN_BACKOFF_MS = 800;
const MAX_BACKOFF_MS = 30_000;

/**
 * A shared informer, as client-go's: it lists a resource, then watches from the list's
 * resourceVersion with bookmarks, keeping {@link store} current and telling handlers what changed.
 * A watch the server ends is resumed from the last version seen; a 410 Expired (the version was
 * compacted away) makes it list again and report the difference; other failures retry with
 * backoff (0.8 s doubling to 30 s).
 */
export class Informer<T extends KubeObjectLike> {
  readonly store = new Indexer<T>();
  private readonly handlers: InformerHandler<T>[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private abort: AbortController | undefined;
  private syncedResolve!: () => void;
  private readonly syncedPromise = new Promise<void>((resolve) => (this.syncedResolve = resolve));
  private resyncTimer: Timer | undefined;
  private running = false;
  /** The last resourceVersion seen: where a resumed watch starts. */
  lastResourceVersion = '';
  hasSynced = false;

  constructor(
    private readonly client: ResourceClient<T>,
    private readonly options: InformerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** Add a handler; once synced, it first hears every cached object as added. */
  addHandler(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
    if (this.hasSynced) for (const object of this.store.list()) this.call(handler, 'added', object);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    void this.run(this.abort.signal);
    this.scheduleResync();
  }

  stop(): void {
    this.running = false;
    this.abort?.abort();
    if (this.resyncTimer) this.clock.clearTimeout(this.resyncTimer);
  }

  /** Resolves once the first list is in the store. */
  synced(): Promise<void> {
    return this.syncedPromise;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list();
          needList = false;
        }
        await this.watch(signal);
        backoff = MIN_BACKOFF_MS;
      } catch (error) {
        if (signal.aborted) return;
        if (isStatus(error, 'Expired') || isStatus(error, 'Gone')) {
          this.logger.info('watch expired; listing again', { resource: this.client.ref.resource });
          needList = true;
          continue;
        }
        this.logger.warn('list/watch failed; retrying', {
          resource: this.client.ref.resource,
          error: String(error),
          retryInMs: backoff,
        });
        await this.sleep(backoff * (1 + Math.random() * 0.2), signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        // A watch error other than Expired resumes from the last version, as the reflector does;
        // a list error lists again.
        if (!this.hasSynced) needList = true;
      }
    }
  }

  private async list(): Promise<void> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    const list = await this.client.list({
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    });
    const seen = new Set<string>();
    for (const item of list.items) {
      const object = this.typed(item);
      const key = objectKey(object);
      seen.add(key);
      const old = this.store.upsert(object);
      if (!old) this.emit('added', object);
      else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion)
        this.emit('updated', object, old);
    }
    for (const key of this.store.keys()) {
      if (!seen.has(key)) {
        const old = this.store.remove(key)!;
        this.emit('deleted', old);
      }
    }
    this.lastResourceVersion = list.metadata.resourceVersion ?? '';
    if (!this.hasSynced) {
      this.hasSynced = true;
      this.syncedResolve();
    }
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    const events = this.client.watch({
      resourceVersion: this.lastResourceVersion,
      allowWatchBookmarks: true,
      // Spread reconnects, as the reflector does (5–10 minutes).
      timeoutSeconds: Math.floor(300 + Math.random() * 300),
      signal,
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    });
    for await (const event of events) {
      const object = this.typed(event.object);
      const version = object.metadata?.resourceVersion;
      if (event.type === 'BOOKMARK') {
        if (version) this.lastResourceVersion = version;
        continue;
      }
      if (event.type === 'DELETED') {
        const old = this.store.remove(objectKey(object));
        this.emit('deleted', object, old);
      } else {
        const old = this.store.upsert(object);
        if (old) this.emit('updated', object, old);
        else this.emit('added', object);
      }
      if (version) this.lastResourceVersion = version;
    }
  }

  /** Objects of a list carry no kind; handlers and event recorders want it. */
  private typed(object: T): T {
    if (object.kind && object.apiVersion) return object;
    const { group, version, kind } = this.client.ref;
    return { ...object, kind, apiVersion: group ? `${group}/${version}` : version };
  }

  private emit(type: 'added' | 'updated' | 'deleted', object: T, old?: T): void {
    for (const handler of this.handlers) this.call(handler, type, object, old);
  }

  private call(handler: InformerHandler<T>, type: 'added' | 'updated' | 'deleted', object: T, old?: T): void {
    try {
      if (type === 'added') handler.added?.(object);
      else if (type === 'updated') handler.updated?.(old ?? object, object);
      else handler.deleted?.(object);
    } catch (error) {
      this.logger.error('informer handler failed', {
        resource: this.client.ref.resource,
        error: String(error),
      });
    }
  }

  private scheduleResync(): void {
    const every = this.options.resyncMs ?? 0;
    if (every <= 0 || !this.running) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.hasSynced) for (const object of this.store.list()) this.emit('updated', object, object);
      this.scheduleResync();
    }, every);
    this.resyncTimer.unref?.();
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(resolve, ms);
      timer.unref?.();
      signal.addEventListener(
        'abort',
        () => {
          this.clock.clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
