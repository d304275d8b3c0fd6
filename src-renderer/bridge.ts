import type { KubedeskBridge } from '../src-main/shared/bridge.js';

/**
 * The renderer's handle on the app bridge: `window.kubedesk` in Electron (the preload script
 * exposes it), else the same interface over HTTP JSON from the gateway (browser mode).
 *
 * The renderer may import src-main/shared with `import type` only, so the HTTP prefix and the
 * method names are restated here; their types come from the shared module, so `tsc` fails the
 * moment either drifts from it.
 */
type SharedBridgeModule = typeof import('../src-main/shared/bridge.js');

/** `POST <prefix><method>`, typed as the shared constant's literal, so a different string does not compile. */
const HTTP_PREFIX: SharedBridgeModule['BRIDGE_HTTP_PREFIX'] = '/app/bridge/';

/** Every method of the bridge; `satisfies` makes a missing or extra name a compile error. */
const METHODS = {
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
} satisfies SharedBridgeModule['bridgeMethods'];

export interface HttpBridgeOptions {
  /** Where the gateway is; defaults to the page's own origin (browser mode serves both). */
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** The bridge: Electron's when the preload script exposed one, else the gateway's over HTTP. */
export function appBridge(): KubedeskBridge {
  const exposed = (globalThis as { kubedesk?: KubedeskBridge }).kubedesk;
  return exposed ?? httpBridge();
}

/**
 * The bridge over HTTP: each call is `POST /app/bridge/<method>` with the arguments as a JSON
 * array, answered by `{ result }` or `{ error: { message } }`. The page's cookie authenticates
 * it with the gateway (same origin), so no credential is sent from here.
 */
export function httpBridge(options: HttpBridgeOptions = {}): KubedeskBridge {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = (options.baseUrl ?? '').replace(/\/+$/, '');
  const call = async (method: keyof KubedeskBridge, args: unknown[]): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${HTTP_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        // undefined trailing arguments become null in JSON; drop them so defaults apply on the other side.
        body: JSON.stringify(trimUndefined(args)),
        credentials: 'same-origin',
      });
    } catch (error) {
      throw new Error(
        `The app did not answer ${method}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
    const text = await response.text();
    let body: { result?: unknown; error?: { message?: string } } | undefined;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = undefined;
    }
    if (body?.error) throw new Error(body.error.message || `${method} failed`);
    if (!response.ok || body === undefined) {
      throw new Error(
        `${method} failed: ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`,
      );
    }
    return body.result;
  };
  const bridge: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of Object.keys(METHODS) as (keyof KubedeskBridge)[]) {
    bridge[method] = (...args) => call(method, args);
  }
  return bridge as unknown as KubedeskBridge;
}

function trimUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}
