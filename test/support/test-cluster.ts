import { startCluster, type RunningCluster } from '../../embedded-cluster/cluster.js';
import { tempDir } from './temp-dir.js';

export interface TestCluster extends RunningCluster {
  dataDir: string;
  /** Stop the cluster and remove its data directory. */
  destroy(): Promise<void>;
}

/** A cluster on a free port in a fresh temporary data directory. */
export async function startTestCluster(): Promise<TestCluster> {
  const dir = await tempDir('cluster');
  const cluster = await startCluster({ dataDir: dir.path, port: 0 });
  return {
    ...cluster,
    dataDir: dir.path,
    destroy: async () => {
      await cluster.stop();
      await dir.remove();
    },
  };
}
