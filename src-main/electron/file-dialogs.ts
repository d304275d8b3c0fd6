import type { BrowserWindow, Dialog } from 'electron';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileFilter, KubedeskBridge, OpenedFile } from '../shared/bridge.js';

/** Files larger than this are refused: a manifest is text, and the editor is no hex viewer. */
const MAX_OPEN_BYTES = 10 * 1024 * 1024;

/**
 * The bridge's `openFile` and `saveFile` in Electron: the OS dialogs, attached to the window.
 * The user picks every path, so the renderer can read or write only what the user chose.
 */
export function fileDialogs(
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>,
  window: () => BrowserWindow | undefined,
): Pick<KubedeskBridge, 'openFile' | 'saveFile'> {
  return {
    async openFile(options) {
      const filters = checkFilters(options?.filters);
      const parent = window();
      const dialogOptions = { properties: ['openFile' as const], ...(filters ? { filters } : {}) };
      const picked = parent
        ? await dialog.showOpenDialog(parent, dialogOptions)
        : await dialog.showOpenDialog(dialogOptions);
      const path = picked.filePaths[0];
      if (picked.canceled || !path) return undefined;
      const bytes = await readFile(path);
      if (bytes.byteLength > MAX_OPEN_BYTES) throw new Error(`${basename(path)} is larger than 10 MiB`);
      const file: OpenedFile = { path, name: basename(path), text: bytes.toString('utf8') };
      return file;
    },
    async saveFile(suggestedName, text) {
      if (typeof suggestedName !== 'string' || typeof text !== 'string')
        throw new TypeError('saveFile(name, text) takes two strings');
      const parent = window();
      const dialogOptions = { defaultPath: basename(suggestedName) };
      const picked = parent
        ? await dialog.showSaveDialog(parent, dialogOptions)
        : await dialog.showSaveDialog(dialogOptions);
      if (picked.canceled || !picked.filePath) return undefined;
      await writeFile(picked.filePath, text);
      return picked.filePath;
    },
  };
}

function checkFilters(filters: unknown): FileFilter[] | undefined {
  if (filters === undefined) return undefined;
  const ok =
    Array.isArray(filters) &&
    filters.every(
      (f: FileFilter) =>
        typeof f?.name === 'string' &&
        Array.isArray(f.extensions) &&
        f.extensions.every((e) => typeof e === 'string'),
    );
  if (!ok) throw new TypeError('openFile: filters must be [{ name, extensions: string[] }]');
  return filters as FileFilter[];
}
