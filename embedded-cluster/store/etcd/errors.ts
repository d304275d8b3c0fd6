/**
 * Mapping of etcd / gRPC failures to the store's {@link StoreError} reasons.
 *
 * `etcd3` turns gRPC errors into its own classes but drops the numeric status
 * code on the way, so the mapping goes by etcd's error text first (stable
 * strings from etcd's `rpctypes` package) and by gRPC status name second.
 */
import { CompactedError, StoreError, type StoreErrorReason } from '../store.js';
import { castGrpcError, ClientClosedError } from './client.js';

/**
 * "required revision has been compacted": the caller must turn it into a
 * `CompactedError`, which needs the compact revision that etcd's error text
 * does not carry.
 */
export const COMPACTED = Symbol('compacted');

const BY_MESSAGE: readonly (readonly [string, StoreErrorReason])[] = [
  ['required revision is a future revision', 'FutureRevision'],
  ['requested lease not found', 'LeaseNotFound'],
  ['request is too large', 'TooLarge'],
  // gRPC's own limit (etcd's --max-request-bytes plus 512 KiB of slack).
  ['larger than max', 'TooLarge'],
  ['too many operations in txn request', 'TooManyOps'],
  ['duplicate key given in txn request', 'DuplicateKey'],
  ['database space exceeded', 'NoSpace'],
  ['corrupt cluster', 'Corrupt'],
  ['lease already exists', 'InvalidArgument'],
  ['key is not provided', 'InvalidArgument'],
  ['too large lease TTL', 'InvalidArgument'],
  ['no leader', 'Unavailable'],
  ['leader changed', 'Unavailable'],
  ['request timed out', 'Unavailable'],
  ['too many requests', 'Unavailable'],
];

/** gRPC status names whose errors mean "the request itself is wrong". */
const INVALID_STATUS = [
  'INVALID_ARGUMENT',
  'OUT_OF_RANGE',
  'FAILED_PRECONDITION',
  'NOT_FOUND',
  'ALREADY_EXISTS',
];

/** Map a failure from `etcd3` or a raw gRPC stream to a store error. */
export function classifyEtcdError(err: unknown): StoreError | typeof COMPACTED {
  if (err instanceof StoreError) return err;
  const cast = err instanceof Error ? castGrpcError(err) : new Error(String(err));
  const message = cast.message;
  if (message.includes('required revision has been compacted')) return COMPACTED;
  if (cast instanceof ClientClosedError) return new StoreError('Closed', 'the etcd store is closed');
  for (const [text, reason] of BY_MESSAGE) {
    if (message.includes(text)) return new StoreError(reason, `etcd: ${message}`);
  }
  if (INVALID_STATUS.some((status) => message.includes(status))) {
    return new StoreError('InvalidArgument', `etcd rejected the request: ${message}`);
  }
  // UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, INTERNAL, UNKNOWN, permission
  // and authentication failures: the store cannot serve the request now.
  return new StoreError('Unavailable', `etcd is unavailable: ${message}`);
}

/**
 * {@link classifyEtcdError} for paths where compaction is not expected; a
 * compaction is reported at the best compact revision the caller knows.
 */
export function toStoreError(err: unknown, knownCompactRevision: number): StoreError {
  const mapped = classifyEtcdError(err);
  return mapped === COMPACTED ? new CompactedError(knownCompactRevision) : mapped;
}
