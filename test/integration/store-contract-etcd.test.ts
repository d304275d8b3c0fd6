import { openStore } from '../../embedded-cluster/store/open-store.js';
import { startEtcd } from '../support/etcd-server.js';
import { describeStoreContract } from '../support/store-contract.js';

describeStoreContract('etcd 3.4', async () => {
  const etcd = await startEtcd();
  const store = await openStore({ etcdEndpoints: [etcd.endpoint] });
  return {
    store,
    close: async () => {
      await store.close();
      await etcd.stop();
    },
  };
});
