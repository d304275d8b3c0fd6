import type { KubeApi } from './api-client.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { ChangeBatch, type InformerChange } from './change-batch.js';
import { animationFrameScheduler, type FlushScheduler } from './flush-scheduler.js';
import { apiVersionOf, resourcePath, type ResourceType } from './resource-type.js';
import { isAbortError, networkError, StatusError } from './status-error.js';
import type { KubeList, KubeObject, ObjectMeta, Table, TableColumn, TableRow, WatchEvent } from './types.js';
import { openWatch } from './watch-stream.js';

/**
 * An informer: the renderer's live copy of one collection (a resource type in one namespace or
 * all, optionally filtered by selectors), kept as a `Map` keyed by uid. Like client-go's
 * reflector (https://github.com/kubernetes/client-go/blob/master/tools/cache/reflector.go) it
 * lists in pages, watches from the list's resourceVersion with bookmarks, relists when the
 * server answers 410 Expired and reconciles the map with the result, and after a dropped
 * connection watches again from the last resourceVersion it saw, with jittered backoff.
 *
 * Guarantees:
 * - ordering: events are applied to the map in the order the server sent them;
 * - nothing missed: after a reconnect the watch resumes at the last version seen, and after a
 *   410 the relist adds, updates and deletes whatever changed while the informer was away;
 * - batching: subscribers hear at most once per flush window (an animation frame by default),
 *   with the keys that changed since their last callback; the map is always current.
 *
 * In `table` mode items are the server's Table rows (`kubectl get`'s cells, and each row's
 * metadata via `includeObject=Metadata`), and `columns` keeps the list's column definitions.
 */
export type InformerMode = 'object' | 'table';

export type InformerPhase = 'listing' | 'watching' | 'reconnecting' | 'disconnected' | 'stopped';

export interface InformerState {
  /**
   * `listing` (first list, or a relist after 410), `watching` (live), `disconnected` (the
   * connection failed: `error` says why, `retryAt` when the next try is due), `reconnecting`
   * (that try is under way), `stopped` (not started, or stopped).
   */
  phase: InformerPhase;
  /** Whether a full list has arrived, so the map is complete (if perhaps stale while disconnected). */
  synced: boolean;
  error?: StatusError | undefined;
  /** When the next attempt is due, ms since the epoch. */
  retryAt?: number | undefined;
  /** Failed attempts in a row. */
  attempts: number;
}

export interface InformerOptions {
  api: KubeApi;
  type: ResourceType;
  /** A namespace, or undefined for all namespaces (and for cluster-scoped types). */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  mode?: InformerMode;
  /** Items per list page (default 500), so a large collection arrives, and renders, in pieces. */
  pageSize?: number;
  /** Seconds the server may keep each watch open; default 5–10 min, random like client-go's. */
  watchTimeoutSeconds?: () => number;
  backoff?: BackoffOptions;
  scheduleFlush?: FlushScheduler;
  now?: () => number;
}

export type InformerItem<M extends InformerMode> = M extends 'table' ? TableRow : KubeObject;

/** A watch that ends on its own this soon, having said nothing, counts as a failure (no tight loop). */
const MIN_HEALTHY_WATCH_MS = 1000;

export class Informer<M extends InformerMode = 'object'> {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly mode: InformerMode;
  /** The live map, keyed by uid; read it, never change it. */
  readonly items = new Map<string, InformerItem<M>>();
  /** Table mode: the columns of the last list. */
  columns: TableColumn[] = [];
  /** The version the next watch starts from: the list's, then each event's and bookmark's. */
  resourceVersion: string | undefined;
  state: InformerState = { phase: 'stopped', synced: false, attempts: 0 };

  private readonly options: InformerOptions;
  private readonly backoff: Backoff;
  private readonly batch = new ChangeBatch();
  private readonly changeListeners = new Set<(change: InformerChange) => void>();
  private readonly stateListeners = new Set<(state: InformerState) => void>();
  private cancelFlush: (() => void) | undefined;
  private flushScheduled = false;
  private controller: AbortController | undefined;

