/**
 * The bridge's `openFile` and `saveFile` in Electron (src-main/electron/file-dialogs.ts), with
 * Electron's dialog faked (no Electron runs here) and real files in a temporary directory: what
 * the dialogs are asked, cancelling, reading and writing, and errors reaching the renderer as the
 * bridge's rejections (callBridge, as the IPC handler runs it).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// eslint-disable-next-line local/layering -- types only, to fake Electron's objects
import type { BrowserWindow, Dialog, IpcMainInvokeEvent } from 'electron';
import { fileDialogs } from '../../../src-main/electron/file-dialogs.js';
import { callBridge } from '../../../src-main/electron/ipc-bridge.js';
import type { KubedeskBridge } from '../../../src-main/shared/bridge.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubedesk-dialogs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const WINDOW = { id: 1 } as unknown as BrowserWindow;

/** A dialog that answers with `open` and `save`, recording what it was asked. */
function fakeDialog(
  open: { canceled: boolean; filePaths: string[] },
  save: { canceled: boolean; filePath?: string } = { canceled: true },
) {
  return {
    showOpenDialog: vi.fn(async (..._args: unknown[]) => open),
    showSaveDialog: vi.fn(async (..._args: unknown[]) => save),
  };
}

/** The dialogs on WINDOW, or with no window open when `window` is null. */
function dialogs(dialog: ReturnType<typeof fakeDialog>, window: BrowserWindow | null = WINDOW) {
  return fileDialogs(
    dialog as unknown as Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>,
    () => window ?? undefined,
  );
}

/** Call a bridge method as the IPC handler does, from the dashboard's top frame. */
function viaBridge(methods: Partial<KubedeskBridge>, method: keyof KubedeskBridge, ...args: unknown[]) {
  const frame = { url: 'http://127.0.0.1:7420/' };
  const event = { sender: { mainFrame: frame }, senderFrame: frame } as unknown as IpcMainInvokeEvent;
  return callBridge(event, methods as KubedeskBridge, 'http://127.0.0.1:7420', method, args);
}

describe('openFile', () => {
  it('opens the dialog on the window, for one file, and reads what the user picked', async () => {
    const path = join(dir, 'deploy.yaml');
    await writeFile(path, 'kind: Deployment\n# ü\n');
    const dialog = fakeDialog({ canceled: false, filePaths: [path] });
    const filters = [{ name: 'YAML', extensions: ['yaml', 'yml'] }];
    await expect(dialogs(dialog).openFile({ filters })).resolves.toEqual({
      path,
      name: 'deploy.yaml',
      text: 'kind: Deployment\n# ü\n',
    });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(WINDOW, { properties: ['openFile'], filters });
  });

  it('opens an unattached dialog when there is no window, without filters unless given', async () => {
    const dialog = fakeDialog({ canceled: true, filePaths: [] });
    await expect(dialogs(dialog, null).openFile()).resolves.toBeUndefined();
    expect(dialog.showOpenDialog).toHaveBeenCalledWith({ properties: ['openFile'] });
  });

  it('answers undefined when cancelled, even if a path comes along', async () => {
    const path = join(dir, 'ignored.yaml');
    await writeFile(path, 'x');
    await expect(
      dialogs(fakeDialog({ canceled: true, filePaths: [path] })).openFile(),
    ).resolves.toBeUndefined();
    await expect(dialogs(fakeDialog({ canceled: false, filePaths: [] })).openFile()).resolves.toBeUndefined();
  });

  it('refuses malformed filters before showing anything', async () => {
    const dialog = fakeDialog({ canceled: true, filePaths: [] });
    for (const filters of [
      'yaml',
      [{ name: 'YAML' }],
      [{ name: 1, extensions: [] }],
      [{ name: 'a', extensions: [1] }],
    ]) {
      await expect(viaBridge(dialogs(dialog), 'openFile', { filters })).rejects.toThrow(
        'openFile: filters must be [{ name, extensions: string[] }]',
      );
    }
    expect(dialog.showOpenDialog).not.toHaveBeenCalled();
  });

  it('refuses a file over 10 MiB, naming it', async () => {
    const path = join(dir, 'huge.yaml');
    await writeFile(path, Buffer.alloc(10 * 1024 * 1024 + 1, 0x61));
    const dialog = fakeDialog({ canceled: false, filePaths: [path] });
    await expect(viaBridge(dialogs(dialog), 'openFile')).rejects.toThrow('huge.yaml is larger than 10 MiB');
  });

  it("surfaces a read error as the bridge's rejection", async () => {
    const dialog = fakeDialog({ canceled: false, filePaths: [join(dir, 'gone.yaml')] });
    await expect(viaBridge(dialogs(dialog), 'openFile')).rejects.toMatchObject({ code: 'ENOENT' });
    const folder = fakeDialog({ canceled: false, filePaths: [dir] });
    await expect(viaBridge(dialogs(folder), 'openFile')).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('saveFile', () => {
  it('offers the suggested name without its directory, and writes the text there', async () => {
    const target = join(dir, 'saved.yaml');
    const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: false, filePath: target });
    await expect(dialogs(dialog).saveFile('../../etc/web.yaml', 'kind: Service\n')).resolves.toBe(target);
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(WINDOW, { defaultPath: 'web.yaml' });
    expect(await readFile(target, 'utf8')).toBe('kind: Service\n');
  });

  it('overwrites an existing file the user chose', async () => {
    const target = join(dir, 'again.yaml');
    await writeFile(target, 'old, and longer than the new text');
    const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: false, filePath: target });
    await dialogs(dialog, null).saveFile('again.yaml', 'new');
    expect(dialog.showSaveDialog).toHaveBeenCalledWith({ defaultPath: 'again.yaml' });
    expect(await readFile(target, 'utf8')).toBe('new');
  });

  it('answers undefined when cancelled, and writes nothing', async () => {
    const target = join(dir, 'not-written.yaml');
    for (const save of [
      { canceled: true, filePath: target },
      { canceled: false, filePath: '' },
    ]) {
      const dialog = fakeDialog({ canceled: true, filePaths: [] }, save);
      await expect(dialogs(dialog).saveFile('a.yaml', 'x')).resolves.toBeUndefined();
    }
    await expect(readFile(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses anything but two strings, before showing anything', async () => {
    const dialog = fakeDialog({ canceled: true, filePaths: [] });
    for (const args of [['a.yaml'], ['a.yaml', 1], [undefined, 'x'], [{}, 'x']]) {
      await expect(viaBridge(dialogs(dialog), 'saveFile', ...args)).rejects.toThrow(
        'saveFile(name, text) takes two strings',
      );
    }
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
  });

  it("surfaces a write error as the bridge's rejection", async () => {
    const target = join(dir, 'no-such-dir', 'x.yaml');
    const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: false, filePath: target });
    await expect(viaBridge(dialogs(dialog), 'saveFile', 'x.yaml', 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
