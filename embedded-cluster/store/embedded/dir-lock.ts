import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../store.js';

/**
 * An exclusive lock on a data directory, held by a file naming this
 * process. Node has no flock(2); as PostgreSQL's postmaster.pid does, a
 * lock whose process is gone is stale and taken over, so a crash never
 * leaves the directory locked.
 */
export class DirLock {
  private constructor(private readonly path: string) {}

  static async acquire(dataDir: string): Promise<DirLock> {
    const path = join(dataDir, 'LOCK');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const file = await open(path, 'wx');
        await file.writeFile(`${process.pid}\n`);
        await file.close();
        return new DirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new StoreError(
          'Locked',
          `data directory ${dataDir} is in use by process ${owner} (lock file ${path}); ` +
            'stop that process or choose another data directory',
        );
      }
      await rm(path, { force: true });
    }
    throw new StoreError('Locked', `could not lock data directory ${dataDir} (lock file ${path})`);
  }

  async release(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
