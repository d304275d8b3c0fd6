/**
 * One store {@link Watch} = one etcd watch stream carrying one watcher.
 *
 * Every etcd `WatchResponse` with events becomes one batch. etcd never splits
 * a revision across responses unless fragmentation is requested (it is not),
 * so batches never split a transaction. Responses are read from the stream as
 * they arrive and queued until the consumer pulls; a consumer that leaves more
 * than {@link MAX_BUFFERED_EVENTS} events unread gets its watch cancelled with
 * a {@link WatchCancelledError} naming the revision to resume from.
 *
 * ## Where a watch without `fromRevision` starts
 *
 * etcd's own default (start revision 0) means "after whatever revision the
 * server is at when the watch request arrives", which is some time after
 * `watch()` returns: a change made right after `watch()` could be missed. So
 * this store starts such watches at (highest revision this store has seen in
 * any response) + 1 instead. Every change that starts after `watch()` returns
 * is then delivered. The price: changes made by *other* clients since this
 * store last talked to etcd — which this store had not observed — are
 * delivered too. Callers that need an exact start pass `fromRevision`.
 * Should that implicit start revision already be compacted, the watch starts
 * at the compact revision instead of failing.
 */
import {
  CompactedError,
  StoreError,
  WatchCancelledError,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from '../store.js';
import type { IDuplexStream, IWatchRequest, IWatchResponse, WatchClient } from './client.js';
import { decodeEvent, encodeKey, headerRevision, int64 } from './codec.js';
import { toStoreError } from './errors.js';
import { endStream } from './stream.js';

/** Unread events above which a watch is cancelled rather than buffered further. */
export const MAX_BUFFERED_EVENTS = 10_000;

/** What a watch needs from the store that owns it. */
export interface WatchHost {
  readonly watchClient: WatchClient;
  /** Highest store revision seen in any etcd response. */
  readonly knownRevision: number;
  /** Highest compact revision known. */
  readonly knownCompactRevision: number;
  observeRevision(revision: number): void;
  observeCompactRevision(revision: number): void;
  watchEnded(watch: EtcdWatch): void;
}

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

interface Waiter {
  resolve(result: IteratorResult<WatchEvent[]>): void;
  reject(error: unknown): void;
}

const DONE: IteratorResult<WatchEvent[]> = { done: true, value: undefined };

export class EtcdWatch implements Watch {
  private stream: WatchStream | undefined;
  private streamClosed = false;
  private readonly queue: WatchEvent[][] = [];
  private buffered = 0;
  private readonly waiters: Waiter[] = [];
  /** The error iteration will throw once the queue is drained. */
  private failure: StoreError | undefined;
  /** Iteration is over: cancelled, closed, or its error was thrown. */
  private finished = false;
  private readonly implicitStart: boolean;
  private receivedAny = false;
  /** First revision not yet received from etcd. */
  private receivedNext: number;
  /** First revision not yet handed to the consumer. */
  private deliveredNext: number;

  constructor(
    private readonly host: WatchHost,
    private readonly key: string,
    private readonly options: WatchOptions = {},
  ) {
    const from = options.fromRevision ?? 0;
    this.implicitStart = from === 0;
    const start = this.implicitStart ? host.knownRevision + 1 : from;
    this.receivedNext = this.deliveredNext = start;
    if (!Number.isSafeInteger(from) || from < 0) {
      this.fail(
        new StoreError('InvalidArgument', `fromRevision must be a non-negative integer, got ${from}`),
      );
      return;
    }
    void this.open(start);
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
    return {
      next: () => this.next(),
      return: async () => {
        this.cancel();
        return DONE;
      },
    };
  }

  cancel(): void {
    if (this.finished) return;
    this.queue.length = 0;
    this.buffered = 0;
    this.failure = undefined;
    this.finish();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(DONE);
  }

  /** End the watch with `error` (the store is closing), dropping anything unread. */
  abort(error: StoreError): void {
    if (this.finished) return;
    this.queue.length = 0;
    this.buffered = 0;
    this.failure = error;
    this.closeStream();
    this.flushFailure();
  }

  private next(): Promise<IteratorResult<WatchEvent[]>> {
    const batch = this.queue.shift();
    if (batch) {
      this.buffered -= batch.length;
      return Promise.resolve(this.deliver(batch));
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      this.finish();
      return Promise.reject(failure);
    }
    if (this.finished) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private deliver(batch: WatchEvent[]): IteratorResult<WatchEvent[]> {
    this.deliveredNext = batch[batch.length - 1]!.kv.modRevision + 1;
    return { done: false, value: batch };
  }

  private async open(start: number): Promise<void> {
    let stream: WatchStream;
    try {
      stream = await this.host.watchClient.watch();
    } catch (err) {
      this.fail(this.lost(err));
      return;
    }
    if (this.streamClosed) {
      endStream(stream);
      return;
    }
    this.stream = stream;
    stream.on('data', (response) => this.onResponse(response));
    stream.on('error', (err) => this.onStreamEnd(err));
    stream.on('end', () => this.onStreamEnd(undefined));
    this.create(start);
  }

  private create(start: number): void {
    this.stream?.write({
      create_request: {
        key: encodeKey(this.key),
        ...(this.options.end !== undefined && { range_end: encodeKey(this.options.end) }),
        start_revision: String(start),
        prev_kv: this.options.prevKv ?? false,
      },
    });
  }

  private onResponse(response: IWatchResponse): void {
    if (this.streamClosed) return;
    this.host.observeRevision(headerRevision(response.header));
    const compactRevision = int64(response.compact_revision);
    if (compactRevision > 0) {
      // etcd answers a watch whose start was compacted with the compact
      // revision, then cancels that watcher.
      this.host.observeCompactRevision(compactRevision);
      if (this.implicitStart && !this.receivedAny && compactRevision > this.receivedNext) {
        this.receivedNext = this.deliveredNext = compactRevision;
        this.create(compactRevision);
        return;
      }
      this.fail(new CompactedError(compactRevision));
      return;
    }
    if (response.canceled) {
      const reason = response.cancel_reason || 'no reason given';
      this.fail(
        new WatchCancelledError(`etcd cancelled the watch on ${this.key}: ${reason}`, this.receivedNext),
      );
      return;
    }
    if (response.events.length === 0) return; // created, or a progress notification
    const batch = response.events.map(decodeEvent);
    this.receivedAny = true;
    this.receivedNext = batch[batch.length - 1]!.kv.modRevision + 1;
    this.push(batch);
  }

  private push(batch: WatchEvent[]): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(this.deliver(batch));
      return;
    }
    this.queue.push(batch);
    this.buffered += batch.length;
    // One batch is one revision or more and cannot be split; only give up
    // when the backlog is more than a single oversized batch.
    if (this.buffered > MAX_BUFFERED_EVENTS && this.queue.length > 1) {
      const resumeAt = this.deliveredNext;
      this.queue.length = 0;
      this.buffered = 0;
      this.fail(
        new WatchCancelledError(
          `watch on ${this.key} cancelled: more than ${MAX_BUFFERED_EVENTS} events were left unread ` +
            `(the consumer is not keeping up); start a new watch from revision ${resumeAt}`,
          resumeAt,
        ),
      );
    }
  }

  private onStreamEnd(err: unknown): void {
    if (this.streamClosed) return; // our own cancellation
    this.fail(this.lost(err));
  }

  private lost(err: unknown): WatchCancelledError {
    const cause =
      err === undefined ? 'etcd ended the stream' : toStoreError(err, this.host.knownCompactRevision).message;
    return new WatchCancelledError(
      `watch on ${this.key} lost its etcd stream (${cause}); resume from revision ${this.receivedNext}`,
      this.receivedNext,
    );
  }

  /** Stop receiving; the error is thrown after the already received batches. */
  private fail(error: StoreError): void {
    if (this.finished || this.failure) return;
    this.failure = error;
    this.closeStream();
    if (this.queue.length === 0) this.flushFailure();
  }

  private flushFailure(): void {
    const waiter = this.waiters.shift();
    if (!waiter || !this.failure) return;
    const failure = this.failure;
    this.failure = undefined;
    this.finish();
    waiter.reject(failure);
    for (const rest of this.waiters.splice(0)) rest.resolve(DONE);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.closeStream();
    this.host.watchEnded(this);
  }

  private closeStream(): void {
    if (this.streamClosed) return;
    this.streamClosed = true;
    if (this.stream) endStream(this.stream);
  }
}
