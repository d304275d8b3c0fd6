import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Names and helpers for the files in a data directory:
 *
 *     wal/000000000003.wal    log segment 3 (records written after snapshot 3 was taken)
 *     snap/000000000003.snap  the whole state just before segment 3 began
 */
export const SEGMENT_MAGIC = Buffer.from('KDWAL01\n');
export const SNAPSHOT_MAGIC = Buffer.from('KDSNP01\n');

export const walDir = (dataDir: string) => join(dataDir, 'wal');
export const snapDir = (dataDir: string) => join(dataDir, 'snap');
export const segmentPath = (dataDir: string, seq: number) => join(walDir(dataDir), `${pad(seq)}.wal`);
export const snapshotPath = (dataDir: string, seq: number) => join(snapDir(dataDir), `${pad(seq)}.snap`);

function pad(seq: number): string {
  return String(seq).padStart(12, '0');
}

/** Sequence numbers of the files in `dir` with `extension`, ascending. */
export async function listSequence(dir: string, extension: string): Promise<number[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names
    .filter((name) => /^\d{12}\./.test(name) && name.endsWith(extension))
    .map((name) => Number(name.slice(0, 12)))
    .sort((a, b) => a - b);
}

/** Make a directory entry (a create, rename or unlink) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
