/**
 * What is specific to the etcd backend: how etcd's answers and errors map onto
 * the store contract. General store behaviour is the shared contract suite's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEtcdStore } from '../../embedded-cluster/store/etcd/etcd-store.js';
import {
  CompactedError,
  KEYSPACE_END,
  LIMITS,
  prefixEnd,
  StoreError,
  WatchCancelledError,
  type Store,
  type Watch,
  type WatchEvent,
} from '../../embedded-cluster/store/store.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);

let server: EtcdServer;
let store: Store;

beforeAll(async () => {
  server = await startEtcd();
  store = await openEtcdStore({ endpoints: [server.endpoint] });
}, 30_000);

afterAll(async () => {
  await store?.close();
  await server?.stop();
});

/** The next batch, or a failure if none comes within `ms`. */
async function nextBatch(iterator: AsyncIterator<WatchEvent[]>, ms = 3_000): Promise<WatchEvent[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no watch batch within ${ms} ms`)), ms);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    if (result.done) throw new Error('watch ended');
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe('reads and writes', () => {
  it('maps range options, results and revisions', async () => {
    const first = await store.put('range/a', bytes('1'));
    await store.put('range/b', bytes('2'));
    await store.put('range/c', bytes('3'));
    await store.put('range/a', bytes('4'));

    const limited = await store.range('range/', { end: prefixEnd('range/'), limit: 2 });
    expect(limited.kvs.map((kv) => kv.key)).toEqual(['range/a', 'range/b']);
    expect(limited.count).toBe(3);
    expect(limited.more).toBe(true);
    expect(limited.kvs[0]).toMatchObject({ createRevision: first.revision, version: 2, lease: 0 });
    expect(limited.kvs[0]!.value.constructor).toBe(Uint8Array);
    expect(text(limited.kvs[0]!.value)).toBe('4');

    const counted = await store.range('range/', { end: prefixEnd('range/'), countOnly: true });
    expect(counted).toMatchObject({ kvs: [], count: 3 });
    expect(counted.revision).toBe(first.revision + 3);

    const keysOnly = await store.range('range/', { end: prefixEnd('range/'), keysOnly: true });
    expect(keysOnly.kvs.map((kv) => kv.value.byteLength)).toEqual([0, 0, 0]);

    const toEnd = await store.range('range/b', { end: KEYSPACE_END });
    expect(toEnd.kvs.map((kv) => kv.key).slice(0, 2)).toEqual(['range/b', 'range/c']);

    const old = await store.range('range/a', { revision: first.revision });
    expect(text(old.kvs[0]!.value)).toBe('1');
  });

  it('round-trips non-ASCII keys as UTF-8', async () => {
    await store.put('utf8/schlüssel/€', bytes('x'));
    const result = await store.range('utf8/', { end: prefixEnd('utf8/') });
    expect(result.kvs.map((kv) => kv.key)).toEqual(['utf8/schlüssel/€']);
  });

  it('maps put and delete prevKv', async () => {
    const created = await store.put('prev/a', bytes('1'), { prevKv: true });
    expect(created.prevKv).toBeUndefined();
    const updated = await store.put('prev/a', bytes('2'), { prevKv: true });
    expect(updated.prevKv).toMatchObject({ key: 'prev/a', modRevision: created.revision });
    await store.put('prev/b', bytes('3'));
    const deleted = await store.delete('prev/', { end: prefixEnd('prev/'), prevKv: true });
    expect(deleted.deleted).toBe(2);
    expect(deleted.prevKvs.map((kv) => text(kv.value))).toEqual(['2', '3']);
    const missing = await store.delete('prev/a');
    expect(missing).toEqual({ revision: deleted.revision, deleted: 0, prevKvs: [] });
  });

  it('maps txn compares on every target and operator, and op results', async () => {
    const put = await store.put('txn/a', bytes('v'));
    const holds = await store.txn({
      compare: [
        { key: 'txn/a', target: 'value', result: '=', value: bytes('v') },
        { key: 'txn/a', target: 'version', result: '>', value: 0 },
        { key: 'txn/a', target: 'createRevision', result: '<', value: put.revision + 1 },
        { key: 'txn/a', target: 'modRevision', result: '!=', value: 0 },
        { key: 'txn/a', target: 'lease', result: '=', value: 0 },
        { key: 'txn/missing', target: 'version', result: '=', value: 0 },
      ],
      success: [
        { op: 'range', key: 'txn/a' },
        { op: 'put', key: 'txn/b', value: bytes('w'), prevKv: true },
        { op: 'delete', key: 'txn/a', prevKv: true },
      ],
      failure: [{ op: 'put', key: 'txn/failed', value: bytes('x') }],
    });
    expect(holds.succeeded).toBe(true);
    expect(holds.revision).toBe(put.revision + 1);
    expect(holds.results).toMatchObject([
      { op: 'range', count: 1, more: false, kvs: [{ key: 'txn/a' }] },
      { op: 'put' },
      { op: 'delete', deleted: 1, prevKvs: [{ key: 'txn/a' }] },
    ]);

    const fails = await store.txn({
      compare: [{ key: 'txn/b', target: 'value', result: '!=', value: bytes('w') }],
      success: [{ op: 'put', key: 'txn/x', value: bytes('x') }],
      failure: [{ op: 'range', key: 'txn/b', keysOnly: true }],
    });
    expect(fails.succeeded).toBe(false);
    expect(fails.revision).toBe(holds.revision);
    expect(fails.results).toMatchObject([{ op: 'range', count: 1 }]);
  });
});

describe('error mapping', () => {
  it('compacted reads, compactions and watches carry the compact revision', async () => {
    const first = await store.put('compact/a', bytes('1'));
    await store.put('compact/a', bytes('2'));
    const target = (await store.put('compact/a', bytes('3'))).revision;
    await store.compact(target);

    const read = await rejection(store.range('compact/a', { revision: first.revision }));
    expect(read).toBeInstanceOf(CompactedError);
    expect((read as CompactedError).compactRevision).toBe(target);

    const again = await rejection(store.compact(target));
    expect(again).toBeInstanceOf(CompactedError);
    expect((again as CompactedError).compactRevision).toBe(target);

    const inTxn = await rejection(
      store.txn({ success: [{ op: 'range', key: 'compact/a', revision: first.revision }] }),
    );
    expect(inTxn).toBeInstanceOf(CompactedError);
    expect((inTxn as CompactedError).compactRevision).toBe(target);

    const watch = store.watch('compact/a', { fromRevision: first.revision });
    const error = await watch[Symbol.asyncIterator]()
      .next()
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CompactedError);
    expect((error as CompactedError).compactRevision).toBe(target);

    expect((await store.status()).compactRevision).toBe(target);
  });

  it('learns the exact compact revision when another client compacted', async () => {
    const other = await openEtcdStore({ endpoints: [server.endpoint] });
    try {
      const revision = (await other.put('compact/other', bytes('1'))).revision;
      await other.put('compact/other', bytes('2'));
      await other.compact(revision + 1);
      const status = await store.status();
      expect(status.compactRevision).toBe(revision + 1);
      expect(status.revision).toBeGreaterThanOrEqual(revision + 1);
      expect(status.keys).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });

  it('future revisions', async () => {
    const { revision } = await store.status();
    expect((await rejection(store.range('future', { revision: revision + 100 }))).reason).toBe(
      'FutureRevision',
    );
    expect((await rejection(store.compact(revision + 100))).reason).toBe('FutureRevision');
  });

  it('unknown leases', async () => {
    const unknown = 4_242_424_242;
    expect((await rejection(store.put('lease/x', bytes('1'), { lease: unknown }))).reason).toBe(
      'LeaseNotFound',
    );
    expect((await rejection(store.leaseRevoke(unknown))).reason).toBe('LeaseNotFound');
    expect((await rejection(store.leaseKeepAlive(unknown))).reason).toBe('LeaseNotFound');
    expect(await store.leaseTimeToLive(unknown)).toBe(-1);
  });

  it('grants leases with exact ids and keeps them alive', async () => {
    const chosen = await store.leaseGrant(30);
    expect(Number.isSafeInteger(chosen.id) && chosen.id > 0).toBe(true);
    expect(chosen.ttl).toBe(30);
    expect(await store.leaseKeepAlive(chosen.id)).toBe(30);
    const explicit = await store.leaseGrant(30, 777);
    expect(explicit.id).toBe(777);
    expect((await rejection(store.leaseGrant(30, 777))).reason).toBe('InvalidArgument');
    const put = await store.put('lease/held', bytes('1'), { lease: 777 });
    expect((await store.range('lease/held')).kvs[0]!.lease).toBe(777);
    expect(await store.leaseTimeToLive(777)).toBeGreaterThan(0);
    await store.leaseRevoke(777);
    await store.leaseRevoke(chosen.id);
    const after = await store.range('lease/held');
    expect(after.kvs).toEqual([]);
    expect(after.revision).toBe(put.revision + 1);
  });

  it('too large values locally, too large requests from etcd', async () => {
    const big = new Uint8Array(LIMITS.maxValueBytes + 1);
    const put = await rejection(store.put('large/a', big));
    expect(put.reason).toBe('TooLarge');
    expect(put.message).toContain(String(LIMITS.maxValueBytes));
    const inTxn = await rejection(store.txn({ success: [{ op: 'put', key: 'large/a', value: big }] }));
    expect(inTxn.reason).toBe('TooLarge');

    // Beyond etcd's request limit (1.5 MiB) and beyond its gRPC limit (2 MiB).
    const hugeKey = 'large/' + 'k'.repeat(1.6 * 1024 * 1024);
    expect((await rejection(store.put(hugeKey, bytes('1')))).reason).toBe('TooLarge');
    const hugerKey = 'large/' + 'k'.repeat(3 * 1024 * 1024);
    for (let i = 0; i < 4; i++) {
      expect((await rejection(store.put(hugerKey, bytes('1')))).reason).toBe('TooLarge');
    }
    // No circuit breaker left open by the failures above.
    await expect(store.put('large/ok', bytes('1'))).resolves.toBeDefined();
  });

  it('too many txn ops, duplicate keys', async () => {
    const ops = Array.from({ length: LIMITS.maxTxnOps + 1 }, (_, i) => ({
      op: 'put' as const,
      key: `ops/${i}`,
      value: bytes('1'),
    }));
    const tooMany = await rejection(store.txn({ success: ops }));
    expect(tooMany.reason).toBe('TooManyOps');
    expect(tooMany.message).toContain(String(LIMITS.maxTxnOps));
    await expect(store.txn({ success: ops.slice(0, LIMITS.maxTxnOps) })).resolves.toMatchObject({
      succeeded: true,
    });

    const duplicate = await rejection(
      store.txn({
        success: [
          { op: 'put', key: 'dup/a', value: bytes('1') },
          { op: 'put', key: 'dup/a', value: bytes('2') },
        ],
      }),
    );
    expect(duplicate.reason).toBe('DuplicateKey');
  });

  it('unreachable cluster and closed store', async () => {
    const started = Date.now();
    const unreachable = await rejection(
      openEtcdStore({ endpoints: ['http://127.0.0.1:1'], dialTimeoutMs: 300 }),
    );
    expect(unreachable.reason).toBe('Unavailable');
    expect(Date.now() - started).toBeLessThan(3_000);

    const other = await openEtcdStore({ endpoints: [server.endpoint] });
    const watch = other.watch('closed/a');
    const iterator = watch[Symbol.asyncIterator]();
    const pending = iterator.next().catch((err: unknown) => err);
    await other.close();
    expect((await pending) as StoreError).toMatchObject({ reason: 'Closed' });
    expect((await rejection(other.range('closed/a'))).reason).toBe('Closed');
    expect((await rejection(other.leaseKeepAlive(1))).reason).toBe('Closed');
  });
});

describe('watch', () => {
  it('delivers one batch per revision with prevKv; delete events carry the delete revision', async () => {
    const start = (await store.put('watch/a', bytes('1'))).revision;
    const watch = store.watch('watch/', { end: prefixEnd('watch/'), fromRevision: start, prevKv: true });
    const iterator = watch[Symbol.asyncIterator]();
    try {
      await store.put('watch/a', bytes('2'));
      const txn = await store.txn({
        success: [
          { op: 'put', key: 'watch/b', value: bytes('3') },
          { op: 'delete', key: 'watch/a' },
        ],
      });

      // etcd may coalesce revisions while catching up; never splits one.
      const events: WatchEvent[] = [];
      while (events.length < 4) {
        events.push(...(await nextBatch(iterator)));
      }
      expect(events.map((e) => [e.type, e.kv.key, e.kv.modRevision])).toEqual([
        ['put', 'watch/a', start],
        ['put', 'watch/a', start + 1],
        ['put', 'watch/b', txn.revision],
        ['delete', 'watch/a', txn.revision],
      ]);
      expect(text(events[1]!.prevKv!.value)).toBe('1');
      expect(events[2]!.prevKv).toBeUndefined();
      expect(events[3]!.kv.value.byteLength).toBe(0);
      expect(text(events[3]!.prevKv!.value)).toBe('2');
    } finally {
      watch.cancel();
    }
  });

  it('a transaction arrives as one batch', async () => {
    const watch = store.watch('batch/', { end: prefixEnd('batch/') });
    const iterator = watch[Symbol.asyncIterator]();
    try {
      const txn = await store.txn({
        success: Array.from({ length: 5 }, (_, i) => ({
          op: 'put' as const,
          key: `batch/${i}`,
          value: bytes('x'),
        })),
      });
      const batch = await nextBatch(iterator);
      expect(batch).toHaveLength(5);
      expect(batch.every((e) => e.kv.modRevision === txn.revision)).toBe(true);
    } finally {
      watch.cancel();
    }
  });

  it('without fromRevision: sees a change made right after watch() returns, not earlier ones', async () => {
    await store.put('implicit/a', bytes('before'));
    const watch = store.watch('implicit/a');
    const put = store.put('implicit/a', bytes('after'));
    const batch = await nextBatch(watch[Symbol.asyncIterator]());
    expect(batch.map((e) => text(e.kv.value))).toEqual(['after']);
    expect(batch[0]!.kv.modRevision).toBe((await put).revision);
    watch.cancel();
  });

  it('without fromRevision, after another client compacted past what this store saw: starts at the compact revision', async () => {
    const other = await openEtcdStore({ endpoints: [server.endpoint] });
    try {
      await other.put('implicit/b', bytes('1'));
      const compacted = (await other.put('implicit/b', bytes('2'))).revision;
      await other.compact(compacted);
      const watch = store.watch('implicit/b');
      const batch = await nextBatch(watch[Symbol.asyncIterator]());
      expect(batch.map((e) => [e.kv.modRevision, text(e.kv.value)])).toEqual([[compacted, '2']]);
      watch.cancel();
    } finally {
      await other.close();
    }
  });

  it('lease expiry arrives as delete events', async () => {
    const lease = await store.leaseGrant(1);
    const put = await store.put('expiry/a', bytes('1'), { lease: lease.id });
    const watch = store.watch('expiry/a', { fromRevision: put.revision + 1, prevKv: true });
    try {
      const batch = await nextBatch(watch[Symbol.asyncIterator](), 10_000);
      expect(batch).toHaveLength(1);
      expect(batch[0]).toMatchObject({
        type: 'delete',
        kv: { key: 'expiry/a' },
        prevKv: { lease: lease.id },
      });
      expect(await store.leaseTimeToLive(lease.id)).toBe(-1);
    } finally {
      watch.cancel();
    }
  }, 15_000);

  it('cancel() ends iteration normally, also for a pending next()', async () => {
    const watch = store.watch('cancel/a');
    const seen: WatchEvent[][] = [];
    const loop = (async () => {
      for await (const batch of watch) seen.push(batch);
      return 'ended';
    })();
    await store.put('cancel/a', bytes('1'));
    await expect.poll(() => seen.length, { timeout: 3_000 }).toBe(1);
    watch.cancel();
    await expect(loop).resolves.toBe('ended');
    await expect(watch[Symbol.asyncIterator]().next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('breaking out of for-await cancels the watch', async () => {
    const watch: Watch = store.watch('break/a');
    await store.put('break/a', bytes('1'));
    for await (const batch of watch) {
      expect(batch).toHaveLength(1);
      break;
    }
    await expect(watch[Symbol.asyncIterator]().next()).resolves.toMatchObject({ done: true });
  });

  it('a server-side cancellation with a reason is a WatchCancelledError', async () => {
    const watch = store.watch('cancelled/b', { end: 'cancelled/a', fromRevision: 1 });
    const error = await watch[Symbol.asyncIterator]()
      .next()
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WatchCancelledError);
    expect((error as WatchCancelledError).message).toContain('watcher range is empty');
    expect((error as WatchCancelledError).nextRevision).toBe(1);
  });

  it('a consumer that does not pull is cancelled after 10,000 unread events', async () => {
    const { revision } = await store.status();
    const watch = store.watch('overflow/', { end: prefixEnd('overflow/'), fromRevision: revision + 1 });
    const iterator = watch[Symbol.asyncIterator]();
    // 120 transactions of 128 puts: 15,360 events in 120 revisions.
    await Promise.all(
      Array.from({ length: 120 }, (_, t) =>
        store.txn({
          success: Array.from({ length: 128 }, (_, i) => ({
            op: 'put' as const,
            key: `overflow/${t}/${i}`,
            value: bytes('x'),
          })),
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const error = await iterator.next().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WatchCancelledError);
    expect((error as WatchCancelledError).nextRevision).toBe(revision + 1);
    expect((error as WatchCancelledError).message).toMatch(/10000 events/);
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
  });
});
