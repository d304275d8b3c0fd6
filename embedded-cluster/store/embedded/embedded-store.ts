import { mkdir, rm } from 'node:fs/promises';
import { systemClock, type Clock } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import {
  CompactedError,
  StoreError,
  type DeleteOptions,
  type DeleteResult,
  type LeaseGrant,
  type Op,
  type PutOptions,
  type PutResult,
  type RangeOptions,
  type RangeResult,
  type Store,
  type StoreStatus,
  type TxnRequest,
  type TxnResult,
  type Watch,
  type WatchOptions,
} from '../store.js';
import { AutoCompactor, type AutoCompactionOptions } from './auto-compactor.js';
import { DirLock } from './dir-lock.js';
import { LeaseTable } from './lease-table.js';
import type { MvccIndex, RevisionWriter } from './mvcc-index.js';
import { compareHolds, executeOps, validateTxn, validateValue } from './txn.js';
import { encodeCompact, encodeLease, encodeTxn } from './wal/codec.js';
import { recover } from './wal/recovery.js';
import { listSequence, segmentPath, snapDir, walDir } from './wal/segment-files.js';
import { removeSnapshot, writeSnapshot, type SnapshotData } from './wal/snapshot.js';
import { WriteAheadLog, type SegmentFile } from './wal/write-ahead-log.js';
import { WatchHub } from './watch-hub.js';

export interface EmbeddedStoreConfig {
  dataDir: string;
  /** fdatasync every commit before acknowledging it (default true). */
  fsync?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Take a snapshot and start a new log segment after this many log bytes (default 64 MiB). */
  snapshotEveryBytes?: number;
  /** Automatic compaction; `false` turns it off. */
  autoCompaction?: AutoCompactionOptions | false;
  /** See {@link WatchHubOptions.maxPendingEvents} (default 10,000). */
  maxPendingWatchEvents?: number;
  /** Test hook: replaces how log segments are opened, to inject I/O failures. */
  openSegmentFile?: (path: string) => Promise<SegmentFile>;
}

export interface EmbeddedStoreStats extends StoreStatus {
  durableRevision: number;
  indexedKeys: number;
  retainedChanges: number;
  logRevisions: number;
  watchers: number;
  leases: number;
  segment: number;
}

/**
 * The embedded backend: an in-memory MVCC index made durable by a
 * write-ahead log with group commit, periodic snapshots and crash recovery.
 *
 * Reads never see a write before it is durable: a write enters the index at
 * once (so later transactions compare against it), but reads are served at
 * the durable revision and watchers only get durable revisions.
 */
export class EmbeddedStore implements Store {
  private durableRevision: number;
  private readonly hub: WatchHub;
  private readonly leases: LeaseTable;
  private readonly compactor: AutoCompactor | undefined;
  private readonly durableWaiters: { revision: number; resolve: () => void; reject: (e: Error) => void }[] =
    [];
  private notifyScheduled = false;
  private notifiedRevision: number;
  private snapshotting: Promise<void> | undefined;
  private closed = false;
  private wal!: WriteAheadLog;

  private constructor(
    private readonly config: EmbeddedStoreConfig,
    private readonly index: MvccIndex,
    private readonly lock: DirLock,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.durableRevision = index.revision;
    this.notifiedRevision = index.revision;
    this.hub = new WatchHub(
      {
        durableRevision: () => this.durableRevision,
        compactRevision: () => index.compactRevision,
        changesAt: (revision) => index.changesAt(revision),
      },
      { maxPendingEvents: config.maxPendingWatchEvents ?? 10_000, batchEvents: 1000 },
    );
    this.leases = new LeaseTable(clock, (id) => this.expire(id));
    this.compactor =
      config.autoCompaction === false
        ? undefined
        : new AutoCompactor(clock, config.autoCompaction ?? {}, {
            revision: () => this.durableRevision,
            compactRevision: () => this.index.compactRevision,
            compact: (revision) => this.compact(revision),
            logger,
          });
  }

