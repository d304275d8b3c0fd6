import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Files only their owner may read: keys, the token, the kubeconfig.
 *
 * A private file is written to a temporary file created with mode 0600, synced, and renamed over
 * the target, so it is never readable by others, not even for a moment, and a crash leaves the
 * old content or the new one, never half of it. An existing target of any mode is replaced.
 */
export async function writePrivateFile(path: string, data: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.chmod(0o600); // the umask may only have narrowed 0600; be exact
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** A file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Create `dir` (and its parents) if needed and make it 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Make an existing private file 0600 again, in case someone widened it. */
export async function tightenMode(path: string): Promise<void> {
  await chmod(path, 0o600);
}

/** Persist a rename: fsync the directory holding the file (best effort; not every platform can). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a directory; the rename is still atomic.
  }
}
