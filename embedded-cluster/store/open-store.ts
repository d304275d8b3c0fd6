import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { openEmbeddedStore, type EmbeddedStoreConfig } from './embedded/embedded-store.js';
import type { Store } from './store.js';

/** Where cluster state lives: the embedded store in `dataDir`, or an external etcd cluster. */
export type StoreConfig =
  | ({ etcdEndpoints?: undefined } & EmbeddedStoreConfig)
  | { etcdEndpoints: string[]; dialTimeoutMs?: number; clock?: Clock; logger?: Logger };

/** Open the backend the configuration names: `etcdEndpoints` selects etcd, otherwise the embedded store. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.etcdEndpoints && config.etcdEndpoints.length > 0) {
    // Loaded only when asked for: the gRPC client and its protos cost a few hundred milliseconds at start.
    const { openEtcdStore } = await import('./etcd/etcd-store.js');
    return openEtcdStore({
      endpoints: config.etcdEndpoints,
      ...(config.dialTimeoutMs ? { dialTimeoutMs: config.dialTimeoutMs } : {}),
    });
  }
  return openEmbeddedStore(config as EmbeddedStoreConfig);
}
