import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../embedded-cluster/store/embedded/embedded-store.js';
import { describeStoreContract } from '../support/store-contract.js';

describeStoreContract('embedded', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubedesk-contract-'));
  const store = await openEmbeddedStore({ dataDir });
  return {
    store,
    close: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
