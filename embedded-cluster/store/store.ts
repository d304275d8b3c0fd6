/**
 * The store contract: an etcd v3-shaped key-value store with multi-version
 * concurrency control. Both backends (embedded, external etcd) implement it and
 * pass the same contract suite (test/integration/store-contract.test.ts).
 *
 * ## Revisions, worked through
 *
 * One counter, the store revision, starts at 1 on an empty store and grows by
 * one for every transaction that changes something. Every key keeps three
 * numbers, as etcd does (https://etcd.io/docs/v3.4/learning/data_model/):
 *
 *     rev 2  put  a=1         a: create 2, mod 2, version 1
 *     rev 3  put  a=2, b=1    a: create 2, mod 3, version 2   b: create 3, mod 3, version 1
 *     rev 4  delete a         a: gone (a tombstone at rev 4 ends its generation)
 *     rev 5  put  a=3         a: create 5, mod 5, version 1   (a new generation)
 *
 * A read "at revision 3" sees a=2 and b=1; "at revision 4" sees only b=1.
 * `compact(4)` forgets every version that no read at revision ≥ 4 can see:
 * a=1 and a=2 go (a's tombstone at 4 goes too), b=1 stays because it is still
 * the newest version of b at revision 4. After it, reads and watches that start
 * below revision 4 fail with {@link CompactedError}.
 *
 * Keys are strings here because every Kubernetes key is one
 * (`/registry/<group/resource>/<namespace>/<name>`); values are bytes.
 */

/** One version of one key. */
export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the put that created this generation of the key. */
  createRevision: number;
  /** Revision of the last change to the key. */
  modRevision: number;
  /** Number of puts in this generation: 1 after creation. */
  version: number;
  /** Lease the key is attached to, 0 for none. */
  lease: number;
}

export interface RangeOptions {
  /**
   * Exclusive end of the range `[key, end)`. Omitted: the single key. Use
   * {@link prefixEnd} for a prefix, and `'\0'` for every key from `key` on.
   */
  end?: string;
  /** Read the store as it was at this revision; omitted or 0: the latest. */
  revision?: number;
  /** At most this many keys (0: no limit); `more` tells whether more matched. */
  limit?: number;
  /** Only count matching keys; `kvs` stays empty. */
  countOnly?: boolean;
  /** Omit values (each `value` is empty). */
  keysOnly?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** Number of keys in the range, regardless of `limit`. */
  count: number;
  more: boolean;
  /**
   * The store's revision when the read was served (etcd's header revision),
   * also when reading at an older `revision`.
   */
  revision: number;
}

export interface PutOptions {
  lease?: number;
  /** Return the key's previous version in `prevKv`. */
  prevKv?: boolean;
}

export interface DeleteOptions {
  end?: string;
  prevKv?: boolean;
}

export type CompareTarget = 'value' | 'version' | 'createRevision' | 'modRevision' | 'lease';
export type CompareResult = '=' | '!=' | '<' | '>';

/**
 * A condition on one key. A missing key compares as version 0, create and mod
 * revision 0, lease 0 and an empty value, as in etcd.
 */
export type Compare =
  | { key: string; target: 'value'; result: CompareResult; value: Uint8Array }
  | { key: string; target: Exclude<CompareTarget, 'value'>; result: CompareResult; value: number };

export type Op =
  | { op: 'put'; key: string; value: Uint8Array; lease?: number; prevKv?: boolean }
  | { op: 'delete'; key: string; end?: string; prevKv?: boolean }
  | ({ op: 'range'; key: string } & RangeOptions);

export type OpResult =
  | { op: 'put'; prevKv?: KeyValue }
  | { op: 'delete'; deleted: number; prevKvs: KeyValue[] }
  | ({ op: 'range' } & RangeResult);

export interface TxnRequest {
  compare?: Compare[];
  success?: Op[];
  failure?: Op[];
}

export interface TxnResult {
  succeeded: boolean;
  /** Revision after the transaction: its own if it wrote, else the current one. */
  revision: number;
  results: OpResult[];
}

export interface PutResult {
  revision: number;
  prevKv?: KeyValue;
}

