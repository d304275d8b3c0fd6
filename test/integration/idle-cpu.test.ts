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

const MEASURE_MS = 5000;

describe('an idle cluster', () => {
  it('uses almost no CPU when nothing changes (no busy polling)', async () => {
    const { client } = cluster;
    await client.resource(resources.configMaps).create({
      metadata: { name: 'settings', namespace: 'default' },
      data: { mode: 'idle' },
    });
    await client.resource(resources.deployments).create({
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
      },
    });
    for (const name of ['a', 'b']) {
      await client.resource(resources.pods).create({
        metadata: { name, namespace: 'default', labels: { app: 'solo' } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      });
    }
    await vi.waitFor(
      async () => {
        const pods = await client.resource(resources.pods).list({ namespace: 'default' });
        expect(pods.items.filter((p) => p.status?.phase === 'Running').length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000, interval: 100 },
    );
    // Let whatever the new objects set off (events, statuses, controllers' follow-ups) finish.
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const before = process.cpuUsage();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
    const used = process.cpuUsage(before);
    const wall = performance.now() - started;
    const percentOfOneCore = ((used.user + used.system) / 1000 / wall) * 100;
    expect(percentOfOneCore, `${percentOfOneCore.toFixed(2)}% of one core`).toBeLessThan(5);
  }, 30_000);
});
