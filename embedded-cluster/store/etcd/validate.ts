/**
 * Checks made before a request leaves the process, so that the etcd backend
 * rejects oversized values and oversized transactions with the same reasons
 * and messages as the embedded backend instead of whatever etcd's gRPC layer
 * says (a value just above the limit is "request is too large", one further
 * above is a transport-level RESOURCE_EXHAUSTED).
 */
import { LIMITS, StoreError, type Op, type TxnRequest } from '../store.js';

export function validateValue(key: string, value: Uint8Array): void {
  if (value.byteLength > LIMITS.maxValueBytes) {
    throw new StoreError(
      'TooLarge',
      `value of ${key} is ${value.byteLength} bytes; the limit is ${LIMITS.maxValueBytes} bytes (LIMITS.maxValueBytes)`,
    );
  }
}

/** As etcd's --max-txn-ops: compares, success ops and failure ops are each limited. */
export function validateTxn(request: TxnRequest): void {
  for (const [name, list] of [
    ['compare', request.compare ?? []],
    ['success', request.success ?? []],
    ['failure', request.failure ?? []],
  ] as const) {
    if (list.length > LIMITS.maxTxnOps) {
      throw new StoreError(
        'TooManyOps',
        `too many operations in txn request: ${list.length} ${name} operations; the limit is ${LIMITS.maxTxnOps} (LIMITS.maxTxnOps)`,
      );
    }
  }
  for (const op of [...(request.success ?? []), ...(request.failure ?? [])]) validateOp(op);
}

function validateOp(op: Op): void {
  if (op.op === 'put') validateValue(op.key, op.value);
}

/** A revision or lease id that fits etcd's int64 and our numbers exactly. */
export function validateId(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StoreError('InvalidArgument', `${name} must be a non-negative safe integer, got ${value}`);
  }
}
