import {
  KEYSPACE_END,
  LIMITS,
  StoreError,
  type Compare,
  type KeyValue,
  type Op,
  type OpResult,
  type RangeResult,
  type TxnRequest,
} from '../store.js';
import type { RevisionWriter } from './mvcc-index.js';

const EMPTY = new Uint8Array(0);

/**
 * Reject what etcd rejects before touching anything, with the same reasons:
 * too many ops, oversized values, and a key written twice in one branch
 * (https://github.com/etcd-io/etcd/blob/main/server/etcdserver/api/v3rpc/key.go, checkTxnReqsPermission / checkIntervals).
 */
export function validateTxn(request: TxnRequest): void {
  const compare = request.compare ?? [];
  const success = request.success ?? [];
  const failure = request.failure ?? [];
  for (const [name, count] of [
    ['compare', compare.length],
    ['success', success.length],
    ['failure', failure.length],
  ] as const) {
    if (count > LIMITS.maxTxnOps) {
      throw new StoreError(
        'TooManyOps',
        `too many operations in txn request: ${count} ${name} operations, the limit is ${LIMITS.maxTxnOps}`,
      );
    }
  }
  for (const branch of [success, failure]) {
    const puts = new Set<string>();
    for (const op of branch) {
      if (op.op === 'put') {
        validateValue(op.key, op.value);
        if (puts.has(op.key)) throw duplicateKey(op.key);
        puts.add(op.key);
      }
    }
    for (const op of branch) {
      if (op.op !== 'delete') continue;
      for (const key of puts) if (inRange(key, op.key, op.end)) throw duplicateKey(key);
    }
  }
}

export function validateValue(key: string, value: Uint8Array): void {
  if (key.length === 0) throw new StoreError('InvalidArgument', 'key is not provided');
  if (value.byteLength > LIMITS.maxValueBytes) {
    throw new StoreError(
      'TooLarge',
      `value of ${key} is ${value.byteLength} bytes; the limit is ${LIMITS.maxValueBytes} bytes`,
    );
  }
}

function duplicateKey(key: string): StoreError {
  return new StoreError('DuplicateKey', `duplicate key given in txn request: ${key}`);
}

export function inRange(key: string, start: string, end: string | undefined): boolean {
  if (end === undefined) return key === start;
  return key >= start && (end === KEYSPACE_END || key < end);
}

/** Whether a compare holds; a missing key reads as zeros and an empty value, as in etcd. */
export function compareHolds(compare: Compare, kv: KeyValue | undefined): boolean {
  let order: number;
  if (compare.target === 'value') {
    order = Buffer.compare(kv?.value ?? EMPTY, compare.value);
  } else {
    const actual = kv ? field(kv, compare.target) : 0;
    order = actual === compare.value ? 0 : actual < compare.value ? -1 : 1;
  }
  switch (compare.result) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '>':
      return order > 0;
  }
}

function field(kv: KeyValue, target: Exclude<Compare['target'], 'value'>): number {
  switch (target) {
    case 'version':
      return kv.version;
    case 'createRevision':
      return kv.createRevision;
    case 'modRevision':
      return kv.modRevision;
    case 'lease':
      return kv.lease;
  }
}

/**
 * Run one branch of a transaction against `writer`. `range` serves range ops
 * at an explicit past revision; ranges without one read the transaction's own
 * view (earlier ops included).
 */
export function executeOps(
  writer: RevisionWriter,
  ops: readonly Op[],
  rangeAt: (op: Extract<Op, { op: 'range' }>) => Omit<RangeResult, 'revision'>,
): OpResult[] {
  return ops.map((op): OpResult => {
    switch (op.op) {
      case 'put': {
        const prev = writer.put(op.key, op.value, op.lease ?? 0);
        return op.prevKv && prev ? { op: 'put', prevKv: prev } : { op: 'put' };
      }
      case 'delete': {
        const prevKvs: KeyValue[] = [];
        for (const kv of writer.keysIn(op.key, op.end)) {
          writer.delete(kv.key);
          prevKvs.push(kv);
        }
        return { op: 'delete', deleted: prevKvs.length, prevKvs: op.prevKv ? prevKvs : [] };
      }
      case 'range': {
        if (op.revision) return { op: 'range', ...rangeAt(op), revision: 0 };
        const all = writer.keysIn(op.key, op.end);
        const limit = op.limit && op.limit > 0 ? op.limit : all.length;
        const kvs = op.countOnly ? [] : all.slice(0, limit);
        return {
          op: 'range',
          kvs: op.keysOnly ? kvs.map((kv) => ({ ...kv, value: EMPTY })) : kvs,
          count: all.length,
          more: !op.countOnly && all.length > kvs.length,
          revision: 0,
        };
      }
    }
  });
}
