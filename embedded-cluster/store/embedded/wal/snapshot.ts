import { open, readFile, rename, rm } from 'node:fs/promises';
import { StoreError, type KeyValue } from '../../store.js';
import type { Change } from '../key-history.js';
import { encodeLease, Reader, RecordType, Writer } from './codec.js';
import { frame, readFrames } from './framing.js';
import { SNAPSHOT_MAGIC, snapDir, snapshotPath, syncDirectory } from './segment-files.js';

/** Everything the log segments before `segment` add up to. */
export interface SnapshotData {
  /** The first log segment not covered by this snapshot. */
  segment: number;
  revision: number;
  compactRevision: number;
  leases: [id: number, ttl: number][];
  /** Every retained change per key, in key order, none after `revision`. */
  histories: [key: string, changes: Change[]][];
}

const CHUNK_BYTES = 1 << 20;

/** Write a snapshot atomically: a temporary file, fsync, rename, fsync of the directory. */
export async function writeSnapshot(dataDir: string, data: SnapshotData): Promise<void> {
  const path = snapshotPath(dataDir, data.segment);
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    let chunk: Buffer[] = [SNAPSHOT_MAGIC];
    let chunkBytes = SNAPSHOT_MAGIC.length;
    const add = async (payload: Buffer) => {
      const record = frame(payload);
      chunk.push(record);
      chunkBytes += record.length;
      if (chunkBytes >= CHUNK_BYTES) {
        await file.writev(chunk);
        chunk = [];
        chunkBytes = 0;
      }
    };
    await add(
      new Writer(25)
        .u8(RecordType.snapshotMeta)
        .f64(data.revision)
        .f64(data.compactRevision)
        .f64(data.segment)
        .done(),
    );
    for (const [id, ttl] of data.leases) await add(encodeLease(id, ttl));
    for (const [key, changes] of data.histories) await add(encodeKey(key, changes));
    await add(new Writer(9).u8(RecordType.snapshotEnd).f64(data.histories.length).done());
    await file.writev(chunk);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  await syncDirectory(snapDir(dataDir));
}

export async function removeSnapshot(dataDir: string, segment: number): Promise<void> {
  await rm(snapshotPath(dataDir, segment), { force: true });
}

function encodeKey(key: string, changes: readonly Change[]): Buffer {
  let size = 1 + 4 + Buffer.byteLength(key) + 4;
  for (const change of changes) size += 8 + 4 + 1 + (change.kv ? 8 * 3 + 4 + change.kv.value.byteLength : 0);
  const w = new Writer(size).u8(RecordType.snapshotKey).str(key).u32(changes.length);
  for (const change of changes) {
    w.f64(change.revision)
      .u32(change.sub)
      .u8(change.kv ? 1 : 0);
    if (change.kv)
      w.f64(change.kv.createRevision).f64(change.kv.version).f64(change.kv.lease).bytes(change.kv.value);
  }
  return w.done();
}

/** Read and verify a snapshot; any damage is corruption (snapshots are renamed into place whole). */
export async function readSnapshot(dataDir: string, segment: number): Promise<SnapshotData> {
  const path = snapshotPath(dataDir, segment);
  const buf = await readFile(path);
  const corrupt = (offset: number, detail: string) =>
    new StoreError('Corrupt', `snapshot ${path} is corrupt at offset ${offset}: ${detail}`);
  if (!buf.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC))
    throw corrupt(0, 'not a Kubedesk snapshot');
  const scan = readFrames(buf, SNAPSHOT_MAGIC.length);
  if (scan.damage) throw corrupt(scan.damage.offset, scan.damage.detail);
  const data: SnapshotData = { segment, revision: 0, compactRevision: 0, leases: [], histories: [] };
  let ended = false;
  for (const payload of scan.payloads) {
    const r = new Reader(payload);
    const type = r.u8();
    if (type === RecordType.snapshotMeta) {
      data.revision = r.f64();
      data.compactRevision = r.f64();
      if (r.f64() !== segment) throw corrupt(0, 'segment number does not match the file name');
    } else if (type === RecordType.lease) {
      data.leases.push([r.f64(), r.f64()]);
    } else if (type === RecordType.snapshotKey) {
      data.histories.push(decodeKey(r));
    } else if (type === RecordType.snapshotEnd) {
      if (r.f64() !== data.histories.length) throw corrupt(0, 'key count does not match');
      ended = true;
    } else {
      throw corrupt(0, `unknown record type ${type}`);
    }
    r.end();
  }
  if (!ended || data.revision === 0) throw corrupt(scan.validEnd, 'snapshot is incomplete');
  return data;
}

function decodeKey(r: Reader): [string, Change[]] {
  const key = r.str();
  const count = r.u32();
  const changes: Change[] = [];
  for (let i = 0; i < count; i++) {
    const revision = r.f64();
    const sub = r.u32();
    let kv: KeyValue | null = null;
    if (r.u8() === 1) {
      const createRevision = r.f64();
      const version = r.f64();
      const lease = r.f64();
      kv = { key, value: r.bytes(), createRevision, modRevision: revision, version, lease };
    }
    changes.push({ key, revision, sub, kv, prev: undefined });
  }
  return [key, changes];
}
