import { mkdir, readFile, truncate } from 'node:fs/promises';
import { StoreError } from '../../store.js';
import { MvccIndex, replayRevision } from '../mvcc-index.js';
import { decodeLogRecord } from './codec.js';
import { HEADER_BYTES, readFrames } from './framing.js';
import { listSequence, SEGMENT_MAGIC, segmentPath, snapDir, walDir } from './segment-files.js';
import { readSnapshot } from './snapshot.js';

export interface RecoveredState {
  index: MvccIndex;
  /** Lease id → TTL in seconds. Remaining time is not persisted: each lease starts its TTL afresh, as in etcd. */
  leases: Map<number, number>;
  /** The segment to continue appending to, and its valid length (0: start it). */
  segment: number;
  segmentSize: number;
  /** The snapshot the state was loaded from, if any. */
  snapshot: number | undefined;
  /** A torn final record that was cut off, for the log. */
  truncatedTail?: { path: string; offset: number; detail: string };
}

/**
 * Rebuild the state from the newest snapshot plus every log segment after
 * it. A torn final record (a write that was never acknowledged) is cut off;
 * damage anywhere else stops recovery with the file and offset, because
 * acknowledged data would otherwise be lost silently.
 */
export async function recover(dataDir: string): Promise<RecoveredState> {
  await mkdir(walDir(dataDir), { recursive: true });
  await mkdir(snapDir(dataDir), { recursive: true });
  const snapshots = await listSequence(snapDir(dataDir), '.snap');
  const newestSnapshot = snapshots[snapshots.length - 1];
  const leases = new Map<number, number>();
  let index = new MvccIndex();
  let firstSegment = 1;
  if (newestSnapshot !== undefined) {
    const snap = await readSnapshot(dataDir, newestSnapshot);
    index = MvccIndex.fromHistories(snap.histories, snap.revision, snap.compactRevision);
    for (const [id, ttl] of snap.leases) leases.set(id, ttl);
    firstSegment = newestSnapshot;
  }

  const segments = (await listSequence(walDir(dataDir), '.wal')).filter((seq) => seq >= firstSegment);
  if (segments.length === 0) {
    return { index, leases, segment: firstSegment, segmentSize: 0, snapshot: newestSnapshot };
  }
  segments.forEach((seq, i) => {
    if (seq !== firstSegment + i) {
      throw new StoreError('Corrupt', `log segment ${segmentPath(dataDir, firstSegment + i)} is missing`);
    }
  });

  let truncatedTail: RecoveredState['truncatedTail'];
  let lastSize = 0;
  for (const [i, seq] of segments.entries()) {
    const path = segmentPath(dataDir, seq);
    const isLast = i === segments.length - 1;
    const buf = await readFile(path);
    const corrupt = (offset: number, detail: string) =>
      new StoreError(
        'Corrupt',
        `log segment ${path} is corrupt at offset ${offset}: ${detail}; refusing to start`,
      );
    if (buf.length < SEGMENT_MAGIC.length && isLast) {
      // The segment was created but its header never made it to disk.
      await truncate(path, 0);
      lastSize = 0;
      break;
    }
    if (!buf.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC))
      throw corrupt(0, 'not a Kubedesk log segment');
    const scan = readFrames(buf, SEGMENT_MAGIC.length);
    if (scan.damage) {
      // Only the last segment can end in a write that never completed:
      // earlier ones were synced whole before the next one began.
      if (scan.damage.kind === 'corrupt' || !isLast) throw corrupt(scan.damage.offset, scan.damage.detail);
      await truncate(path, scan.validEnd);
      truncatedTail = { path, offset: scan.damage.offset, detail: scan.damage.detail };
    }
    for (const payload of scan.payloads) {
      try {
        const record = decodeLogRecord(payload);
        if (record.type === 'txn') {
          if (record.revokedLease) leases.delete(record.revokedLease);
          if (record.changes.length > 0) replayRevision(index, record.revision, record.changes);
        } else if (record.type === 'lease') {
          leases.set(record.id, record.ttl);
        } else {
          index.compact(record.revision);
        }
      } catch (error) {
        throw corrupt(payload.byteOffset - buf.byteOffset - HEADER_BYTES, (error as Error).message);
      }
    }
    lastSize = scan.validEnd;
  }
  const result: RecoveredState = {
    index,
    leases,
    segment: segments[segments.length - 1]!,
    segmentSize: lastSize,
    snapshot: newestSnapshot,
  };
  if (truncatedTail) result.truncatedTail = truncatedTail;
  return result;
}
