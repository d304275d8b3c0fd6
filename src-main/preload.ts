/**
 * The preload script: runs sandboxed before the renderer and exposes the typed bridge as
 * `window.kubedesk`. Each method becomes `ipcRenderer.invoke` on the one bridge channel; it is
 * built as a single CommonJS file because sandboxed preloads cannot load ES modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_CHANNEL, bridgeMethods, type KubedeskBridge } from './shared/bridge.js';

const bridge = Object.fromEntries(
  Object.keys(bridgeMethods).map((method) => [
    method,
    (...args: unknown[]): Promise<unknown> => ipcRenderer.invoke(BRIDGE_CHANNEL, method, ...args),
  ]),
) as unknown as KubedeskBridge;

contextBridge.exposeInMainWorld('kubedesk', bridge);
