import { execFile } from 'node:child_process';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  openEmbeddedStore,
  type EmbeddedStore,
  type EmbeddedStoreConfig,
} from '../../embedded-cluster/store/embedded/embedded-store.js';
import type { SegmentFile } from '../../embedded-cluster/store/embedded/wal/write-ahead-log.js';
import { prefixEnd, type WatchEvent } from '../../embedded-cluster/store/store.js';
import { ManualClock } from '../../embedded-cluster/util/clock.js';
import { tempDir } from '../support/temp-dir.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

let dir: Awaited<ReturnType<typeof tempDir>>;
let open: EmbeddedStore[] = [];
beforeEach(async () => {
  dir = await tempDir('store');
});
afterEach(async () => {
  for (const s of open) await s.close();
  open = [];
  await dir.remove();
});

async function openStore(config: Partial<EmbeddedStoreConfig> = {}): Promise<EmbeddedStore> {
  const store = await openEmbeddedStore({ dataDir: dir.path, autoCompaction: false, ...config });
  open.push(store);
  return store;
}
async function reopen(
  store: EmbeddedStore,
  config: Partial<EmbeddedStoreConfig> = {},
): Promise<EmbeddedStore> {
  await store.close();
  open = open.filter((s) => s !== store);
  return openStore(config);
}
async function segments(): Promise<string[]> {
  return (await readdir(join(dir.path, 'wal'))).sort().map((name) => join(dir.path, 'wal', name));
}

