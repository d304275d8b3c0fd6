import type {
  ClusterSummary,
  EmbeddedState,
  KubedeskBridge,
  Settings,
} from '../../../../src-main/shared/bridge.js';
import { createPinia, setActivePinia } from 'pinia';
import { useClustersStore, useResourcesStore } from '../../../../src-renderer/stores/index.js';
import type { FlushScheduler } from '../../../../src-renderer/kube/index.js';
import type { FakeKube } from '../kube/fake-kube.js';

/** A bridge kept in memory, recording settings updates; embedded states are served in turn. */
export function fakeBridge(
  options: { clusters?: ClusterSummary[]; settings?: Partial<Settings>; embedded?: EmbeddedState[] } = {},
) {
  let settings: Settings = { theme: 'system', namespaces: {}, ...options.settings };
  const embedded = [...(options.embedded ?? [state('running')])];
  const calls: string[] = [];
  const bridge: KubedeskBridge = {
    appVersion: async () => '0.1.0',
    environment: async () => ({ mode: 'browser', gatewayUrl: 'http://127.0.0.1:5000', platform: 'linux' }),
    listClusters: async () =>
      options.clusters ?? [
        { id: 'embedded', name: 'Kubedesk (embedded)', source: 'embedded', server: 'https://127.0.0.1:6443' },
        { id: 'context:dev', name: 'dev', source: 'kubeconfig', server: 'https://dev:6443', current: true },
      ],
    embeddedState: async () => {
      calls.push('embeddedState');
      return embedded.length > 1 ? embedded.shift()! : embedded[0]!;
    },
    restartEmbedded: async () => state('restarting'),
    getSettings: async () => settings,
    updateSettings: async (changes) => {
      calls.push(`updateSettings ${JSON.stringify(changes)}`);
      settings = { ...settings, ...changes };
      return settings;
    },
    openFile: async () => undefined,
    saveFile: async () => undefined,
    startPortForward: async () => {
      throw new Error('port-forwarding is not faked here');
    },
    listPortForwards: async () => [],
    stopPortForward: async () => {},
  };
  return { bridge, calls, settings: () => settings };
}

export function state(phase: EmbeddedState['phase']): EmbeddedState {
  return { phase, runtime: 'simulated', restarts: 0, dataDir: '/tmp/kubedesk' };
}

/** Flush at once, so store tests see each change as it is applied. */
export const immediate: FlushScheduler = (flush) => {
  flush();
  return () => {};
};

/** A fresh Pinia with the clusters store connected to `kube` (every cluster id answers from it). */
export async function storesOn(kube: FakeKube, bridge = fakeBridge().bridge) {
  setActivePinia(createPinia());
  const clusters = useClustersStore();
  await clusters.connect({ bridge, createApi: () => kube.api() });
  const resources = useResourcesStore();
  resources.configure({ scheduleFlush: immediate, backoff: { jitter: 0 } });
  return { clusters, resources };
}
