/**
 * Conversion between the store's types and etcd's wire messages as `etcd3`
 * decodes them: keys are UTF-8 bytes, values bytes, and every int64
 * (revisions, versions, lease ids, counts) a decimal string.
 */
import {
  StoreError,
  type Compare,
  type KeyValue,
  type Op,
  type OpResult,
  type RangeOptions,
  type RangeResult,
  type WatchEvent,
} from '../store.js';
import type { ICompare, IKeyValue, IRequestOp, IResponseHeader, IResponseOp } from './client.js';

const EMPTY = new Uint8Array(0);

/** A key or range end on the wire. `KEYSPACE_END` ('\0') encodes to etcd's "\0". */
export function encodeKey(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

/** A value on the wire, without copying. */
export function encodeValue(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * An int64 from the wire. Revisions and counts stay far below 2^53; lease ids
 * chosen by etcd itself may not (see `leaseGrant` in etcd-store.ts).
 */
export function int64(value: string | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

export function headerRevision(header: IResponseHeader | null | undefined): number {
  return int64(header?.revision);
}

export function decodeKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    // A copy: etcd3's buffers are views into shared pool memory.
    value: kv.value.byteLength === 0 ? EMPTY : new Uint8Array(kv.value),
    createRevision: int64(kv.create_revision),
    modRevision: int64(kv.mod_revision),
    version: int64(kv.version),
    lease: int64(kv.lease),
  };
}

/** An optional message field: `etcd3` decodes an absent one as `null`. */
export function decodeOptionalKeyValue(kv: IKeyValue | null | undefined): KeyValue | undefined {
  return kv ? decodeKeyValue(kv) : undefined;
}

export function rangeRequest(key: string, options: RangeOptions = {}) {
  return {
    key: encodeKey(key),
    ...(options.end !== undefined && { range_end: encodeKey(options.end) }),
    revision: options.revision ?? 0,
    limit: options.limit ?? 0,
    count_only: options.countOnly ?? false,
    keys_only: options.keysOnly ?? false,
  };
}

export function decodeRange(response: {
  kvs: IKeyValue[];
  more: boolean;
  count: string;
  header: IResponseHeader;
}): RangeResult {
  return {
    kvs: response.kvs.map(decodeKeyValue),
    count: int64(response.count),
    more: response.more,
    revision: headerRevision(response.header),
  };
}

const COMPARE_RESULT = { '=': 'Equal', '!=': 'NotEqual', '<': 'Less', '>': 'Greater' } as const;

export function encodeCompare(compare: Compare): ICompare {
  const base = { key: encodeKey(compare.key), result: COMPARE_RESULT[compare.result] };
  switch (compare.target) {
    case 'value':
      return { ...base, target: 'Value', value: encodeValue(compare.value) };
    case 'version':
      return { ...base, target: 'Version', version: String(compare.value) };
    case 'createRevision':
      return { ...base, target: 'Create', create_revision: String(compare.value) };
    case 'modRevision':
      return { ...base, target: 'Mod', mod_revision: String(compare.value) };
    case 'lease':
      return { ...base, target: 'Lease', lease: String(compare.value) };
  }
}

export function encodeOp(op: Op): IRequestOp {
  switch (op.op) {
    case 'put':
      return {
        request_put: {
          key: encodeKey(op.key),
          value: encodeValue(op.value),
          lease: String(op.lease ?? 0),
          prev_kv: op.prevKv ?? false,
        },
      };
    case 'delete':
      return {
        request_delete_range: {
          key: encodeKey(op.key),
          ...(op.end !== undefined && { range_end: encodeKey(op.end) }),
          prev_kv: op.prevKv ?? false,
        },
      };
    case 'range':
      return { request_range: rangeRequest(op.key, op) };
  }
}

export function decodeOpResult(response: IResponseOp): OpResult {
  if (response.response_put) {
    const prevKv = decodeOptionalKeyValue(response.response_put.prev_kv);
    return prevKv ? { op: 'put', prevKv } : { op: 'put' };
  }
  if (response.response_delete_range) {
    const deleted = response.response_delete_range;
    return { op: 'delete', deleted: int64(deleted.deleted), prevKvs: deleted.prev_kvs.map(decodeKeyValue) };
  }
  if (response.response_range) {
    return { op: 'range', ...decodeRange(response.response_range) };
  }
  throw new StoreError(
    'Unavailable',
    `etcd sent an unexpected txn response: ${Object.keys(response).join(', ')}`,
  );
}

interface WireEvent {
  type: string;
  kv: IKeyValue;
  prev_kv: IKeyValue | null;
}

export function decodeEvent(event: WireEvent): WatchEvent {
  const prevKv = decodeOptionalKeyValue(event.prev_kv);
  return {
    // `etcd3`'s proto names the enum values Put and Delete.
    type: event.type.toLowerCase() === 'delete' ? 'delete' : 'put',
    kv: decodeKeyValue(event.kv),
    ...(prevKv && { prevKv }),
  };
}
