import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { BRIDGE_CHANNEL, isBridgeMethod, type KubedeskBridge } from '../shared/bridge.js';
import { originOf } from './web-guards.js';

/**
 * The bridge's IPC server: answers `invoke(BRIDGE_CHANNEL, method, ...args)` by calling that
 * method of `bridge`. Only the top frame of a page from the gateway's origin may call it
 * ("Validate the sender of all IPC messages"): an iframe, or a page the window was somehow
 * navigated to, gets an error, as does a name that is not a bridge method.
 */
export function serveBridge(
  ipcMain: Pick<IpcMain, 'handle'>,
  bridge: KubedeskBridge,
  allowedOrigin: () => string,
): void {
  ipcMain.handle(BRIDGE_CHANNEL, (event, method: unknown, ...args: unknown[]) =>
    callBridge(event, bridge, allowedOrigin(), method, args),
  );
}

/** One bridge call, checked; exported for tests. */
export function callBridge(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  bridge: KubedeskBridge,
  allowedOrigin: string,
  method: unknown,
  args: unknown[],
): Promise<unknown> {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame)
    throw new Error('bridge calls come from the top frame only');
  if (originOf(frame.url) !== allowedOrigin) throw new Error('bridge calls come from the dashboard only');
  if (!isBridgeMethod(method)) throw new Error(`unknown bridge method: ${String(method)}`);
  const call = bridge[method] as (...a: unknown[]) => Promise<unknown>;
  return call.apply(bridge, args);
}
