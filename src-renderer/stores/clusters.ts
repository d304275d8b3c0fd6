import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type {
  AppEnvironment,
  ClusterSummary,
  EmbeddedState,
  KubedeskBridge,
  RuntimeName,
  Settings,
} from '../../src-main/shared/bridge.js';
import { appBridge } from '../bridge.js';
import { KubeApi, muxTransport } from '../kube/index.js';
import { useResourcesStore, type ClusterConnection } from './resources.js';

/** How the clusters store reaches the app and the clusters; tests replace both. */
export interface ClustersConnectOptions {
  bridge?: KubedeskBridge;
  /** The API client for a cluster id; by default the gateway's `/clusters/<id>` on the page's origin. */
  createApi?: (clusterId: string, environment: AppEnvironment | undefined) => KubeApi;
  /** How often to ask for the embedded cluster's state while it is not running (default 2 s). */
  pollIntervalMs?: number;
}

/** The id the bridge gives the embedded cluster. */
export const EMBEDDED_ID = 'embedded';

/**
 * The clusters store: every cluster the dashboard can show (the embedded one, then each
 * kubeconfig context), which one is selected (remembered in the app's settings), the embedded
 * cluster's process state (asked for every 2 s while it is not running), and each cluster's
 * connection as its informers see it.
 *
 * @example
 * const clusters = useClustersStore();
 * await clusters.connect();          // once, at start-up
 * clusters.selected?.name;           // 'Kubedesk (embedded)'
 * clusters.connection(clusters.selectedId!).phase; // 'connected' | 'disconnected' | …
 * await clusters.select('context:kind-dev');
 */
export const useClustersStore = defineStore('clusters', () => {
  const clusters = shallowRef<ClusterSummary[]>([]);
  const selectedId = ref<string | undefined>(undefined);
  const environment = shallowRef<AppEnvironment | undefined>(undefined);
  const embedded = shallowRef<EmbeddedState | undefined>(undefined);
  const settings = shallowRef<Settings | undefined>(undefined);
  /** The last failure talking to the app (the bridge), as a sentence. */
  const error = ref<string | undefined>(undefined);
  const loaded = ref(false);

  let bridge: KubedeskBridge | undefined;
  let createApi: NonNullable<ClustersConnectOptions['createApi']> = defaultApi;
  let pollIntervalMs = 2000;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  const apis = new Map<string, KubeApi>();

  const selected = computed(() => clusters.value.find((c) => c.id === selectedId.value));

  /** The bridge, for the other stores; `connect()` must have run. */
  function appBridgeOf(): KubedeskBridge {
    bridge ??= appBridge();
    return bridge;
  }

  /** Load environment, clusters, settings and the embedded state; pick the cluster to show. */
  async function connect(options: ClustersConnectOptions = {}): Promise<void> {
    if (options.bridge) bridge = options.bridge;
    if (options.createApi) createApi = options.createApi;
    if (options.pollIntervalMs !== undefined) pollIntervalMs = options.pollIntervalMs;
    apis.clear();
    const b = appBridgeOf();
    try {
      const [env, list, prefs] = await Promise.all([b.environment(), b.listClusters(), b.getSettings()]);
      environment.value = env;
      clusters.value = list;
      settings.value = prefs;
      error.value = undefined;
    } catch (e) {
      error.value = messageOf(e);
      throw e;
    }
    selectedId.value = initialSelection(clusters.value, settings.value?.lastClusterId);
    loaded.value = true;
    if (clusters.value.some((c) => c.source === 'embedded')) await refreshEmbedded();
  }

  /** Ask for the clusters again (kubeconfig files change). */
  async function refreshClusters(): Promise<void> {
    clusters.value = await appBridgeOf().listClusters();
    if (!clusters.value.some((c) => c.id === selectedId.value)) {
      selectedId.value = initialSelection(clusters.value, undefined);
    }
  }

  /** Show another cluster, and remember it for the next start. */
  async function select(id: string): Promise<void> {
    selectedId.value = id;
    try {
      settings.value = await appBridgeOf().updateSettings({ lastClusterId: id });
    } catch (e) {
      error.value = `The selection could not be saved: ${messageOf(e)}`;
    }
  }

  /** Merge changes into the app's settings (the namespaces store saves picks this way). */
  async function updateSettings(changes: Partial<Settings>): Promise<Settings> {
    const next = await appBridgeOf().updateSettings(changes);
    settings.value = next;
    return next;
  }

  /** Ask for the embedded cluster's state now; keeps asking every interval until it runs. */
  async function refreshEmbedded(): Promise<EmbeddedState | undefined> {
    stopPolling();
    try {
      embedded.value = await appBridgeOf().embeddedState();
      error.value = undefined;
    } catch (e) {
      error.value = messageOf(e);
    }
    if (embedded.value?.phase !== 'running') {
      pollTimer = setTimeout(() => void refreshEmbedded(), pollIntervalMs);
    }
    return embedded.value;
  }

  /** Restart the embedded cluster (optionally on another runtime) and follow it until it runs. */
  async function restartEmbedded(runtime?: RuntimeName): Promise<void> {
    embedded.value = await appBridgeOf().restartEmbedded(runtime ? { runtime } : undefined);
    await refreshEmbedded();
  }

  function stopPolling(): void {
    if (pollTimer !== undefined) clearTimeout(pollTimer);
    pollTimer = undefined;
  }

  /** The API client of a cluster (one per id, through the gateway). */
  function api(clusterId: string): KubeApi {
    let client = apis.get(clusterId);
    if (!client) {
      client = createApi(clusterId, environment.value);
      apis.set(clusterId, client);
    }
    return client;
  }

  /** A cluster's connection, from its informers (reactive). */
  function connection(clusterId: string): ClusterConnection {
    return useResourcesStore().connectionOf(clusterId);
  }

  /** Stop polling (the window is closing, or tests are done). */
  function dispose(): void {
    stopPolling();
  }

  return {
    clusters,
    selectedId,
    selected,
    environment,
    embedded,
    settings,
    error,
    loaded,
    connect,
    refreshClusters,
    select,
    updateSettings,
    refreshEmbedded,
    restartEmbedded,
    api,
    connection,
    appBridge: appBridgeOf,
    dispose,
  };
});