describe('embedded store durability', () => {
  it('recovers every write, its revisions and its history after a reopen', async () => {
    let store = await openStore();
    const r = [];
    for (let i = 0; i < 20; i++) r.push((await store.put(`/k/${i % 5}`, enc(`v${i}`))).revision);
    await store.delete('/k/0');
    const before = await store.status();
    store = await reopen(store);
    expect(await store.status()).toEqual(before);
    expect(dec((await store.range('/k/1', { revision: r[1] })).kvs[0]!.value)).toBe('v1');
    expect((await store.range('/k/', { end: prefixEnd('/k/') })).count).toBe(4);
  });

  it('snapshots, drops the covered log segments, and recovers from snapshot plus log', async () => {
    let store = await openStore({ snapshotEveryBytes: 4096 });
    for (let i = 0; i < 300; i++) await store.put(`/s/${i % 30}`, enc(`value-${i}`.padEnd(64, '.')));
    await store.snapshot();
    await store.put('/s/after', enc('tail'));
    const snaps = await readdir(join(dir.path, 'snap'));
    expect(snaps.filter((n) => n.endsWith('.snap'))).toHaveLength(1);
    expect((await segments()).length).toBe(1);
    const { value, ...first } = (await store.range('/s/0')).kvs[0]!;
    const before = await store.status();
    store = await reopen(store);
    expect(await store.status()).toEqual(before);
    const { value: recoveredValue, ...recovered } = (await store.range('/s/0')).kvs[0]!;
    expect(recovered).toEqual(first);
    expect(dec(recoveredValue)).toBe(dec(value));
    // History before the snapshot survives it: a watch can replay it.
    const events: WatchEvent[] = [];
    const watch = store.watch('/s/0', { fromRevision: 2 });
    for await (const batch of watch) {
      events.push(...batch);
      if (events.length >= 10) break;
    }
    expect(events.map((e) => dec(e.kv.value).replace(/\.+$/, ''))).toEqual(
      Array.from({ length: 10 }, (_, i) => `value-${i * 30}`),
    );
  });

  it('cuts off a torn final record and keeps every complete one', async () => {
    let store = await openStore();
    for (let i = 0; i < 10; i++) await store.put(`/t/${i}`, enc(`v${i}`));
    await store.close();
    open = [];
    const [segment] = await segments();
    const size = (await stat(segment!)).size;
    await truncate(segment!, size - 3);
    store = await openStore();
    expect((await store.range('/t/', { end: prefixEnd('/t/') })).count).toBe(9);
    expect((await store.put('/t/new', enc('x'))).revision).toBe(11);
    store = await reopen(store);
    expect((await store.range('/t/', { end: prefixEnd('/t/') })).count).toBe(10);
  });

  it('refuses to start on a damaged record in the middle of the log, naming file and offset', async () => {
    const store = await openStore();
    for (let i = 0; i < 10; i++) await store.put(`/c/${i}`, enc(`value ${i}`));
    await store.close();
    open = [];
    const [segment] = await segments();
    const bytes = await readFile(segment!);
    bytes[bytes.length >> 1]! ^= 0x04;
    await writeFile(segment!, bytes);
    await expect(openStore()).rejects.toThrow(new RegExp(`log segment ${segment} is corrupt at offset \\d+`));
    // The refusal left the directory unlocked and untouched.
    expect((await readFile(segment!)).equals(bytes)).toBe(true);
  });

  it('lets one process at a time use a data directory', async () => {
    await openStore();
    const script = `import('${new URL('../../embedded-cluster/store/embedded/embedded-store.ts', import.meta.url).pathname}')
      .then((m) => m.openEmbeddedStore({ dataDir: '${dir.path}' }))
      .then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script]);
    await expect(run).rejects.toMatchObject({
      code: 3,
      stderr: expect.stringMatching(
        new RegExp(`data directory ${dir.path} is in use by process ${process.pid}`),
      ),
    });
  });
});

/**
 * Opens segments through a wrapper that counts syncs, can hold a sync until
 * released, and can make the next write or sync fail.
 */
function instrumented() {
  const faults = { write: undefined as string | undefined, sync: undefined as string | undefined };
  const syncs = { count: 0, gate: undefined as Promise<void> | undefined };
  const openSegmentFile = async (path: string): Promise<SegmentFile> => {
    const { open } = await import('node:fs/promises');
    const file = await open(path, 'a');
    const fail = (code: string) => Object.assign(new Error(`${code}: injected`), { code });
    return {
      writev: async (buffers) => {
        if (faults.write) throw fail(faults.write);
        return file.writev(buffers);
      },
      datasync: async () => {
        syncs.count++;
        await syncs.gate;
        if (faults.sync) throw fail(faults.sync);
        return file.datasync();
      },
      truncate: (length) => file.truncate(length),
      close: () => file.close(),
    };
  };
  return { faults, syncs, openSegmentFile };
}

describe('embedded store acknowledgements', () => {
  it('acknowledges a write only after its fsync, and serves no read of it before', async () => {
    const { syncs, openSegmentFile } = instrumented();
    const store = await openStore({ openSegmentFile });
    let release!: () => void;
    syncs.gate = new Promise((resolve) => (release = resolve));
    let acknowledged = false;
    const put = store.put('/ack/a', enc('1')).then((r) => ((acknowledged = true), r));
    await new Promise((r) => setTimeout(r, 50));
    expect(acknowledged).toBe(false);
    expect((await store.range('/ack/a')).kvs).toEqual([]);
    // A later transaction already compares against it, and answers once both are durable.
    const txn = store.txn({ compare: [{ key: '/ack/a', target: 'version', result: '=', value: 1 }] });
    release();
    syncs.gate = undefined;
    expect((await put).revision).toBe(2);
    expect((await txn).succeeded).toBe(true);
    expect((await store.range('/ack/a')).kvs).toHaveLength(1);
  });

  it('covers every write waiting on a sync with one group commit', async () => {
    const { syncs, openSegmentFile } = instrumented();
    const store = await openStore({ openSegmentFile });
    const before = syncs.count;
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.put(`/group/${i}`, enc(String(i)))));
    expect(syncs.count - before).toBeLessThanOrEqual(3);
    expect((await store.range('/group/', { end: prefixEnd('/group/') })).count).toBe(64);
  });
});

describe('embedded store failures', () => {
  const faulty = instrumented;

  it('rejects writes on a full disk with a clear error, loses nothing, and carries on once there is space', async () => {
    const { faults, openSegmentFile } = faulty();
    let store = await openStore({ openSegmentFile });
    await store.put('/d/a', enc('1'));
    faults.write = 'ENOSPC';
    const results = await Promise.allSettled([store.put('/d/b', enc('2')), store.put('/d/c', enc('3'))]);
    for (const r of results) {
      expect(r).toMatchObject({ status: 'rejected', reason: { reason: 'NoSpace' } });
      if (r.status === 'rejected') expect(r.reason.message).toMatch(/no space left/);
    }
    expect((await store.range('/d/', { end: prefixEnd('/d/') })).kvs.map((kv) => kv.key)).toEqual(['/d/a']);
    faults.write = undefined;
    expect((await store.put('/d/d', enc('4'))).revision).toBe(3);
    store = await reopen(store);
    expect(
      (await store.range('/d/', { end: prefixEnd('/d/') })).kvs.map((kv) => [kv.key, kv.modRevision]),
    ).toEqual([
      ['/d/a', 2],
      ['/d/d', 3],
    ]);
  });

  it('stops taking writes after a failed fsync, keeps serving reads, and recovers on reopen', async () => {
    const { faults, openSegmentFile } = faulty();
    let store = await openStore({ openSegmentFile });
    await store.put('/f/a', enc('1'));
    faults.sync = 'EIO';
    await expect(store.put('/f/b', enc('2'))).rejects.toMatchObject({ reason: 'Unavailable' });
    await expect(store.put('/f/c', enc('3'))).rejects.toThrow(/no further writes are accepted/);
    expect((await store.range('/f/a')).kvs).toHaveLength(1);
    expect((await store.range('/f/b')).kvs).toHaveLength(0);
    store = await reopen(store);
    expect((await store.put('/f/d', enc('4'))).revision).toBeGreaterThan(2);
  });
});

describe('embedded store watchers, leases and compaction', () => {
  it('cancels a caught-up watcher whose consumer stopped reading, with where to resume; writers never wait', async () => {
    const store = await openStore({ maxPendingWatchEvents: 10 });
    const start = (await store.status()).revision + 1;
    const watch = store.watch('/w/', { end: prefixEnd('/w/') });
    for (let i = 0; i < 30; i++) await store.put(`/w/${i}`, enc(String(i)));
    const it = watch[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ reason: 'WatchCancelled', nextRevision: start });
    await expect(it.next()).resolves.toMatchObject({ done: true });
    expect(store.stats().watchers).toBe(0);
    // Resuming from the revision it names loses nothing.
    const resumed = store.watch('/w/', { end: prefixEnd('/w/'), fromRevision: start });
    const events: WatchEvent[] = [];
    for await (const batch of resumed) {
      events.push(...batch);
      if (events.length >= 30) break;
    }
    expect(events.map((e) => dec(e.kv.value))).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
  });

  it('lets a watcher catch up from far back without cancelling it', async () => {
    const store = await openStore({ maxPendingWatchEvents: 10 });
    for (let i = 0; i < 50; i++) await store.put(`/b/${i}`, enc(String(i)));
    const watch = store.watch('/b/', { end: prefixEnd('/b/'), fromRevision: 2 });
    let seen = 0;
    for await (const batch of watch) {
      seen += batch.length;
      if (seen >= 50) break;
    }
    expect(seen).toBe(50);
  });

  it('expires a lease exactly when its TTL runs out on the store clock', async () => {
    const clock = new ManualClock(1_000_000);
    const store = await openStore({ clock });
    const lease = await store.leaseGrant(10);
    await store.put('/l/a', enc('1'), { lease: lease.id });
    clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 20));
    expect((await store.range('/l/a')).kvs).toHaveLength(1);
    expect(await store.leaseTimeToLive(lease.id)).toBe(1);
    await store.leaseKeepAlive(lease.id);
    clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 20));
    expect((await store.range('/l/a')).kvs).toHaveLength(1);
    clock.advance(1);
    await expect.poll(async () => (await store.range('/l/a')).kvs.length).toBe(0);
    expect(await store.leaseTimeToLive(lease.id)).toBe(-1);
  });

  it('keeps leases across a restart, each starting its TTL afresh', async () => {
    const clock = new ManualClock(0);
    let store = await openStore({ clock });
    const lease = await store.leaseGrant(30);
    await store.put('/l/b', enc('1'), { lease: lease.id });
    store = await reopen(store, { clock });
    expect(await store.leaseTimeToLive(lease.id)).toBe(30);
    clock.advance(30_000);
    await expect.poll(async () => (await store.range('/l/b')).kvs.length).toBe(0);
    store = await reopen(store, { clock });
    expect(await store.leaseTimeToLive(lease.id)).toBe(-1);
    expect((await store.range('/l/b')).kvs).toHaveLength(0);
  });

  it('compacts automatically by revision count and by age, and releases the compacted history', async () => {
    const clock = new ManualClock(0);
    const store = await openStore({
      clock,
      autoCompaction: { retentionRevisions: 100, retentionMs: 60_000, intervalMs: 1_000 },
    });
    for (let i = 0; i < 1000; i++) await store.put('/a/hot', enc(String(i)));
    expect(store.stats().retainedChanges).toBe(1000);
    clock.advance(1_000);
    await expect.poll(() => store.stats().compactRevision).toBe(1001 - 100);
    expect(store.stats()).toMatchObject({ retainedChanges: 101, logRevisions: 101 });

    // By age: a quiet minute later, everything but the newest version goes.
    await store.put('/a/hot', enc('last'));
    const last = (await store.status()).revision;
    clock.advance(61_000);
    await expect.poll(() => store.stats().compactRevision).toBe(last);
    expect(store.stats().retainedChanges).toBe(1);
    expect(dec((await store.range('/a/hot')).kvs[0]!.value)).toBe('last');
  });
});
