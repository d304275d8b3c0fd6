import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

// No kubelet and no node lifecycle controller: the nodes here are API objects made by the test.
let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, runtime: 'none', controllers: [] });
});
afterAll(async () => {
  await cluster?.destroy();
});

const NS = 'default';
const pods = () => cluster.client.resource(resources.pods);
const nodes = () => cluster.client.resource(resources.nodes);

/** A fake node with 4 CPUs, 8Gi and room for 110 pods, Ready or not. */
async function addNode(name: string, labels: Record<string, string>, ready = true): Promise<void> {
  await nodes().create({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } });
  await setReady(name, ready);
}

async function setReady(name: string, ready: boolean): Promise<void> {
  const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
  await nodes().patch(
    name,
    {
      status: {
        capacity,
        allocatable: capacity,
        conditions: [
          { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'Test' },
        ],
      },
    },
    { subresource: 'status', type: 'strategic' },
  );
}

function pod(name: string, spec: Partial<CoreV1.PodSpec> = {}): CoreV1.Pod {
  return {
    metadata: { name, namespace: NS },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }], ...spec },
  };
}

async function condition(name: string): Promise<CoreV1.PodCondition | undefined> {
  return (await pods().get(name, NS)).status?.conditions?.find((c) => c.type === 'PodScheduled');
}

async function waitBound(name: string, node: string): Promise<void> {
  await vi.waitFor(async () => expect((await pods().get(name, NS)).spec?.nodeName).toBe(node), {
    timeout: 8000,
    interval: 50,
  });
}

describe('the scheduler across nodes', () => {
  it('says there are no nodes when there are none, and binds once one is Ready', async () => {
    await pods().create(pod('lonely'));
    await vi.waitFor(async () =>
      expect(await condition('lonely')).toMatchObject({
        status: 'False',
        reason: 'Unschedulable',
        message: 'no nodes available to schedule pods',
      }),
    );
    await addNode('fake-a', { zone: 'a' }, false);
    await vi.waitFor(
      async () =>
        expect((await condition('lonely'))?.message).toBe(
          '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. ' +
            'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..',
        ),
      { timeout: 8000 },
    );
    await setReady('fake-a', true);
    await waitBound('lonely', 'fake-a');
  });

  it('prefers nodes matching preferred node affinity', async () => {
    await addNode('fake-b', { zone: 'b' });
    const preferB: Partial<CoreV1.PodSpec> = {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
            },
          ],
        },
      },
    };
    for (let i = 0; i < 5; i++) await pods().create(pod(`prefers-b-${i}`, preferB));
    for (let i = 0; i < 5; i++) await waitBound(`prefers-b-${i}`, 'fake-b');
  });

  it('spreads pods over equal nodes (least allocated)', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `spread-${i}`);
    await Promise.all(names.map((n) => pods().create(pod(n))));
    const placed = new Map<string, number>();
    await vi.waitFor(
      async () => {
        placed.clear();
        for (const p of (await pods().list({ namespace: NS })).items) {
          if (!p.metadata?.name?.startsWith('spread-')) continue;
          expect(p.spec?.nodeName).toBeTruthy();
          placed.set(p.spec!.nodeName!, (placed.get(p.spec!.nodeName!) ?? 0) + 1);
        }
      },
      { timeout: 8000 },
    );
    // fake-b started with five more pods, so it gets fewer of these; both get some.
    expect(placed.get('fake-a')).toBeGreaterThan(placed.get('fake-b') ?? 0);
    expect(placed.get('fake-b')).toBeGreaterThan(5);
  });

  it('avoids a node with an untolerated PreferNoSchedule taint when another will do', async () => {
    await nodes().patch('fake-a', { spec: { taints: [{ key: 'slow', effect: 'PreferNoSchedule' }] } });
    for (let i = 0; i < 3; i++) await pods().create(pod(`avoid-slow-${i}`));
    for (let i = 0; i < 3; i++) await waitBound(`avoid-slow-${i}`, 'fake-b');
    await nodes().patch('fake-a', { spec: { taints: null } });
  });

  it('counts every node in the message, and binds once the node is uncordoned', async () => {
    expect((await kubectl(cluster.kubeconfigPath, ['cordon', 'fake-b'])).code).toBe(0);
    await pods().create(pod('wants-b', { nodeSelector: { zone: 'b' } }));
    await vi.waitFor(
      async () =>
        expect((await condition('wants-b'))?.message).toBe(
          "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, " +
            '1 node(s) were unschedulable. ' +
            'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..',
        ),
      { timeout: 8000 },
    );
    expect((await kubectl(cluster.kubeconfigPath, ['uncordon', 'fake-b'])).code).toBe(0);
    await waitBound('wants-b', 'fake-b');
  });

  it('pins a pod by matchFields metadata.name', async () => {
    await pods().create(
      pod('pinned', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['fake-a'] }] },
              ],
            },
          },
        },
      }),
    );
    await waitBound('pinned', 'fake-a');
  });
});