/** The remembered cluster if it still exists, else the embedded one, the current context, the first. */
function initialSelection(list: ClusterSummary[], remembered: string | undefined): string | undefined {
  return (
    list.find((c) => c.id === remembered)?.id ??
    list.find((c) => c.source === 'embedded')?.id ??
    list.find((c) => c.current)?.id ??
    list[0]?.id
  );
}

function defaultApi(clusterId: string, environment: AppEnvironment | undefined): KubeApi {
  // In Electron the window is loaded from a file or the dev server, so the gateway's origin comes
  // from the environment; in browser mode it is the page's own, and a relative URL does too.
  // Ids are URL-safe by contract (ClusterSummary.id), so they go into the path as they are.
  // Watches share one WebSocket to the gateway (a browser allows only six connections to it);
  // without a gateway URL or WebSocket (Node tests) each is a streamed fetch. A view may ask for
  // a client before connect() has the environment (a reload straight into a table): the page's
  // own origin is the gateway's then, and its watches must share the socket all the same, or a
  // few of them take every connection the browser allows and the rest stall.
  const gatewayUrl = environment?.gatewayUrl ?? pageOrigin();
  const watchTransport =
    gatewayUrl && typeof globalThis.WebSocket === 'function'
      ? muxTransport(gatewayUrl, clusterId)
      : undefined;
  return new KubeApi({
    baseUrl: `${gatewayUrl ?? ''}/clusters/${clusterId}`,
    ...(watchTransport ? { watchTransport } : {}),
  });
}

/** The page's origin when it was served over HTTP (browser mode, the Electron window), else undefined. */
function pageOrigin(): string | undefined {
  const location = (globalThis as { location?: Location }).location;
  return location && /^https?:$/.test(location.protocol) ? location.origin : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