  constructor(options: InformerOptions) {
    this.options = options;
    this.type = options.type;
    this.namespace = options.type.namespaced ? options.namespace : undefined;
    this.mode = options.mode ?? 'object';
    this.backoff = new Backoff(options.backoff);
  }

  /** Call `listener` with each batch of changes; returns the unsubscribe function. */
  onChange(listener: (change: InformerChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Call `listener` on every state change (not batched: they are few, and a banner should not wait). */
  onStateChange(listener: (state: InformerState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Start listing and watching; does nothing if already running. */
  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    void this.run(controller.signal);
  }

  /** Stop watching and drop pending notifications; the map keeps its last contents. */
  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.flushScheduled = false;
    this.batch.take();
    this.setState({ phase: 'stopped', retryAt: undefined });
  }

  /** The loop: list, watch until it fails, and recover as the failure asks. */
  private async run(signal: AbortSignal): Promise<void> {
    let mustList = true;
    let expiredInARow = 0;
    while (!signal.aborted) {
      let heard = false;
      const started = this.now();
      try {
        if (mustList) {
          this.setState({ phase: 'listing' });
          await this.list(signal);
          mustList = false;
        }
        const events = await openWatch<KubeObject | Table>(this.options.api, this.type, {
          resourceVersion: this.resourceVersion ?? '',
          namespace: this.namespace,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
          timeoutSeconds: this.options.watchTimeoutSeconds?.() ?? Math.round(300 * (1 + Math.random())),
          table: this.mode === 'table',
          signal,
        });
        this.backoff.reset();
        this.setState({ phase: 'watching', error: undefined, retryAt: undefined, attempts: 0 });
        for await (const event of events) {
          heard = true;
          expiredInARow = 0;
          this.apply(event);
        }
        if (signal.aborted) return;
        // The server ended the watch (its timeout): watch again at once, unless it did so instantly.
        if (!heard && this.now() - started < MIN_HEALTHY_WATCH_MS) {
          throw new StatusError({
            kind: 'Status',
            code: 0,
            reason: 'WatchClosed',
            message: `watch ${this.type.resource}: the server closed the watch at once`,
          });
        }
      } catch (error) {
        if (signal.aborted || isAbortError(error)) return;
        const failure =
          error instanceof StatusError ? error : networkError(error, `watch ${this.type.resource}`);
        if (failure.isExpired && expiredInARow++ === 0) {
          // The version is compacted away: only a fresh list can say what happened meanwhile.
          mustList = true;
          continue;
        }
        if (failure.isExpired) mustList = true;
        await this.waitToRetry(failure, signal);
      }
    }
  }

  private async waitToRetry(error: StatusError, signal: AbortSignal): Promise<void> {
    const delay = this.backoff.next();
    this.setState({
      phase: 'disconnected',
      error,
      retryAt: this.now() + delay,
      attempts: this.backoff.attempts,
    });
    await sleep(delay, signal);
    if (!signal.aborted) this.setState({ phase: 'reconnecting' });
  }

  /**
   * List every page into the map, then delete what the list no longer has. Pages are applied
   * as they arrive, so a first list of 10,000 objects shows its first 500 at once.
   */
  private async list(signal: AbortSignal): Promise<void> {
    const limit = this.options.pageSize ?? 500;
    let seen = new Set<string>();
    let next: string | undefined;
    let version: string | undefined;
    let restarted = false;
    for (;;) {
      let page: { items: InformerItem<M>[]; metadata: KubeList['metadata']; columns?: TableColumn[] };
      try {
        page = await this.fetchPage(limit, next, signal);
      } catch (error) {
        // The continue token outlived the snapshot it pointed into: list again from the start.
        if (next && !restarted && error instanceof StatusError && error.isExpired) {
          restarted = true;
          next = undefined;
          seen = new Set();
          continue;
        }
        throw error;
      }
      signal.throwIfAborted();
      if (page.columns && (next === undefined || this.columns.length === 0)) this.columns = page.columns;
      for (const item of page.items) {
        const key = keyOf(item);
        seen.add(key);
        this.upsert(key, item);
      }
      next = page.metadata.continue || undefined;
      version = page.metadata.resourceVersion;
      this.scheduleFlush();
      if (!next) break;
    }
    for (const key of [...this.items.keys()]) {
      if (!seen.has(key)) this.remove(key);
    }
    this.resourceVersion = version;
    this.setState({ synced: true });
    this.scheduleFlush();
  }

  private async fetchPage(limit: number, next: string | undefined, signal: AbortSignal) {
    const query = {
      limit,
      continue: next,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      signal,
    };
    if (this.mode === 'table') {
      const table = await this.options.api.table(
        resourcePath(this.type, { namespace: this.namespace }),
        query,
      );
      return {
        items: (table.rows ?? []) as InformerItem<M>[],
        metadata: table.metadata ?? {},
        columns: table.columnDefinitions,
      };
    }
    const list = await this.options.api.list(this.type, { ...query, namespace: this.namespace });
    const apiVersion = apiVersionOf(this.type);
    // List items may come without apiVersion and kind; views and the YAML editor want them.
    for (const item of list.items) {
      item.apiVersion ??= apiVersion;
      item.kind ??= this.type.kind;
    }
    return { items: list.items as InformerItem<M>[], metadata: list.metadata ?? {} };
  }

  /** Apply one watch event to the map, in order. */
  private apply(event: WatchEvent<KubeObject | Table>): void {
    if (event.type === 'ERROR') {
      throw new StatusError({ ...event.object, kind: 'Status' });
    }
    if (event.type === 'BOOKMARK') {
      this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion;
      return;
    }
    const items = this.itemsOf(event.object);
    for (const item of items) {
      const key = keyOf(item);
      if (event.type === 'DELETED') this.remove(key);
      else this.upsert(key, item);
    }
    const version = items.length
      ? versionOf(items[items.length - 1]!)
      : event.object.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    this.scheduleFlush();
  }

  private itemsOf(object: KubeObject | Table): InformerItem<M>[] {
    if (this.mode !== 'table') {
      const item = object as KubeObject;
      item.apiVersion ??= apiVersionOf(this.type);
      item.kind ??= this.type.kind;
      return [item as InformerItem<M>];
    }
    const table = object as Table;
    if (this.columns.length === 0 && table.columnDefinitions?.length) this.columns = table.columnDefinitions;
    return (table.rows ?? []) as InformerItem<M>[];
  }

  private upsert(key: string, item: InformerItem<M>): void {
    const before = this.items.get(key);
    this.items.set(key, item);
    if (!before) this.batch.record(key, 'added');
    else if (versionOf(before) !== versionOf(item) || !versionOf(item)) this.batch.record(key, 'updated');
  }

  private remove(key: string): void {
    if (this.items.delete(key)) this.batch.record(key, 'deleted');
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.batch.size === 0) return;
    this.flushScheduled = true;
    const schedule = this.options.scheduleFlush ?? animationFrameScheduler;
    // A scheduler may run the flush before it returns (tests do): only keep a cancel for a pending one.
    const cancel = schedule(() => {
      this.flushScheduled = false;
      this.cancelFlush = undefined;
      if (this.batch.size === 0) return;
      const change = this.batch.take();
      for (const listener of [...this.changeListeners]) listener(change);
    });
    if (this.flushScheduled) this.cancelFlush = cancel;
  }

  private setState(changes: Partial<InformerState>): void {
    this.state = { ...this.state, ...changes };
    for (const listener of [...this.stateListeners]) listener(this.state);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** The key of an object or Table row: its uid, else namespace/name. */
export function keyOf(item: KubeObject | TableRow): string {
  const metadata = metadataOf(item);
  return metadata.uid || `${metadata.namespace ?? ''}/${metadata.name ?? ''}`;
}

function versionOf(item: KubeObject | TableRow): string | undefined {
  return metadataOf(item).resourceVersion;
}

/** An object's metadata, or a Table row's (from `includeObject=Metadata`). */
export function metadataOf(item: KubeObject | TableRow): ObjectMeta {
  const metadata = Array.isArray(item.cells)
    ? (item as TableRow).object?.metadata
    : (item as KubeObject).metadata;
  return metadata ?? {};
}

/** Resolve after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      globalThis.clearTimeout(id);
      resolve();
    };
    const id = globalThis.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
