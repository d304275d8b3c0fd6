import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One file of a configMap, secret, downwardAPI or projected volume: its path in the volume, bytes and mode. */
export interface Payload {
  path: string;
  data: Buffer;
  mode: number;
}

const DATA = '..data';

/**
 * Write `files` into `dir` the way the kubelet's AtomicWriter does (pkg/volume/util/atomic_writer.go),
 * so a reader never sees half an update: the files go into a fresh hidden directory
 * `..<timestamp>`, the `..data` symlink is swapped to it with one rename, and each top-level name
 * the user sees is a symlink through `..data`. Returns false (and writes nothing) when the volume
 * already holds exactly `files`.
 */
export async function writeAtomically(dir: string, files: Payload[]): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  if (await unchanged(dir, files)) return false;
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${randomBytes(4).toString('hex')}`;
  const target = join(dir, stamp);
  await mkdir(target, { mode: 0o755 });
  for (const file of files) {
    const path = join(target, file.path);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, file.data, { mode: file.mode });
  }
  const previous = await readlink(join(dir, DATA)).catch(() => undefined);
  const tmp = join(dir, `${DATA}_tmp`);
  await rm(tmp, { force: true });
  await symlink(stamp, tmp);
  await rename(tmp, join(dir, DATA));
  const wanted = new Set(files.map((f) => f.path.split('/')[0]!));
  for (const name of wanted) {
    const link = join(dir, name);
    const stat = await lstat(link).catch(() => undefined);
    if (!stat) await symlink(join(DATA, name), link);
  }
  for (const name of await readdir(dir)) {
    if (name.startsWith('..') || wanted.has(name)) continue;
    await rm(join(dir, name), { force: true, recursive: true });
  }
  if (previous && previous !== stamp) await rm(join(dir, previous), { recursive: true, force: true });
  return true;
}

async function unchanged(dir: string, files: Payload[]): Promise<boolean> {
  const current = await readlink(join(dir, DATA)).catch(() => undefined);
  if (!current) return false;
  const existing = await listFiles(join(dir, current));
  if (existing.length !== files.length) return false;
  for (const file of files) {
    const data = await readFile(join(dir, current, file.path)).catch(() => undefined);
    if (!data || !data.equals(file.data)) return false;
  }
  return true;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true }).catch(() => [])) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}
