/**
 * The Electron main process: app lifecycle, the window, and the bridge's IPC server. It only
 * wires things together; the embedded cluster will run in a utility process that main supervises.
 */
import { app, BrowserWindow, ipcMain } from 'electron';
import { fileURLToPath } from 'node:url';
import { BRIDGE_CHANNEL, isBridgeMethod, type KubedeskBridge } from './shared/bridge.js';

/** What main answers on the bridge. */
const bridge: KubedeskBridge = {
  appVersion: async () => app.getVersion(),
};

/** Serves `bridge` on its channel, to the top frame of our own windows only. */
function serveBridge(): void {
  ipcMain.handle(BRIDGE_CHANNEL, (event, method: unknown, ...args: unknown[]) => {
    if (event.senderFrame !== event.sender.mainFrame) throw new Error('bridge calls come from the top frame');
    if (!isBridgeMethod(method)) throw new Error(`unknown bridge method: ${String(method)}`);
    const call = bridge[method] as (...a: unknown[]) => Promise<unknown>;
    return call.apply(bridge, args);
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'Kubedesk',
    webPreferences: {
      preload: fileURLToPath(new URL('../preload/preload.cjs', import.meta.url)),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // `electron-vite dev` serves the renderer and sets ELECTRON_RENDERER_URL; a build loads the file.
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(fileURLToPath(new URL('../renderer/index.html', import.meta.url)));
  return window;
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

void app.whenReady().then(() => {
  serveBridge();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});
