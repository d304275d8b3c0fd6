import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEYSPACE_END,
  prefixEnd,
  type Store,
  type Watch,
  type WatchEvent,
} from '../../embedded-cluster/store/store.js';

/**
 * The behaviour every store backend shares with etcd v3. Each test works
 * under its own key prefix and relative to the revisions it observes, so the
 * same suite runs against a fresh embedded store and a long-lived etcd.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<{ store: Store; close(): Promise<void> }>,
) {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let n = 0;
    const enc = (s: string) => new TextEncoder().encode(s);
    const dec = (b: Uint8Array) => new TextDecoder().decode(b);
    const fresh = () => `/contract/${Date.now()}-${n++}/`;

    beforeAll(async () => {
      ({ store, close } = await open());
    }, 30_000);
    afterAll(async () => close?.());

    /** Collect events from `watch` until `count` arrived, keeping batch boundaries. */
    async function take(watch: Watch, count: number): Promise<WatchEvent[][]> {
      const batches: WatchEvent[][] = [];
      let seen = 0;
      for await (const batch of watch) {
        batches.push(batch);
        seen += batch.length;
        if (seen >= count) break;
      }
      return batches;
    }

    it('numbers every write with one new revision and tracks create/mod revision and version per key', async () => {
      const p = fresh();
      const first = await store.put(`${p}a`, enc('1'));
      const second = await store.put(`${p}a`, enc('2'));
      expect(second.revision).toBe(first.revision + 1);
      const { kvs, revision } = await store.range(`${p}a`);
      expect(revision).toBeGreaterThanOrEqual(second.revision);
      expect(kvs).toHaveLength(1);
      expect(kvs[0]).toMatchObject({
        key: `${p}a`,
        createRevision: first.revision,
        modRevision: second.revision,
        version: 2,
      });
      expect(dec(kvs[0]!.value)).toBe('2');
    });

    it('reads a key, a prefix, a [key, end) range and everything from a key, with limit, count and more', async () => {
      const p = fresh();
      for (const k of ['a', 'b', 'c', 'd']) await store.put(`${p}${k}`, enc(k));
      await store.put(`${p.slice(0, -1)}~outside`, enc('x'));
      const all = await store.range(p, { end: prefixEnd(p) });
      expect(all.kvs.map((kv) => kv.key)).toEqual(['a', 'b', 'c', 'd'].map((k) => p + k));
      expect(all).toMatchObject({ count: 4, more: false });
      const limited = await store.range(p, { end: prefixEnd(p), limit: 2 });
      expect(limited.kvs.map((kv) => dec(kv.value))).toEqual(['a', 'b']);
      expect(limited).toMatchObject({ count: 4, more: true });
      const span = await store.range(`${p}b`, { end: `${p}d` });
      expect(span.kvs.map((kv) => dec(kv.value))).toEqual(['b', 'c']);
      const counted = await store.range(p, { end: prefixEnd(p), countOnly: true });
      expect(counted).toMatchObject({ count: 4, kvs: [] });
      const keysOnly = await store.range(p, { end: prefixEnd(p), keysOnly: true });
      expect(keysOnly.kvs.every((kv) => kv.value.length === 0)).toBe(true);
      const toEnd = await store.range(`${p}c`, { end: KEYSPACE_END });
      expect(toEnd.kvs.map((kv) => kv.key)).toContain(`${p}d`);
      expect(toEnd.kvs.map((kv) => kv.key)).not.toContain(`${p}b`);
      expect(await store.range(`${p}zz`)).toMatchObject({ kvs: [], count: 0, more: false });
    });

    it('reads the past: a value as it was, a deleted key before its tombstone, a new generation after', async () => {
      const p = fresh();
      const r1 = (await store.put(`${p}k`, enc('one'))).revision;
      const r2 = (await store.put(`${p}k`, enc('two'))).revision;
      const r3 = (await store.delete(`${p}k`)).revision;
      const r4 = (await store.put(`${p}k`, enc('three'))).revision;
      expect(dec((await store.range(`${p}k`, { revision: r1 })).kvs[0]!.value)).toBe('one');
      expect(dec((await store.range(`${p}k`, { revision: r2 })).kvs[0]!.value)).toBe('two');
      expect((await store.range(`${p}k`, { revision: r3 })).kvs).toEqual([]);
      const now = (await store.range(`${p}k`, { revision: r4 })).kvs[0]!;
      expect(now).toMatchObject({ createRevision: r4, modRevision: r4, version: 1 });
      expect((await store.range(`${p}k`, { revision: r1 - 1 })).kvs).toEqual([]);
    });

    it('rejects a read at a future revision', async () => {
      const { revision } = await store.status();
      await expect(store.range('/contract/none', { revision: revision + 1000 })).rejects.toMatchObject({
        reason: 'FutureRevision',
      });
    });

    it('deletes a range, returning what it held; deleting nothing does not advance the revision', async () => {
      const p = fresh();
      await store.put(`${p}a`, enc('1'));
      await store.put(`${p}b`, enc('2'));
      const del = await store.delete(p, { end: prefixEnd(p), prevKv: true });
      expect(del.deleted).toBe(2);
      expect(del.prevKvs.map((kv) => dec(kv.value))).toEqual(['1', '2']);
      const none = await store.delete(`${p}a`);
      expect(none).toMatchObject({ deleted: 0, revision: del.revision });
      expect((await store.status()).revision).toBeGreaterThanOrEqual(del.revision);
    });

    it('returns the previous value of a put on request', async () => {
      const p = fresh();
      expect((await store.put(`${p}a`, enc('1'), { prevKv: true })).prevKv).toBeUndefined();
      expect(dec((await store.put(`${p}a`, enc('2'), { prevKv: true })).prevKv!.value)).toBe('1');
    });

    it('runs a transaction atomically under one revision, comparing on value, version and revisions', async () => {
      const p = fresh();
      const created = await store.put(`${p}a`, enc('v1'));
      const t = await store.txn({
        compare: [
          { key: `${p}a`, target: 'value', result: '=', value: enc('v1') },
          { key: `${p}a`, target: 'version', result: '=', value: 1 },
          { key: `${p}a`, target: 'createRevision', result: '=', value: created.revision },
          { key: `${p}a`, target: 'modRevision', result: '<', value: created.revision + 1 },
          { key: `${p}missing`, target: 'version', result: '=', value: 0 },
          { key: `${p}a`, target: 'value', result: '!=', value: enc('other') },
          { key: `${p}a`, target: 'version', result: '>', value: 0 },
        ],
        success: [
          { op: 'put', key: `${p}a`, value: enc('v2') },
          { op: 'put', key: `${p}b`, value: enc('b') },
          { op: 'range', key: p, end: prefixEnd(p) },
        ],
        failure: [{ op: 'put', key: `${p}failed`, value: enc('x') }],
      });
      expect(t.succeeded).toBe(true);
      expect(t.revision).toBe(created.revision + 1);
      const range = t.results[2]!;
      expect(range.op).toBe('range');
      if (range.op === 'range') expect(range.kvs.map((kv) => dec(kv.value))).toEqual(['v2', 'b']);
      const kvs = (await store.range(p, { end: prefixEnd(p) })).kvs;
      expect(kvs.map((kv) => kv.modRevision)).toEqual([t.revision, t.revision]);

      const f = await store.txn({
        compare: [{ key: `${p}a`, target: 'modRevision', result: '=', value: created.revision }],
        success: [{ op: 'put', key: `${p}a`, value: enc('never') }],
        failure: [{ op: 'range', key: `${p}a` }],
      });
      expect(f.succeeded).toBe(false);
      expect(f.revision).toBe(t.revision);
      const got = f.results[0]!;
      if (got.op === 'range') expect(dec(got.kvs[0]!.value)).toBe('v2');
    });

    it('rejects a key put twice in one transaction, too many operations and oversized values', async () => {
      const p = fresh();
      await expect(
        store.txn({
          success: [
            { op: 'put', key: `${p}a`, value: enc('1') },
            { op: 'put', key: `${p}a`, value: enc('2') },
          ],
        }),
      ).rejects.toMatchObject({ reason: 'DuplicateKey' });
      const many = Array.from({ length: 129 }, (_, i) => ({
        op: 'put' as const,
        key: `${p}${i}`,
        value: enc('x'),
      }));
      await expect(store.txn({ success: many })).rejects.toMatchObject({ reason: 'TooManyOps' });
      await expect(store.put(`${p}big`, new Uint8Array(1.5 * 1024 * 1024 + 1))).rejects.toMatchObject({
        reason: 'TooLarge',
      });
      expect((await store.range(p, { end: prefixEnd(p) })).count).toBe(0);
    });

    it('watches from a revision, inclusive, in order with no gaps, never splitting a revision', async () => {
      const p = fresh();
      const start = (await store.put(`${p}a`, enc('1'))).revision;
      await store.put(`${p}b`, enc('2'));
      await store.txn({
        success: [
          { op: 'put', key: `${p}c`, value: enc('3') },
          { op: 'put', key: `${p}d`, value: enc('4') },
          { op: 'put', key: `${p}e`, value: enc('5') },
        ],
      });
      await store.delete(`${p}a`);
      const watch = store.watch(p, { end: prefixEnd(p), fromRevision: start, prevKv: true });
      const batches = await take(watch, 6);
      watch.cancel();
      const events = batches.flat();
      expect(events.map((e) => [e.type, e.kv.key.slice(p.length)])).toEqual([
        ['put', 'a'],
        ['put', 'b'],
        ['put', 'c'],
        ['put', 'd'],
        ['put', 'e'],
        ['delete', 'a'],
      ]);
      const revisions = events.map((e) => e.kv.modRevision);
      expect(revisions).toEqual([start, start + 1, start + 2, start + 2, start + 2, start + 3]);
      expect(dec(events[5]!.prevKv!.value)).toBe('1');
      for (const batch of batches) {
        const txnEvents = batch.filter((e) => e.kv.modRevision === start + 2);
        expect([0, 3]).toContain(txnEvents.length);
      }
    });

    it('delivers live changes to a watcher and ends iteration on cancel', async () => {
      const p = fresh();
      const { revision } = await store.status();
      const watch = store.watch(`${p}k`, { fromRevision: revision + 1 });
      const got = take(watch, 2);
      await store.put(`${p}k`, enc('1'));
      await store.put(`${p}other`, enc('ignored'));
      await store.put(`${p}k`, enc('2'));
      const events = (await got).flat();
      expect(events.map((e) => dec(e.kv.value))).toEqual(['1', '2']);
      watch.cancel();
      const after = await watch[Symbol.asyncIterator]().next();
      expect(after.done).toBe(true);
    });

    it('compacts history: old reads and watches fail with the compact revision, newer ones work', async () => {
      const p = fresh();
      const r1 = (await store.put(`${p}k`, enc('1'))).revision;
      const r2 = (await store.put(`${p}k`, enc('2'))).revision;
      const r3 = (await store.put(`${p}k`, enc('3'))).revision;
      await store.compact(r2);
      await expect(store.range(`${p}k`, { revision: r1 })).rejects.toMatchObject({
        reason: 'Compacted',
        compactRevision: r2,
      });
      expect(dec((await store.range(`${p}k`, { revision: r2 })).kvs[0]!.value)).toBe('2');
      const watch = store.watch(`${p}k`, { fromRevision: r1 });
      await expect(take(watch, 1)).rejects.toMatchObject({ reason: 'Compacted', compactRevision: r2 });
      const ok = store.watch(`${p}k`, { fromRevision: r3 });
      expect((await take(ok, 1)).flat()[0]!.kv.modRevision).toBe(r3);
      ok.cancel();
      await expect(store.compact(r1)).rejects.toMatchObject({ reason: 'Compacted' });
      expect((await store.status()).compactRevision).toBeGreaterThanOrEqual(r2);
    });

    it('grants, keeps alive and revokes leases; revoking deletes the attached keys as delete events', async () => {
      const p = fresh();
      const lease = await store.leaseGrant(60);
      expect(lease.ttl).toBe(60);
      await store.put(`${p}a`, enc('1'), { lease: lease.id });
      await store.put(`${p}b`, enc('2'), { lease: lease.id });
      await store.put(`${p}c`, enc('3'));
      expect((await store.range(`${p}a`)).kvs[0]!.lease).toBe(lease.id);
      expect(await store.leaseKeepAlive(lease.id)).toBe(60);
      const ttl = await store.leaseTimeToLive(lease.id);
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(60);
      const { revision } = await store.status();
      const watch = store.watch(p, { end: prefixEnd(p), fromRevision: revision + 1 });
      await store.leaseRevoke(lease.id);
      const events = (await take(watch, 2)).flat();
      watch.cancel();
      expect(events.map((e) => [e.type, e.kv.key.slice(p.length)])).toEqual([
        ['delete', 'a'],
        ['delete', 'b'],
      ]);
      expect(events[0]!.kv.modRevision).toBe(events[1]!.kv.modRevision);
      expect((await store.range(p, { end: prefixEnd(p) })).kvs.map((kv) => kv.key)).toEqual([`${p}c`]);
      expect(await store.leaseTimeToLive(lease.id)).toBe(-1);
      await expect(store.leaseKeepAlive(lease.id)).rejects.toMatchObject({ reason: 'LeaseNotFound' });
      await expect(store.leaseRevoke(lease.id)).rejects.toMatchObject({ reason: 'LeaseNotFound' });
      await expect(store.put(`${p}d`, enc('x'), { lease: lease.id })).rejects.toMatchObject({
        reason: 'LeaseNotFound',
      });
    });

    it('expires a lease after its TTL and deletes its keys', async () => {
      const p = fresh();
      // 2 s: etcd raises shorter TTLs to its minimum.
      const lease = await store.leaseGrant(2);
      await store.put(`${p}a`, enc('1'), { lease: lease.id });
      const start = Date.now();
      const { revision } = await store.status();
      const watch = store.watch(`${p}a`, { fromRevision: revision + 1 });
      const [event] = (await take(watch, 1)).flat();
      watch.cancel();
      const elapsed = Date.now() - start;
      expect(event!.type).toBe('delete');
      expect(elapsed).toBeGreaterThan(1000);
      expect(elapsed).toBeLessThan(8000);
      expect((await store.range(`${p}a`)).kvs).toEqual([]);
    }, 15_000);
  });
}
