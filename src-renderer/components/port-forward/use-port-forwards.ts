/**
 * The app's port-forwards as a view sees them: the list from the bridge (forwards live in the
 * app's Node side, which can listen on ports), refreshed every 2 s while the caller is mounted
 * and the window visible, and start/stop that refresh at once.
 */
import { ref, shallowRef } from 'vue';
import type { PortForwardInfo, PortForwardRequest } from '../../../src-main/shared/bridge.js';
import { useClustersStore } from '../../stores/index.js';
import { usePolling } from '../details/use-timers.js';

export function usePortForwards(intervalMs = 2000) {
  const bridge = useClustersStore().appBridge();
  const forwards = shallowRef<PortForwardInfo[]>([]);
  /** Why the list could not be read (the app did not answer). */
  const error = ref<unknown>(undefined);

  async function refresh(): Promise<void> {
    try {
      forwards.value = await bridge.listPortForwards();
      error.value = undefined;
    } catch (e) {
      error.value = e;
    }
  }

  usePolling(() => 'port-forwards', refresh, intervalMs);

  /** Start a forward; rejects with the app's message (e.g. `pods "x" not found`). */
  async function start(request: PortForwardRequest): Promise<PortForwardInfo> {
    const started = await bridge.startPortForward(request);
    forwards.value = [...forwards.value.filter((f) => f.id !== started.id), started];
    void refresh();
    return started;
  }

  async function stop(id: string): Promise<void> {
    await bridge.stopPortForward(id);
    forwards.value = forwards.value.filter((f) => f.id !== id);
    void refresh();
  }

  return { forwards, error, refresh, start, stop };
}

/**
 * Open a forward's URL in a new tab (browser mode) or the user's browser (Electron: the window
 * refuses new windows and hands http(s) links to `shell.openExternal`).
 */
export function openForward(url: string): void {
  window.open(url, '_blank', 'noopener,noreferrer');
}
