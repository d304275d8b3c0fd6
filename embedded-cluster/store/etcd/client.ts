/**
 * Construction of the `etcd3` client the etcd store talks through. This folder
 * is the only place in the project that imports `etcd3`.
 *
 * The client's default fault handling is switched off on purpose:
 *
 * - its global policy retries every "recoverable" gRPC error up to three
 *   times, which re-sends non-idempotent writes (a put that timed out may be
 *   applied twice) and re-sends oversized requests;
 * - its per-host circuit breaker opens after three consecutive recoverable
 *   errors and then fails *every* call for 5 s with a `BrokenCircuitError` —
 *   three oversized requests in a row (gRPC RESOURCE_EXHAUSTED counts as
 *   recoverable) would take the whole store down for 5 s.
 *
 * The store maps every failure to a {@link StoreError} and leaves retrying to
 * its callers, which know whether an operation is safe to repeat.
 */
import { Etcd3, type IOptions } from 'etcd3';

type FaultPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

const noopDisposable = { dispose(): void {} };
const neverAborted = new AbortController().signal;

/**
 * A policy that runs the call once and lets its outcome through. `etcd3` only
 * ever calls `execute` on its policies; the event properties exist to satisfy
 * cockatiel's `IPolicy` shape.
 */
const passThrough = {
  onSuccess: () => noopDisposable,
  onFailure: () => noopDisposable,
  execute: async <T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T> =>
    fn({ signal: neverAborted }),
} as unknown as FaultPolicy;

export function createEtcdClient(endpoints: readonly string[]): Etcd3 {
  return new Etcd3({
    hosts: [...endpoints],
    faultHandling: { global: passThrough, host: () => passThrough },
    grpcOptions: {
      // A range may legitimately return far more than gRPC's default 4 MiB.
      'grpc.max_receive_message_length': -1,
      // Notice a dead connection under a long-lived watch. etcd refuses pings
      // more often than every 5 s, and pings without an active call.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 0,
    },
  });
}

export type { Etcd3 };
export {
  castGrpcError,
  ClientClosedError,
  type IDuplexStream,
  type IKeyValue,
  type IResponseHeader,
  type IWatchRequest,
  type IWatchResponse,
  type ILeaseKeepAliveRequest,
  type ILeaseKeepAliveResponse,
  type ICompare,
  type IRequestOp,
  type IResponseOp,
  type LeaseClient,
  type WatchClient,
} from 'etcd3';
