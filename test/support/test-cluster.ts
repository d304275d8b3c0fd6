import { startCluster, type ClusterOptions, type RunningCluster } from '../../embedded-cluster/cluster.js';
import { tempDir } from './temp-dir.js';

export interface TestCluster extends RunningCluster {
  dataDir: string;
  /** Stop the cluster and remove its data directory. */
  destroy(): Promise<void>;
}

export interface TestClusterOptions extends Omit<ClusterOptions, 'dataDir'> {
  /**
   * Run the scheduler and controllers (default false: the API server alone, for tests of API
   * semantics that controllers would otherwise act on).
   */
  controlPlane?: boolean;
}

/** A cluster on a free port in a fresh temporary data directory. */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const dir = await tempDir('cluster');
  const { controlPlane = false, ...rest } = options;
  const cluster = await startCluster({
    port: 0,
    ...(controlPlane ? {} : { controllers: [], scheduler: false }),
    ...rest,
    dataDir: dir.path,
  });
  return {
    ...cluster,
    dataDir: dir.path,
    destroy: async () => {
      await cluster.stop();
      await dir.remove();
    },
  };
}
