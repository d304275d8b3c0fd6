import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Informer, resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let watched: Informer<CoreV1.Pod>;
beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, runtime: 'none', controllers: [] });
  // The test watches like a component does, so counting costs the cluster next to nothing.
  watched = new Informer(cluster.client.resource(resources.pods));
  watched.start();
  await watched.synced();
});
afterAll(async () => {
  watched?.stop();
  await cluster?.destroy();
});

const NS = 'default';
const COUNT = 1000;
const FULL_MESSAGE =
  '0/1 nodes are available: 1 Insufficient cpu. ' +
  'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..';

const all = () => watched.store.list().filter((p) => p.metadata?.labels?.app === 'load');
const bound = () => all().filter((p) => p.spec?.nodeName).length;
const scheduledCondition = (p: CoreV1.Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');

async function createInBatches(items: CoreV1.Pod[], parallel = 50): Promise<void> {
  const pods = cluster.client.resource(resources.pods);
  for (let i = 0; i < items.length; i += parallel) {
    await Promise.all(items.slice(i, i + parallel).map((p) => pods.create(p)));
  }
}

describe('scheduler throughput', () => {
  it('binds waiting pods fast when a node arrives, and never overcommits it', async () => {
    await createInBatches(
      Array.from({ length: COUNT }, (_, i) => ({
        metadata: { name: `load-${i}`, namespace: NS, labels: { app: 'load' } },
        spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] },
      })),
    );
    // Every pod has found no node once; let their one-second backoff pass.
    await vi.waitFor(
      () => expect(all().filter((p) => scheduledCondition(p)?.status === 'False').length).toBe(COUNT),
      { timeout: 60_000, interval: 100 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));

    // One node with room for 60 CPUs of these pods: 600 fit, 400 must not. Created with its
    // status, as a kubelet registers its node.
    const capacity = { cpu: '60', memory: '256Gi', pods: '1000' };
    const started = performance.now();
    await cluster.client.resource(resources.nodes).create({
      metadata: { name: 'big', labels: { 'kubernetes.io/hostname': 'big' } },
      status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    await vi.waitFor(() => expect(bound()).toBe(600), { timeout: 30_000, interval: 10 });
    const seconds = (performance.now() - started) / 1000;
    const rate = 600 / seconds;
    console.info(`scheduler: 600 bindings in ${seconds.toFixed(2)} s (${Math.round(rate)}/s)`);
    // The target is 500/s on an idle machine; this floor leaves room for a loaded test runner.
    expect(rate).toBeGreaterThanOrEqual(100);

    // The other 400 stay Pending, saying why: the node is full, never overcommitted.
    await vi.waitFor(
      () => {
        const pending = all().filter((p) => !p.spec?.nodeName);
        expect(pending.length).toBe(400);
        for (const p of pending) expect(scheduledCondition(p)?.message).toBe(FULL_MESSAGE);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(bound()).toBe(600);
  }, 120_000);
});
