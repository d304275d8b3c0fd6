import {
  CompactedError,
  StoreError,
  WatchCancelledError,
  type KeyValue,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from '../store.js';
import type { Change } from './key-history.js';
import { inRange } from './txn.js';

/** What watchers read from: the revision log up to the durable revision. */
export interface WatchSource {
  durableRevision(): number;
  compactRevision(): number;
  changesAt(revision: number): readonly Change[] | undefined;
}

export interface WatchHubOptions {
  /**
   * Events a caught-up watcher may hold unread before it is cancelled, so
   * that a consumer that stopped reading costs bounded memory and never
   * slows writers.
   */
  maxPendingEvents: number;
  /** A catching-up watcher hands out at most about this many events per batch. */
  batchEvents: number;
}

const EMPTY = new Uint8Array(0);
/** How many of the newest revisions keep their events built. */
const RECENT_REVISIONS = 256;

function toEvent(change: Change, withPrev: boolean): WatchEvent {
  const kv: KeyValue = change.kv ?? {
    key: change.key,
    value: EMPTY,
    createRevision: 0,
    modRevision: change.revision,
    version: 0,
    lease: 0,
  };
  const event: WatchEvent = { type: change.kv ? 'put' : 'delete', kv };
  if (withPrev && change.prev) event.prevKv = change.prev;
  return event;
}

/**
 * Fans durable changes out to watchers. Each watcher keeps a cursor into the
 * revision log instead of a copy of it: a watcher catching up from an old
 * revision reads the log as it is consumed (like etcd's unsynced watchers),
 * and only a caught-up watcher buffers new events, up to a limit.
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  /**
   * Events of the newest revisions, built once and shared by every watcher
   * that reads them: fan-out to a hundred watchers then allocates batches,
   * not a hundred copies of each event (garbage that shows up as GC pauses
   * in delivery latency).
   */
  private readonly recent = new Map<number, { plain?: WatchEvent[]; withPrev?: WatchEvent[] }>();

  constructor(
    private readonly source: WatchSource,
    private readonly options: WatchHubOptions,
  ) {}

  watch(key: string, options: WatchOptions = {}): Watch {
    if (key.length === 0) throw new StoreError('InvalidArgument', 'key is not provided');
    const from =
      options.fromRevision && options.fromRevision > 0
        ? options.fromRevision
        : this.source.durableRevision() + 1;
    const watcher = new Watcher(this, key, options.end, options.prevKv ?? false, from);
    this.watchers.add(watcher);
    return watcher;
  }

  /** The durable revision moved on from `previous`. */
  notify(previous: number): void {
    const oldest = this.source.durableRevision() - RECENT_REVISIONS;
    for (const revision of this.recent.keys()) {
      if (revision >= oldest) break;
      this.recent.delete(revision);
    }
    for (const watcher of this.watchers) watcher.onDurable(previous);
  }

  /** The events of one revision, with or without previous values; undefined once compacted. */
  eventsAt(revision: number, withPrev: boolean): readonly WatchEvent[] | undefined {
    const cacheable = revision > this.source.durableRevision() - RECENT_REVISIONS;
    let entry = cacheable ? this.recent.get(revision) : undefined;
    const cached = withPrev ? entry?.withPrev : entry?.plain;
    if (cached) return cached;
    const changes = this.source.changesAt(revision);
    if (!changes) return undefined;
    const events = changes.map((change) => toEvent(change, withPrev));
    if (cacheable) {
      if (!entry) this.recent.set(revision, (entry = {}));
      if (withPrev) entry.withPrev = events;
      else entry.plain = events;
    }
    return events;
  }

  /** History below `revision` is gone: watchers still behind it cannot continue. */
  compacted(revision: number): void {
    for (const watcher of this.watchers) watcher.onCompacted(revision);
  }

  /** Fail every watch with `error` (the store is closing). */
  failAll(error: StoreError): void {
    for (const watcher of [...this.watchers]) watcher.onClosed(error);
  }

  get size(): number {
    return this.watchers.size;
  }

  /** @internal */ get src(): WatchSource {
    return this.source;
  }
  /** @internal */ get opts(): WatchHubOptions {
    return this.options;
  }
  /** @internal */ forget(watcher: Watcher): void {
    this.watchers.delete(watcher);
  }
}

class Watcher implements Watch, AsyncIterator<WatchEvent[]> {
  private buffer: WatchEvent[] = [];
  private failure: Error | undefined;
  private done = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly hub: WatchHub,
    private readonly key: string,
    private readonly end: string | undefined,
    private readonly withPrev: boolean,
    /** The next revision to look at. */
    private nextRevision: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
    return this;
  }

  async next(): Promise<IteratorResult<WatchEvent[]>> {
    for (;;) {
      if (this.failure) {
        const failure = this.failure;
        this.failure = undefined;
        this.finish();
        throw failure;
      }
      if (this.done) return { done: true, value: undefined };
      if (this.buffer.length === 0) this.scan(this.hub.opts.batchEvents);
      if (this.failure) continue;
      if (this.buffer.length > 0) {
        const batch = this.buffer;
        this.buffer = [];
        return { done: false, value: batch };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<WatchEvent[]>> {
    this.cancel();
    return { done: true, value: undefined };
  }

  cancel(): void {
    this.finish();
    this.wake?.();
  }

  onDurable(previous: number): void {
    if (this.done || this.failure) return;
    if (this.wake) {
      this.wake();
      return;
    }
    // Only a caught-up watcher reads ahead of its consumer; one that is
    // still catching up is advanced by its consumer alone.
    if (this.nextRevision !== previous + 1) return;
    this.scan(Infinity);
    if (this.buffer.length > this.hub.opts.maxPendingEvents) {
      const resumeFrom = this.buffer[0]!.kv.modRevision;
      this.buffer = [];
      this.fail(
        new WatchCancelledError(
          `watch on ${this.describe()} cancelled: its consumer fell behind by more than ` +
            `${this.hub.opts.maxPendingEvents} unread events; resume from revision ${resumeFrom}`,
          resumeFrom,
        ),
      );
    }
  }

  onClosed(error: StoreError): void {
    if (this.done || this.failure) return;
    this.buffer = [];
    this.fail(error);
  }

  onCompacted(revision: number): void {
    if (this.done || this.failure || this.nextRevision >= revision) return;
    this.buffer = [];
    this.fail(new CompactedError(revision));
  }

  /** Move matching changes from the log into the buffer, whole revisions at a time. */
  private scan(budget: number): void {
    const source = this.hub.src;
    if (this.nextRevision < source.compactRevision()) {
      this.fail(new CompactedError(source.compactRevision()));
      return;
    }
    const upTo = source.durableRevision();
    let added = 0;
    while (this.nextRevision <= upTo && added < budget) {
      for (const event of this.hub.eventsAt(this.nextRevision, this.withPrev) ?? []) {
        if (!inRange(event.kv.key, this.key, this.end)) continue;
        this.buffer.push(event);
        added++;
      }
      this.nextRevision++;
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    this.wake?.();
  }

  private finish(): void {
    this.done = true;
    this.buffer = [];
    this.hub.forget(this);
  }

  private describe(): string {
    return this.end === undefined ? this.key : `[${this.key}, ${this.end})`;
  }
}