export interface DeleteResult {
  revision: number;
  deleted: number;
  prevKvs: KeyValue[];
}

export interface WatchOptions {
  /** Exclusive end, as in {@link RangeOptions.end}; omitted: the single key. */
  end?: string;
  /**
   * First revision to deliver (inclusive). Omitted or 0: every change made
   * after `watch()` returns.
   */
  fromRevision?: number;
  /** Attach each event's previous version. */
  prevKv?: boolean;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  /** For a delete: the key with `modRevision` of the delete and an empty value. */
  kv: KeyValue;
  prevKv?: KeyValue;
}

/**
 * A stream of batches of events, in revision order with no gaps. A batch never
 * splits a revision: all events of one transaction arrive together.
 *
 * Iteration ends normally after {@link Watch.cancel}. It throws
 * {@link CompactedError} when the start revision has been compacted away,
 * {@link WatchCancelledError} when the store gave up on a consumer that fell
 * too far behind (or lost its connection), and a `Closed` {@link StoreError}
 * when the store closes. After the first two the consumer may start again
 * from the revision after the last one it saw.
 *
 * Events and their key-values may be shared with other watchers and with
 * the store's own history: treat them as immutable.
 */
export interface Watch extends AsyncIterable<WatchEvent[]> {
  cancel(): void;
}

export interface LeaseGrant {
  id: number;
  ttl: number;
}

export interface StoreStatus {
  revision: number;
  compactRevision: number;
  keys: number;
}

/** The store. Every method rejects with a {@link StoreError} subclass. */
export interface Store {
  range(key: string, options?: RangeOptions): Promise<RangeResult>;
  put(key: string, value: Uint8Array, options?: PutOptions): Promise<PutResult>;
  delete(key: string, options?: DeleteOptions): Promise<DeleteResult>;
  /** All compares hold → `success` ops, else `failure` ops; atomically, one revision. */
  txn(request: TxnRequest): Promise<TxnResult>;
  watch(key: string, options?: WatchOptions): Watch;
  /** Forget history below `revision`; it must not exceed the current revision. */
  compact(revision: number): Promise<void>;
  /** A lease of `ttl` seconds; `id` 0 or omitted lets the store choose. */
  leaseGrant(ttl: number, id?: number): Promise<LeaseGrant>;
  /** Revoke a lease and delete its keys in one revision. */
  leaseRevoke(id: number): Promise<void>;
  /** Restart a lease's countdown; resolves to its TTL. */
  leaseKeepAlive(id: number): Promise<number>;
  /** Seconds left on a lease, -1 when it does not exist. */
  leaseTimeToLive(id: number): Promise<number>;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}

/** The exclusive end that makes `[prefix, end)` cover every key starting with `prefix`. */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  // As etcd: a prefix of only maximal characters ranges to the end of the keyspace.
  return '\0';
}

/** `end` value meaning "to the end of the keyspace", as etcd's `"\0"`. */
export const KEYSPACE_END = '\0';

/** Base of every store failure; `reason` is stable for callers to switch on. */
export class StoreError extends Error {
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type StoreErrorReason =
  | 'Compacted'
  | 'FutureRevision'
  | 'WatchCancelled'
  | 'LeaseNotFound'
  | 'TooLarge'
  | 'TooManyOps'
  | 'InvalidArgument'
  | 'DuplicateKey'
  | 'NoSpace'
  | 'Unavailable'
  | 'Closed'
  | 'Corrupt'
  | 'Locked';

export class CompactedError extends StoreError {
  constructor(readonly compactRevision: number) {
    super('Compacted', `required revision has been compacted (compacted at ${compactRevision})`);
  }
}

export class WatchCancelledError extends StoreError {
  constructor(
    message: string,
    /** Revision to resume from with a new watch. */
    readonly nextRevision: number,
  ) {
    super('WatchCancelled', message);
  }
}

/** Limits shared by both backends, matching etcd's defaults where it has one. */
export const LIMITS = {
  /** etcd's --max-request-bytes default is 1.5 MiB. */
  maxValueBytes: 1.5 * 1024 * 1024,
  /** etcd's --max-txn-ops default. */
  maxTxnOps: 128,
} as const;
