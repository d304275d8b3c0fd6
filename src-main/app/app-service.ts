import type { ClusterDirectory } from '../gateway/cluster-directory.js';
import type {
  AppEnvironment,
  EmbeddedState,
  KubedeskBridge,
  PortForwardInfo,
  RuntimeName,
} from '../shared/bridge.js';
import type { SettingsStore } from './settings-store.js';

/** The supervisor as the bridge uses it (see cluster-host/supervisor.ts). */
export interface EmbeddedControl {
  state(): EmbeddedState;
  restart(options?: { runtime?: RuntimeName }): Promise<void>;
}

/** The port-forwards as the bridge uses them (see port-forward/port-forwards.ts). */
export interface PortForwardControl {
  /** Checks the request (it comes from the renderer), then listens. */
  start(request: unknown): Promise<PortForwardInfo>;
  list(): PortForwardInfo[];
  stop(id: unknown): Promise<void>;
}

/** Everything the app service answers from. */
export interface AppServiceOptions {
  mode: AppEnvironment['mode'];
  version: string;
  /** The gateway's origin; a function because the gateway starts after the service exists. */
  gatewayUrl: () => string;
  platform?: string;
  directory: ClusterDirectory;
  embedded: EmbeddedControl;
  settings: SettingsStore;
  /** Absent: port-forwarding is not offered (the bridge's calls say so). */
  portForwards?: PortForwardControl;
  /** Report a failure of work the bridge started but does not wait for (a restart). */
  onError?: (error: unknown) => void;
}

const RUNTIMES: readonly RuntimeName[] = ['docker', 'simulated'];

/**
 * The app service: the one `KubedeskBridge` implementation, shared by Electron (served over IPC)
 * and browser mode (served by the gateway as HTTP JSON). Arguments arrive from the renderer, so
 * they are checked here (port-forward requests by the port-forward service). Browser mode has no file dialogs: `openFile` and `saveFile` answer
 * undefined and the renderer uses `<input type=file>` and downloads; Electron replaces them.
 */
export function createAppService(options: AppServiceOptions): KubedeskBridge {
  return {
    appVersion: async () => options.version,
    environment: async () => ({
      mode: options.mode,
      gatewayUrl: options.gatewayUrl(),
      platform: options.platform ?? process.platform,
    }),
    listClusters: () => options.directory.list(),
    embeddedState: async () => options.embedded.state(),
    restartEmbedded: async (restart) => {
      const runtime = restart?.runtime;
      if (runtime !== undefined && !RUNTIMES.includes(runtime)) {
        throw new TypeError(`runtime must be one of ${RUNTIMES.join(', ')}`);
      }
      // "Resolves once the restart has begun": ending the old process may take 15 s.
      options.embedded
        .restart(runtime ? { runtime } : {})
        .catch((error: unknown) => options.onError?.(error));
      return options.embedded.state();
    },
    getSettings: () => options.settings.get(),
    updateSettings: (changes) => options.settings.update(changes),
    openFile: async () => undefined,
    saveFile: async () => undefined,
    startPortForward: async (request) => forwards().start(request),
    listPortForwards: async () => options.portForwards?.list() ?? [],
    stopPortForward: async (id) => forwards().stop(id),
  };

  function forwards(): PortForwardControl {
    if (!options.portForwards) throw new Error('port-forwarding is not available in this app');
    return options.portForwards;
  }
}
