/**
 * The typed bridge: every app-level call the renderer makes (clusters, the embedded cluster's
 * lifecycle, settings, file open/save) is a method of `KubedeskBridge`. In Electron the preload
 * script exposes it as `window.kubedesk` and main serves it over one IPC channel; in browser
 * mode the gateway serves the same interface as HTTP JSON (`POST /app/bridge/<method>` with the
 * arguments as a JSON array). The renderer imports this module with `import type` only, so it
 * must stay free of Electron and Node.
 *
 * Cluster traffic never goes through the bridge: the renderer speaks the Kubernetes API to the
 * gateway at `<gatewayUrl>/clusters/<id>/…` (see {@link ClusterSummary.id}), and the gateway adds
 * the credentials. Nothing here carries a credential.
 */
export interface KubedeskBridge {
  /** The app's version, as in package.json. */
  appVersion(): Promise<string>;
  /** Where the gateway is and how the app runs (browser mode or Electron). */
  environment(): Promise<AppEnvironment>;
  /** The embedded cluster first, then every context of the user's kubeconfig, in file order. */
  listClusters(): Promise<ClusterSummary[]>;
  /** The embedded cluster's process: starting, running, restarting after a crash, … */
  embeddedState(): Promise<EmbeddedState>;
  /**
   * Restart the embedded cluster, optionally on another runtime (the UI offers `simulated` when
   * Docker is unreachable). Resolves once the restart has begun.
   */
  restartEmbedded(options?: { runtime?: RuntimeName }): Promise<EmbeddedState>;
  /** The user's preferences (theme, last cluster and namespaces, …). */
  getSettings(): Promise<Settings>;
  /** Merge `changes` into the preferences; resolves to the result. */
  updateSettings(changes: Partial<Settings>): Promise<Settings>;
  /**
   * Let the user pick a local file to open (Electron: the OS dialog). Undefined when cancelled,
   * or in browser mode, where the renderer uses an `<input type=file>` instead.
   */
  openFile(options?: { filters?: FileFilter[] }): Promise<OpenedFile | undefined>;
  /**
   * Save `text` (Electron: the OS dialog, starting at `suggestedName`). Resolves to the path
   * written, or undefined when cancelled or in browser mode (the renderer downloads instead).
   */
  saveFile(suggestedName: string, text: string): Promise<string | undefined>;
  /**
   * Forward a local port on 127.0.0.1 to a port of a pod, or of whichever ready pod backs a
   * Service or a workload (followed when its pods are replaced). Resolves once listening.
   */
  startPortForward(request: PortForwardRequest): Promise<PortForwardInfo>;
  /** The active forwards, across clusters. */
  listPortForwards(): Promise<PortForwardInfo[]>;
  stopPortForward(id: string): Promise<void>;
}

/** What to forward to. `port` is the target's port: a number, or a named container/service port. */
export interface PortForwardRequest {
  clusterId: string;
  namespace: string;
  target:
    | { kind: 'Pod'; name: string }
    | { kind: 'Service'; name: string }
    | { kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet'; name: string };
  port: number | string;
  /** 0 or absent: a free port. */
  localPort?: number;
}

export interface PortForwardInfo extends PortForwardRequest {
  id: string;
  localPort: number;
  /** `http://127.0.0.1:<localPort>`, to open in the browser. */
  url: string;
  /** The pod currently forwarded to, and its container port. */
  pod?: string;
  podPort?: number;
  state: 'active' | 'waiting' | 'failed';
  /** Why it is waiting or failed (e.g. "no ready pod backs service web"). */
  message?: string;
  connections: number;
}

export type RuntimeName = 'docker' | 'simulated';

export interface AppEnvironment {
  mode: 'electron' | 'browser';
  /** The gateway's origin, e.g. `http://127.0.0.1:43123`; cluster `id` lives at `/clusters/<id>/`. */
  gatewayUrl: string;
  platform: string;
}

/** One cluster the dashboard can show: the embedded one or a kubeconfig context. */
export interface ClusterSummary {
  /** URL-safe id: `embedded`, or `context:<encodeURIComponent(name)>` for a kubeconfig context. */
  id: string;
  /** What the user calls it: `Kubedesk (embedded)` or the context's name. */
  name: string;
  source: 'embedded' | 'kubeconfig';
  /** The API server's URL, for display. */
  server: string;
  /** The context's namespace, when it names one. */
  namespace?: string;
  /** Whether this is the kubeconfig's current context. */
  current?: boolean;
  /** Why the cluster cannot be reached from here (e.g. a kubeconfig entry that does not parse). */
  error?: string;
}

/** The embedded cluster's process as the supervisor sees it. */
export interface EmbeddedState {
  phase: 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';
  runtime: RuntimeName;
  /** What went wrong or what is happening, in one sentence a user can act on. */
  message?: string;
  /** Crashes since the app started. */
  restarts: number;
  /** When the next restart after a crash is due (ms since the epoch). */
  nextRestartAt?: number;
  dataDir: string;
}

export interface Settings {
  theme: 'system' | 'light' | 'dark';
  lastClusterId?: string;
  /** Namespaces picked per cluster id; empty means all. */
  namespaces: Record<string, string[]>;
}

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface OpenedFile {
  path: string;
  name: string;
  text: string;
}

/** The one IPC channel the bridge travels on: `invoke(BRIDGE_CHANNEL, method, ...args)`. */
export const BRIDGE_CHANNEL = 'kubedesk:bridge';

/** The HTTP path prefix of the bridge in browser mode: `POST /app/bridge/<method>`. */
export const BRIDGE_HTTP_PREFIX = '/app/bridge/';

/** The bridge's method names; `satisfies` keeps this list exactly in step with the interface. */
export const bridgeMethods = {
  appVersion: true,
  environment: true,
  listClusters: true,
  embeddedState: true,
  restartEmbedded: true,
  getSettings: true,
  updateSettings: true,
  openFile: true,
  saveFile: true,
  startPortForward: true,
  listPortForwards: true,
  stopPortForward: true,
} satisfies Record<keyof KubedeskBridge, true>;

/** Whether `name` is one of the bridge's methods (and not, say, an inherited property). */
export function isBridgeMethod(name: unknown): name is keyof KubedeskBridge {
  return typeof name === 'string' && Object.hasOwn(bridgeMethods, name);
}
