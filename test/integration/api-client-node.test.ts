/**
 * A second client: the official JavaScript Kubernetes client
 * (@kubernetes/client-node) reads the kubeconfig `kubedesk serve` writes and
 * uses the API as it would any cluster's.
 */
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let config: KubeConfig;
beforeAll(async () => {
  cluster = await startTestCluster();
  config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfigPath);
});
afterAll(async () => cluster?.destroy());

describe('@kubernetes/client-node against Kubedesk', () => {
  it('lists namespaces and creates, reads and deletes a configmap', async () => {
    const core = config.makeApiClient(CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain('kube-system');
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'from-js' }, data: { hello: 'world' } },
    });
    expect(created.metadata?.uid).toBeDefined();
    const read = await core.readNamespacedConfigMap({ name: 'from-js', namespace: 'default' });
    expect(read.data).toEqual({ hello: 'world' });
    await core.deleteNamespacedConfigMap({ name: 'from-js', namespace: 'default' });
    await expect(
      core.readNamespacedConfigMap({ name: 'from-js', namespace: 'default' }),
    ).rejects.toMatchObject({
      code: 404,
    });
  });

  it('watches with its Watch helper', async () => {
    const core = config.makeApiClient(CoreV1Api);
    const { metadata } = await core.listNamespacedConfigMap({ namespace: 'default' });
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      void new Watch(config)
        .watch(
          '/api/v1/namespaces/default/configmaps',
          { resourceVersion: metadata?.resourceVersion },
          (type, obj: { metadata: { name: string } }) => {
            seen.push(`${type} ${obj.metadata.name}`);
            if (seen.length === 2) resolve();
          },
          (error) => (error ? reject(error) : undefined),
        )
        .then((request) => done.finally(() => request.abort()));
    });
    await new Promise((r) => setTimeout(r, 200));
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' } } });
    await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
    await done;
    expect(seen).toEqual(['ADDED watched', 'DELETED watched']);
  });
});
