import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import type { Logger } from '../../embedded-cluster/util/logger.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const warnings: string[] = [];
const logger: Logger = {
  info() {},
  warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`),
  error: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`),
};

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['endpoints', 'endpointslice'],
    logger,
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

// The simulated node takes 110 pods (its `pods` capacity).
const COUNT = 105;

describe('endpoints of a service with many pods', () => {
  it('spreads them over slices of at most 100, with few writes and no failed syncs', async () => {
    const services = cluster.client.resource(resources.services);
    const pods = cluster.client.resource(resources.pods);
    await services.create({
      metadata: { name: 'many', namespace: 'default' },
      spec: { selector: { app: 'many' }, ports: [{ port: 80 }] },
    });
    // Count the writes the controllers make, from the watch every client sees.
    const controller = new AbortController();
    let endpointsWrites = 0;
    let sliceWrites = 0;
    const count = async (watch: AsyncIterable<{ type: string }>, add: () => void) => {
      try {
        for await (const event of watch) if (event.type !== 'BOOKMARK') add();
      } catch {
        // aborted
      }
    };
    const start = (await cluster.client.resource(resources.endpoints).list({ namespace: 'default' })).metadata
      .resourceVersion;
    void count(
      cluster.client
        .resource(resources.endpoints)
        .watch({ namespace: 'default', resourceVersion: start, signal: controller.signal }),
      () => endpointsWrites++,
    );
    void count(
      cluster.client
        .resource(resources.endpointSlices)
        .watch({ namespace: 'default', resourceVersion: start, signal: controller.signal }),
      () => sliceWrites++,
    );

    const template = (i: number): CoreV1.Pod => ({
      metadata: { name: `many-${i}`, namespace: 'default', labels: { app: 'many' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    for (let i = 0; i < COUNT; i += 15) {
      await Promise.all(Array.from({ length: 15 }, (_, j) => pods.create(template(i + j))));
    }

    await vi.waitFor(
      async () => {
        const ep = await cluster.client.resource(resources.endpoints).get('many', 'default');
        expect(ep.subsets?.[0]?.addresses).toHaveLength(COUNT);
        const slices = (
          await cluster.client
            .resource(resources.endpointSlices)
            .list({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=many' })
        ).items;
        const sizes = slices.map((s) => s.endpoints.length);
        // As upstream, slices fill as pods arrive, not packed tight: how they split depends on timing.
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(COUNT);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
        expect(slices.length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 30_000, interval: 200 },
    );
    controller.abort();
    // Pod updates are batched: far fewer writes than the 2 × 105 pod changes.
    expect(endpointsWrites).toBeLessThan(60);
    expect(sliceWrites).toBeLessThan(80);
    expect(warnings).toEqual([]);
  }, 60_000);
});
