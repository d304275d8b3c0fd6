/**
 * The {@link Store} backend for a real etcd v3 cluster (tested against etcd
 * 3.4), through `etcd3`'s raw gRPC clients.
 *
 * Behaviour worth knowing, beyond the contract in store.ts:
 *
 * - Values above `LIMITS.maxValueBytes` and transactions with more than
 *   `LIMITS.maxTxnOps` compares, success ops or failure ops are rejected
 *   locally, before anything is sent, with the embedded backend's reasons.
 *   etcd's own limit is on the whole request, so a value *at* the limit plus
 *   its key still exceeds etcd's default --max-request-bytes: etcd rejects it,
 *   also as 'TooLarge'.
 * - Watches without `fromRevision` start after the highest revision this store
 *   has seen rather than at etcd's "now" (see watch.ts).
 * - `status().compactRevision`: etcd 3.4's Status RPC does not report it. The
 *   store keeps the highest compact revision it knows of (its own compactions,
 *   and every compaction error) and, when a read at that revision shows the
 *   cluster has compacted further, asks etcd for the exact value by opening a
 *   watch at a compacted revision, which etcd answers with its compact
 *   revision. Compaction errors of reads are made exact the same way.
 * - Lease ids: etcd picks random 63-bit ids, beyond `number`'s exact range.
 *   This store therefore picks ids itself (random, below 2^53) when the
 *   caller passes none. Leases granted by other etcd clients may have ids
 *   that do not survive the conversion to `number`.
 * - Keys are UTF-8 on the wire and etcd orders them bytewise, which is code
 *   point order; JavaScript compares UTF-16 code units. The two orders differ
 *   only when keys mix characters above U+FFFF with U+E000..U+FFFF.
 * - `RangeResult.revision` is etcd's response header revision: the store's
 *   current revision, also for reads at an older `revision`.
 * - Nothing is retried: every failure surfaces as a StoreError ('Unavailable'
 *   for connection trouble) and the caller decides.
 */