  static async open(config: EmbeddedStoreConfig): Promise<EmbeddedStore> {
    await mkdir(config.dataDir, { recursive: true });
    const lock = await DirLock.acquire(config.dataDir);
    try {
      const logger = config.logger ?? silentLogger;
      const recovered = await recover(config.dataDir);
      if (recovered.truncatedTail) {
        logger.warn(
          'cut off a torn final log record (a write that was never acknowledged)',
          recovered.truncatedTail,
        );
      }
      const store = new EmbeddedStore(config, recovered.index, lock, config.clock ?? systemClock, logger);
      for (const [id, ttl] of recovered.leases) store.leases.activate(id, ttl);
      for (const kv of recovered.index.currentValues()) if (kv.lease) store.leases.attach(kv.lease, kv.key);
      store.wal = await WriteAheadLog.open(config.dataDir, recovered.segment, recovered.segmentSize, {
        fsync: config.fsync ?? true,
        onWriteFailed: () => store.rollback(),
        ...(config.openSegmentFile ? { openFile: config.openSegmentFile } : {}),
      });
      store.compactor?.start();
      logger.info('store opened', { revision: store.durableRevision, snapshot: recovered.snapshot });
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  async range(key: string, options: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    const revision = this.readRevision(options.revision);
    return { ...this.index.range({ ...options, key, revision }), revision: this.durableRevision };
  }

  async put(key: string, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    validateValue(key, value);
    const lease = options.lease ?? 0;
    const { revision, result } = await this.write((w) => {
      if (lease) this.leases.live(lease);
      return w.put(key, value, lease);
    });
    return options.prevKv && result ? { revision, prevKv: result } : { revision };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    if (key.length === 0) throw new StoreError('InvalidArgument', 'key is not provided');
    const { revision, result } = await this.write((w) => {
      const prevKvs = w.keysIn(key, options.end);
      for (const kv of prevKvs) w.delete(kv.key);
      return prevKvs;
    });
    return { revision, deleted: result.length, prevKvs: options.prevKv ? result : [] };
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    validateTxn(request);
    const { revision, result } = await this.write((w) => {
      const succeeded = (request.compare ?? []).every((c) => compareHolds(c, w.get(c.key)));
      const ops = (succeeded ? request.success : request.failure) ?? [];
      for (const op of ops) if (op.op === 'put' && op.lease) this.leases.live(op.lease);
      return { succeeded, results: executeOps(w, ops, (op) => this.rangeInTxn(op)) };
    });
    for (const r of result.results) if (r.op === 'range') r.revision = revision;
    return { succeeded: result.succeeded, revision, results: result.results };
  }

  watch(key: string, options: WatchOptions = {}): Watch {
    this.assertOpen();
    return this.hub.watch(key, options);
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.index.revision) {
      throw new StoreError('FutureRevision', `required revision ${revision} is a future revision`);
    }
    if (revision <= this.index.compactRevision) throw new CompactedError(this.index.compactRevision);
    this.wal.assertWritable();
    await this.wal.append(encodeCompact(revision), () => {
      this.index.compact(revision);
      this.hub.compacted(revision);
    });
  }

  async leaseGrant(ttl: number, id = 0): Promise<LeaseGrant> {
    this.assertOpen();
    this.wal.assertWritable();
    const granted = this.leases.reserve(ttl, id);
    await this.wal.append(encodeLease(granted, ttl), () => this.leases.activate(granted, ttl));
    return { id: granted, ttl };
  }

  async leaseRevoke(id: number): Promise<void> {
    this.assertOpen();
    this.wal.assertWritable();
    const keys = this.leases.startRevoke(id);
    await this.write(
      (w) => {
        for (const key of keys) if (w.get(key)?.lease === id) w.delete(key);
      },
      { revokedLease: id },
    );
  }

  async leaseKeepAlive(id: number): Promise<number> {
    this.assertOpen();
    return this.leases.keepAlive(id);
  }

  async leaseTimeToLive(id: number): Promise<number> {
    this.assertOpen();
    return this.leases.timeToLive(id);
  }

  async status(): Promise<StoreStatus> {
    this.assertOpen();
    return {
      revision: this.durableRevision,
      compactRevision: this.index.compactRevision,
      keys: this.index.stats().liveKeys,
    };
  }

  /** Internal numbers, for tests, benchmarks and the dashboard's internals view. */
  stats(): EmbeddedStoreStats {
    const { liveKeys, ...index } = this.index.stats();
    return {
      revision: this.durableRevision,
      compactRevision: this.index.compactRevision,
      keys: liveKeys,
      durableRevision: this.durableRevision,
      ...index,
      watchers: this.hub.size,
      leases: this.leases.size,
      segment: this.wal.segment,
    };
  }

  /** Take a snapshot now and drop the log segments it covers. */
  snapshot(): Promise<void> {
    this.snapshotting ??= this.takeSnapshot().finally(() => (this.snapshotting = undefined));
    return this.snapshotting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.compactor?.stop();
    this.leases.stopAll();
    this.hub.failAll(new StoreError('Closed', 'the store is closed'));
    await this.snapshotting?.catch(() => undefined);
    await this.wal.close();
    await this.lock.release();
  }

  /**
   * Run one transaction: `build` reads and changes the index through a
   * writer; the result is returned once durable. A transaction that changed
   * nothing still waits until what it read is durable.
   */
  private async write<T>(
    build: (writer: RevisionWriter) => T,
    options: { revokedLease?: number } = {},
  ): Promise<{ revision: number; result: T }> {
    this.assertOpen();
    this.wal.assertWritable();
    const writer = this.index.begin();
    let result: T;
    try {
      result = build(writer);
    } catch (error) {
      if (options.revokedLease) this.leases.abortRevoke(options.revokedLease);
      throw error;
    }
    if (!writer.changed && !options.revokedLease) {
      const revision = this.index.revision;
      await this.untilDurable(revision);
      return { revision, result };
    }
    const revision = writer.commit();
    for (const change of writer.changeList)
      if (change.kv?.lease) this.leases.attach(change.kv.lease, change.key);
    const revoked = options.revokedLease ?? 0;
    await this.wal.append(encodeTxn(revision, writer.changeList, revoked), () => {
      if (revoked) this.leases.remove(revoked);
      this.advanceDurable(revision);
    });
    return { revision, result };
  }

  private advanceDurable(revision: number): void {
    this.durableRevision = revision;
    while (this.durableWaiters.length > 0 && this.durableWaiters[0]!.revision <= revision) {
      this.durableWaiters.shift()!.resolve();
    }
    // One fan-out per group commit, before the writers' own continuations run.
    if (!this.notifyScheduled) {
      this.notifyScheduled = true;
      queueMicrotask(() => {
        this.notifyScheduled = false;
        const previous = this.notifiedRevision;
        this.notifiedRevision = this.durableRevision;
        this.hub.notify(previous);
        this.maybeSnapshot();
      });
    }
  }

  private untilDurable(revision: number): Promise<void> {
    if (revision <= this.durableRevision) return Promise.resolve();
    return new Promise((resolve, reject) => this.durableWaiters.push({ revision, resolve, reject }));
  }

  /** A log write failed: forget everything that was not durable. */
  private rollback(): void {
    this.index.truncateAfter(this.durableRevision);
    this.leases.rollback();
    const error = new StoreError('Unavailable', 'a write that this read depended on failed');
    for (const waiter of this.durableWaiters.splice(0)) waiter.reject(error);
  }

  private readRevision(requested: number | undefined): number {
    const revision = requested && requested > 0 ? requested : this.durableRevision;
    if (revision > this.durableRevision) {
      throw new StoreError('FutureRevision', `required revision ${revision} is a future revision`);
    }
    if (revision < this.index.compactRevision) throw new CompactedError(this.index.compactRevision);
    return revision;
  }

  private rangeInTxn(op: Extract<Op, { op: 'range' }>) {
    return this.index.range({ ...op, revision: this.readRevision(op.revision) });
  }

  private expire(id: number): void {
    this.leaseRevoke(id).catch((error: Error) => {
      if (this.closed || (error instanceof StoreError && error.reason === 'LeaseNotFound')) return;
      this.logger.error('could not revoke an expired lease; retrying', { lease: id, error: error.message });
      // The lease is live again (abortRevoke) with a fresh countdown; try sooner.
      const timer = this.clock.setTimeout(() => this.expire(id), 1000);
      timer.unref?.();
    });
  }

  private maybeSnapshot(): void {
    const threshold = this.config.snapshotEveryBytes ?? 64 * 1024 * 1024;
    if (this.closed || this.snapshotting || this.wal.segmentBytes < threshold) return;
    this.snapshot().catch((error: Error) =>
      this.logger.error('snapshot failed; the log keeps growing until one succeeds', {
        error: error.message,
      }),
    );
  }

  private async takeSnapshot(): Promise<void> {
    const data = await this.wal.rotate((segment) => this.capture(segment));
    await writeSnapshot(this.config.dataDir, data);
    for (const seq of await listSequence(walDir(this.config.dataDir), '.wal')) {
      if (seq < data.segment) await rm(segmentPath(this.config.dataDir, seq), { force: true });
    }
    for (const seq of await listSequence(snapDir(this.config.dataDir), '.snap')) {
      if (seq < data.segment) await removeSnapshot(this.config.dataDir, seq);
    }
    this.logger.info('snapshot taken', { revision: data.revision, segment: data.segment });
  }

  /** The durable state, as of now; the histories are copies, safe from later compaction. */
  private capture(segment: number): SnapshotData {
    const revision = this.durableRevision;
    const histories: SnapshotData['histories'] = [];
    for (const [key, changes] of this.index.histories()) {
      let n = changes.length;
      while (n > 0 && changes[n - 1]!.revision > revision) n--;
      if (n > 0) histories.push([key, changes.slice(0, n)]);
    }
    return {
      segment,
      revision,
      compactRevision: this.index.compactRevision,
      leases: this.leases.durable(),
      histories,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('Closed', 'the store is closed');
  }
}

export function openEmbeddedStore(config: EmbeddedStoreConfig): Promise<EmbeddedStore> {
  return EmbeddedStore.open(config);
}
