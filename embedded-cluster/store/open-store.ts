import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { openEmbeddedStore, type EmbeddedStoreConfig } from './embedded/embedded-store.js';
import { openEtcdStore } from './etcd/etcd-store.js';
import type { Store } from './store.js';

/** Where cluster state lives: the embedded store in `dataDir`, or an external etcd cluster. */
export type StoreConfig =
  | ({ etcdEndpoints?: undefined } & EmbeddedStoreConfig)
  | { etcdEndpoints: string[]; dialTimeoutMs?: number; clock?: Clock; logger?: Logger };

/** Open the backend the configuration names: `etcdEndpoints` selects etcd, otherwise the embedded store. */
export function openStore(config: StoreConfig): Promise<Store> {
  if (config.etcdEndpoints && config.etcdEndpoints.length > 0) {
    return openEtcdStore({
      endpoints: config.etcdEndpoints,
      ...(config.dialTimeoutMs ? { dialTimeoutMs: config.dialTimeoutMs } : {}),
    });
  }
  return openEmbeddedStore(config as EmbeddedStoreConfig);
}
