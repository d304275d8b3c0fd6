import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Settings } from '../shared/bridge.js';

export const DEFAULT_SETTINGS: Settings = { theme: 'system', namespaces: {} };

const THEMES: readonly Settings['theme'][] = ['system', 'light', 'dark'];

/**
 * The user's preferences, kept as JSON in one file (`<data dir>/settings.json`).
 *
 * Writes are atomic (a temporary file renamed over the old one, so a crash mid-write leaves the
 * previous settings, never half a file) and serialized (two updates never race). A file that is
 * missing or does not parse reads as the defaults: preferences are not worth refusing to start.
 * Changes come from the renderer, so each is checked before it is merged.
 */
export class SettingsStore {
  private cached: Settings | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  async get(): Promise<Settings> {
    this.cached ??= await this.read();
    return structuredClone(this.cached);
  }

  /** Merge `changes` (checked: throws a TypeError on a bad value) and write the result. */
  update(changes: unknown): Promise<Settings> {
    let checked: Partial<Settings>;
    try {
      checked = checkChanges(changes);
    } catch (error) {
      return Promise.reject(error);
    }
    const next = this.writes.then(async () => {
      const merged: Settings = { ...(await this.get()), ...checked };
      await this.write(merged);
      this.cached = merged;
      return structuredClone(merged);
    });
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return structuredClone(DEFAULT_SETTINGS);
    }
    try {
      return { ...structuredClone(DEFAULT_SETTINGS), ...checkChanges(JSON.parse(text), true) };
    } catch {
      return structuredClone(DEFAULT_SETTINGS);
    }
  }

  private async write(settings: Settings): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
    await rename(temporary, this.file);
  }
}

/**
 * The known, well-typed keys of `value` as settings changes. Throws a TypeError on a bad value,
 * or (when `lenient`, for a file written by an older version) skips it.
 */
function checkChanges(value: unknown, lenient = false): Partial<Settings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('settings changes must be an object');
  }
  const input = value as Record<string, unknown>;
  const changes: Partial<Settings> = {};
  const bad = (key: string, want: string) => {
    if (!lenient) throw new TypeError(`settings: ${key} must be ${want}`);
  };
  if ('theme' in input) {
    if (THEMES.includes(input.theme as Settings['theme'])) changes.theme = input.theme as Settings['theme'];
    else bad('theme', `one of ${THEMES.join(', ')}`);
  }
  if ('lastClusterId' in input) {
    if (typeof input.lastClusterId === 'string') changes.lastClusterId = input.lastClusterId;
    else bad('lastClusterId', 'a string');
  }
  if ('namespaces' in input) {
    const namespaces = input.namespaces;
    const ok =
      typeof namespaces === 'object' &&
      namespaces !== null &&
      !Array.isArray(namespaces) &&
      Object.values(namespaces).every(
        (list) => Array.isArray(list) && list.every((n) => typeof n === 'string'),
      );
    if (ok) changes.namespaces = { ...(namespaces as Record<string, string[]>) };
    else bad('namespaces', 'an object of string arrays, keyed by cluster id');
  }
  return changes;
}
