import { open, type FileHandle } from 'node:fs/promises';
import { StoreError } from '../../store.js';
import { frame } from './framing.js';
import { SEGMENT_MAGIC, segmentPath, syncDirectory, walDir } from './segment-files.js';

export interface WriteAheadLogOptions {
  /** fdatasync before acknowledging. Off only for throwaway stores. */
  fsync: boolean;
  /**
   * Called synchronously when a write fails, before any promise is rejected
   * and before any later append is accepted: everything not yet durable is
   * being dropped, so the caller forgets it too.
   */
  onWriteFailed: () => void;
  /** Replaces the file system calls, to inject failures in tests. */
  openFile?: (path: string) => Promise<SegmentFile>;
}

/** The file operations the log needs; a FileHandle opened for appending has them all. */
export interface SegmentFile {
  writev(buffers: Buffer[]): Promise<unknown>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  record: Buffer;
  onDurable: () => void;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * An append-only log with group commit: records appended while a write and
 * fsync are in flight wait, and the next single write + fsync covers them
 * all. A record's `onDurable` runs, and its promise resolves, only after the
 * fsync that covers it returned.
 *
 * On a failed write the batch and everything queued behind it are rejected
 * and the segment is cut back to its last durable length, so the log stays
 * exactly what was acknowledged. A failed fsync leaves the page cache in an
 * unknown state (see PostgreSQL's "fsyncgate"), so the log refuses every
 * later write until it is reopened.
 */
export class WriteAheadLog {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private boundaryTasks: (() => Promise<void>)[] = [];
  private broken: StoreError | undefined;
  private closed = false;
  /** Bytes appended since the last segment began. */
  segmentBytes = 0;

  private constructor(
    private readonly dataDir: string,
    private seq: number,
    private file: SegmentFile,
    private durableSize: number,
    private readonly options: WriteAheadLogOptions,
  ) {}

  /** Continue segment `seq` at `size` bytes, or start it when `size` is 0. */
  static async open(
    dataDir: string,
    seq: number,
    size: number,
    options: WriteAheadLogOptions,
  ): Promise<WriteAheadLog> {
    const openFile = options.openFile ?? defaultOpen;
    const file = await openFile(segmentPath(dataDir, seq));
    if (size === 0) size = await startSegment(dataDir, file, options);
    return new WriteAheadLog(dataDir, seq, file, size, options);
  }

  get segment(): number {
    return this.seq;
  }

  /** Throws, synchronously, the reason the log takes no appends now, if any. */
  assertWritable(): void {
    const reason = this.broken ?? (this.closed ? new StoreError('Closed', 'the store is closed') : undefined);
    if (reason) throw reason;
  }

  /**
   * Append `payload`; resolves once it is durable (after `onDurable` ran).
   * Throws synchronously when the log takes no appends (see {@link assertWritable}).
   */
  append(payload: Buffer, onDurable: () => void): Promise<void> {
    this.assertWritable();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record: frame(payload), onDurable, resolve, reject });
      this.kick();
    });
  }

  /**
   * Continue in a new segment. `capture` runs between two batches, when
   * everything acknowledged so far is on disk and nothing else is; what it
   * returns (a capture of the state the old segments add up to) resolves
   * the promise once the new segment is in place.
   */
  async rotate<T>(capture: (nextSegment: number) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.boundaryTasks.push(async () => {
        try {
          const captured = capture(this.seq + 1);
          const next = await (this.options.openFile ?? defaultOpen)(segmentPath(this.dataDir, this.seq + 1));
          const size = await startSegment(this.dataDir, next, this.options);
          await this.file.close();
          this.file = next;
          this.seq += 1;
          this.durableSize = size;
          this.segmentBytes = 0;
          resolve(captured);
        } catch (error) {
          reject(error as Error);
        }
      });
      this.kick();
    });
  }

  /** Wait for everything queued, then close the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.file.close();
  }

  private kick(): void {
    if (!this.flushing) this.flushing = this.flushLoop().finally(() => (this.flushing = undefined));
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0 || this.boundaryTasks.length > 0) {
      const tasks = this.boundaryTasks.splice(0);
      for (const task of tasks) await task();
      if (this.queue.length === 0) continue;
      // Let every writer that is ready to append (those just acknowledged,
      // whose continuations are still queued as microtasks) join this batch:
      // without this pause the first of them would get an fsync to itself.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = this.queue.splice(0);
      const buffers = batch.map((p) => p.record);
      const bytes = buffers.reduce((sum, b) => sum + b.length, 0);
      try {
        await this.file.writev(buffers);
      } catch (error) {
        await this.failWrite(batch, error as Error);
        continue;
      }
      try {
        if (this.options.fsync) await this.file.datasync();
      } catch (error) {
        this.breakLog(batch, error as Error);
        return;
      }
      this.durableSize += bytes;
      this.segmentBytes += bytes;
      for (const p of batch) p.onDurable();
      for (const p of batch) p.resolve();
    }
  }

  /**
   * A write failed (a full disk, say): nothing of it or behind it is
   * acknowledged. Appends made after this point build on the rolled-back
   * state, so they queue normally and follow once the segment is cut back.
   */
  private async failWrite(batch: Pending[], cause: Error): Promise<void> {
    const error = describe(cause);
    const failed = batch.concat(this.queue.splice(0));
    this.options.onWriteFailed();
    for (const p of failed) p.reject(error);
    try {
      await this.file.truncate(this.durableSize);
    } catch (truncateError) {
      this.breakLog([], truncateError as Error);
    }
  }

  private breakLog(batch: Pending[], cause: Error): void {
    this.broken = new StoreError(
      'Unavailable',
      `write-ahead log ${segmentPath(this.dataDir, this.seq)} failed (${cause.message}); ` +
        'no further writes are accepted until the store is reopened',
    );
    this.options.onWriteFailed();
    for (const p of batch.concat(this.queue.splice(0))) p.reject(this.broken);
  }
}

/** Write a segment's header and make the new file durable; returns its size. */
async function startSegment(
  dataDir: string,
  file: SegmentFile,
  options: WriteAheadLogOptions,
): Promise<number> {
  await file.writev([SEGMENT_MAGIC]);
  if (options.fsync) {
    await file.datasync();
    await syncDirectory(walDir(dataDir));
  }
  return SEGMENT_MAGIC.length;
}

function describe(cause: Error): StoreError {
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StoreError(
      'NoSpace',
      `no space left on the store's disk; the write was not made: ${cause.message}`,
    );
  }
  return new StoreError('Unavailable', `the write could not be made durable: ${cause.message}`);
}

async function defaultOpen(path: string): Promise<SegmentFile> {
  const handle: FileHandle = await open(path, 'a');
  return handle;
}