import { webcrypto } from 'node:crypto';
import {
  CompactedError,
  StoreError,
  type DeleteOptions,
  type DeleteResult,
  type LeaseGrant,
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
import { createEtcdClient, type Etcd3, type IResponseHeader, type WatchClient } from './client.js';
import {
  decodeKeyValue,
  decodeOpResult,
  decodeOptionalKeyValue,
  decodeRange,
  encodeCompare,
  encodeKey,
  encodeOp,
  encodeValue,
  headerRevision,
  int64,
  rangeRequest,
} from './codec.js';
import { classifyEtcdError, COMPACTED } from './errors.js';
import { LeaseKeepAliveChannel } from './keepalive.js';
import { validateId, validateTxn, validateValue } from './validate.js';
import { EtcdWatch, type WatchHost } from './watch.js';

export interface EtcdStoreConfig {
  /** Client URLs, e.g. `http://127.0.0.1:2379` (https: for TLS with system roots). */
  endpoints: string[];
  /** How long `openEtcdStore` keeps trying to reach the cluster; default 5000. */
  dialTimeoutMs?: number;
}

const DEFAULT_DIAL_TIMEOUT_MS = 5_000;
/** etcd checks compacted watch starts every 100 ms; allow for a busy server. */
const COMPACT_PROBE_TIMEOUT_MS = 2_000;
const WHOLE_KEYSPACE = { key: encodeKey('\0'), range_end: encodeKey('\0') };

/**
 * Connect to an etcd v3 cluster. Resolves once a request has succeeded;
 * rejects with 'Unavailable' if none does within `dialTimeoutMs`.
 */
export async function openEtcdStore(config: EtcdStoreConfig): Promise<Store> {
  if (config.endpoints.length === 0) throw new StoreError('InvalidArgument', 'no etcd endpoints given');
  const timeoutMs = config.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const client = createEtcdClient(config.endpoints);
  for (;;) {
    try {
      const response = await client.kv.range({ ...WHOLE_KEYSPACE, count_only: true }, { deadline });
      return new EtcdStore(client, headerRevision(response.header));
    } catch (err) {
      const mapped = classifyEtcdError(err);
      const reason = mapped === COMPACTED ? 'Unavailable' : mapped.reason;
      if (reason !== 'Unavailable' || Date.now() + 100 >= deadline) {
        client.close();
        const cause = mapped === COMPACTED ? 'compacted' : mapped.message;
        throw new StoreError(
          reason,
          `could not reach etcd at ${config.endpoints.join(', ')} within ${timeoutMs} ms: ${cause}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

class EtcdStore implements Store, WatchHost {
  readonly watchClient: WatchClient;
  knownRevision: number;
  knownCompactRevision = 0;
  private readonly watches = new Set<EtcdWatch>();
  private readonly keepAlives: LeaseKeepAliveChannel;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    revision: number,
  ) {
    this.knownRevision = revision;
    this.watchClient = client.watchClient;
    this.keepAlives = new LeaseKeepAliveChannel(client.leaseClient, (r) => this.observeRevision(r));
  }

  async range(key: string, options: RangeOptions = {}): Promise<RangeResult> {
    validateId('revision', options.revision ?? 0);
    validateId('limit', options.limit ?? 0);
    const response = await this.call(
      () => this.client.kv.range(rangeRequest(key, options)),
      options.revision,
    );
    return decodeRange(response);
  }

  async put(key: string, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    validateValue(key, value);
    validateId('lease', options.lease ?? 0);
    const response = await this.call(() =>
      this.client.kv.put({
        key: encodeKey(key),
        value: encodeValue(value),
        lease: String(options.lease ?? 0),
        prev_kv: options.prevKv ?? false,
      }),
    );
    const prevKv = decodeOptionalKeyValue(response.prev_kv);
    return { revision: headerRevision(response.header), ...(prevKv && { prevKv }) };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    const response = await this.call(() =>
      this.client.kv.deleteRange({
        key: encodeKey(key),
        ...(options.end !== undefined && { range_end: encodeKey(options.end) }),
        prev_kv: options.prevKv ?? false,
      }),
    );
    return {
      revision: headerRevision(response.header),
      deleted: int64(response.deleted),
      prevKvs: response.prev_kvs.map(decodeKeyValue),
    };
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    validateTxn(request);
    const ops = [...(request.success ?? []), ...(request.failure ?? [])];
    const revisions = ops.flatMap((op) => (op.op === 'range' && op.revision ? [op.revision] : []));
    for (const revision of revisions) validateId('revision', revision);
    const response = await this.call(
      () =>
        this.client.kv.txn({
          compare: (request.compare ?? []).map(encodeCompare),
          success: (request.success ?? []).map(encodeOp),
          failure: (request.failure ?? []).map(encodeOp),
        }),
      revisions.length > 0 ? Math.min(...revisions) : undefined,
    );
    return {
      succeeded: response.succeeded,
      revision: headerRevision(response.header),
      results: response.responses.map(decodeOpResult),
    };
  }

  watch(key: string, options: WatchOptions = {}): Watch {
    const watch = new EtcdWatch(this, key, options);
    if (this.closed) watch.abort(closedError());
    else this.watches.add(watch);
    return watch;
  }

  async compact(revision: number): Promise<void> {
    validateId('revision', revision);
    // etcd refuses a compaction at or below the current compact revision.
    await this.call(
      () => this.client.kv.compact({ revision: String(revision), physical: false }),
      revision - 1,
    );
    this.observeCompactRevision(revision);
  }

  async leaseGrant(ttl: number, id = 0): Promise<LeaseGrant> {
    validateId('ttl', ttl);
    validateId('lease id', id);
    if (id !== 0) return this.grant(ttl, id);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.grant(ttl, randomLeaseId());
      } catch (err) {
        const taken = err instanceof StoreError && err.message.includes('lease already exists');
        if (!taken || attempt === 5) throw err;
      }
    }
  }

  async leaseRevoke(id: number): Promise<void> {
    validateId('lease id', id);
    await this.call(() => this.client.leaseClient.leaseRevoke({ ID: String(id) }));
  }

  async leaseKeepAlive(id: number): Promise<number> {
    this.assertOpen();
    validateId('lease id', id);
    try {
      return await this.keepAlives.keepAlive(id);
    } catch (err) {
      throw this.closed ? closedError() : err;
    }
  }

  async leaseTimeToLive(id: number): Promise<number> {
    validateId('lease id', id);
    try {
      const response = await this.call(() => this.client.leaseClient.leaseTimeToLive({ ID: String(id) }));
      const ttl = int64(response.TTL);
      return ttl < 0 ? -1 : ttl;
    } catch (err) {
      if (err instanceof StoreError && err.reason === 'LeaseNotFound') return -1;
      throw err;
    }
  }

  async status(): Promise<StoreStatus> {
    const [count, compactRevision] = await Promise.all([
      this.call(() => this.client.kv.range({ ...WHOLE_KEYSPACE, count_only: true })),
      this.currentCompactRevision(),
    ]);
    return { revision: headerRevision(count.header), compactRevision, keys: int64(count.count) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.abort(closedError());
    this.watches.clear();
    this.keepAlives.close();
    this.client.close();
  }

  observeRevision(revision: number): void {
    if (revision > this.knownRevision) this.knownRevision = revision;
  }

  observeCompactRevision(revision: number): void {
    if (revision > this.knownCompactRevision) this.knownCompactRevision = revision;
  }

  watchEnded(watch: EtcdWatch): void {
    this.watches.delete(watch);
  }

  private async grant(ttl: number, id: number): Promise<LeaseGrant> {
    const response = await this.call(() =>
      this.client.leaseClient.leaseGrant({ TTL: String(ttl), ID: String(id) }),
    );
    if (response.error) throw new StoreError('InvalidArgument', `etcd refused the lease: ${response.error}`);
    return { id: int64(response.ID), ttl: int64(response.TTL) };
  }

  /**
   * Run one unary request, noting its header revision and turning failures
   * into StoreErrors. `compactedBelow`: a revision known to be below the
   * compact revision should etcd answer "compacted".
   */
  private async call<T extends { header: IResponseHeader }>(
    request: () => Promise<T>,
    compactedBelow?: number,
  ): Promise<T> {
    this.assertOpen();
    let response: T;
    try {
      response = await request();
    } catch (err) {
      if (this.closed) throw closedError();
      const mapped = classifyEtcdError(err);
      if (mapped !== COMPACTED) throw mapped;
      throw new CompactedError(await this.compactRevisionAbove(compactedBelow));
    }
    this.observeRevision(headerRevision(response.header));
    return response;
  }

  /** The exact compact revision, as far as it can be learnt cheaply. */
  private async currentCompactRevision(): Promise<number> {
    // The known value is a lower bound; a read at it succeeds iff it is exact.
    const at = Math.max(this.knownCompactRevision, 1);
    try {
      await this.call(
        () => this.client.kv.range({ key: encodeKey('\0'), revision: at, count_only: true }),
        at,
      );
    } catch (err) {
      if (err instanceof CompactedError) return err.compactRevision;
      throw err;
    }
    return this.knownCompactRevision;
  }

  /**
   * The compact revision, given that it is above `below`: etcd answers a watch
   * starting below its compact revision with that revision (within its 100 ms
   * watcher sync period), and never starts delivering events to it.
   */
  private async compactRevisionAbove(below: number | undefined): Promise<number> {
    const floor = () => Math.max(this.knownCompactRevision, (below ?? 0) + 1);
    if (below === undefined || below < 1 || this.closed) return this.knownCompactRevision;
    const probe = new EtcdWatch(this, '\0', { fromRevision: below });
    this.watches.add(probe);
    const timer = setTimeout(() => probe.cancel(), COMPACT_PROBE_TIMEOUT_MS);
    try {
      await probe[Symbol.asyncIterator]().next();
    } catch (err) {
      if (err instanceof CompactedError) return Math.max(err.compactRevision, floor());
    } finally {
      clearTimeout(timer);
      probe.cancel();
    }
    return floor();
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

function closedError(): StoreError {
  return new StoreError('Closed', 'the etcd store is closed');
}

/** A random lease id in [1, 2^53): exact as a `number`, unlikely to collide. */
function randomLeaseId(): number {
  const [high, low] = webcrypto.getRandomValues(new Uint32Array(2));
  const id = (high! & 0x1f_ffff) * 2 ** 32 + low!;
  return id === 0 ? 1 : id;
}
