import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, runtime: 'simulated' });
});
afterAll(async () => {
  await cluster?.destroy();
});

describe('the simulated node', () => {
  it('registers a Ready node that says it is simulated, with a Lease heartbeat', async () => {
    const node = await cluster.client.resource(resources.nodes).get('kubedesk');
    expect(node.metadata?.labels?.['kubedesk.dev/simulated']).toBe('true');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^simulated:/);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    await vi.waitFor(async () => {
      const lease = await cluster.client.resource(resources.leases).get('kubedesk', 'kube-node-lease');
      expect(lease.spec?.holderIdentity).toBe('kubedesk');
    });
  });

  it('runs a scheduled pod, and completes one whose restart policy lets it', async () => {
    const pods = cluster.client.resource(resources.pods);
    await pods.create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    await pods.create({
      metadata: {
        name: 'once',
        namespace: 'default',
        annotations: { 'simulation.kubedesk.dev/run-seconds': '0.2' },
      },
      spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
    });
    await vi.waitFor(
      async () => {
        const web = await pods.get('web', 'default');
        expect(web.spec?.nodeName).toBe('kubedesk');
        expect(web.status?.phase).toBe('Running');
        expect(web.status?.podIP).toMatch(/^10\.244\./);
      },
      { timeout: 5000 },
    );
    await vi.waitFor(
      async () => {
        expect((await pods.get('once', 'default')).status?.phase).toBe('Succeeded');
      },
      { timeout: 5000 },
    );
  });

  it('removes a deleted pod from the API once its (simulated) containers are gone', async () => {
    const pods = cluster.client.resource(resources.pods);
    await vi.waitFor(async () => expect((await pods.get('web', 'default')).status?.phase).toBe('Running'));
    await pods.delete('web', { namespace: 'default' });
    await vi.waitFor(
      async () => {
        await expect(pods.get('web', 'default')).rejects.toThrow(/not found/);
      },
      { timeout: 5000 },
    );
  });
});
