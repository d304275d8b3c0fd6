/**
 * The typed bridge: every app-level call the renderer makes (clusters, the embedded cluster's
 * lifecycle, settings, file open/save) is a method of `KubedeskBridge`. In Electron the preload
 * script exposes it as `window.kubedesk` and main serves it over one IPC channel; in browser
 * mode the same interface will be served as HTTP JSON. The renderer imports this module with
 * `import type` only, so it must stay free of Electron and Node.
 */
export interface KubedeskBridge {
  /** The app's version, as in package.json. */
  appVersion(): Promise<string>;
}

/** The one IPC channel the bridge travels on: `invoke(BRIDGE_CHANNEL, method, ...args)`. */
export const BRIDGE_CHANNEL = 'kubedesk:bridge';

/** The bridge's method names; `satisfies` keeps this list exactly in step with the interface. */
export const bridgeMethods = { appVersion: true } satisfies Record<keyof KubedeskBridge, true>;

/** Whether `name` is one of the bridge's methods (and not, say, an inherited property). */
export function isBridgeMethod(name: unknown): name is keyof KubedeskBridge {
  return typeof name === 'string' && Object.hasOwn(bridgeMethods, name);
}
