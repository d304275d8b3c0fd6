import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, runtime: 'simulated', controllers: [] });
});
afterAll(async () => {
  await cluster?.destroy();
});

const NS = 'default';
const pods = () => cluster.client.resource(resources.pods);
const nodes = () => cluster.client.resource(resources.nodes);

function pod(
  name: string,
  spec: Partial<CoreV1.PodSpec> = {},
  labels: Record<string, string> = {},
): CoreV1.Pod {
  return {
    metadata: { name, namespace: NS, labels },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
  };
}

async function eventsFor(name: string): Promise<CoreV1.Event[]> {
  const list = await cluster.client.resource(resources.events).list({ namespace: NS });
  return list.items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Pod');
}

async function waitBound(name: string, node = 'kubedesk'): Promise<CoreV1.Pod> {
  let bound: CoreV1.Pod | undefined;
  await vi.waitFor(
    async () => {
      bound = await pods().get(name, NS);
      expect(bound.spec?.nodeName).toBe(node);
    },
    { timeout: 8000, interval: 50 },
  );
  return bound!;
}

/** Wait for the FailedScheduling event and the PodScheduled=False condition, both with `message`. */
async function expectUnschedulable(name: string, message: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const p = await pods().get(name, NS);
      expect(p.spec?.nodeName).toBeUndefined();
      const condition = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
      expect(condition).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
      const failed = (await eventsFor(name)).filter((e) => e.reason === 'FailedScheduling');
      expect(failed.map((e) => e.message)).toContain(message);
      expect(failed[0]).toMatchObject({ type: 'Warning', source: { component: 'default-scheduler' } });
    },
    { timeout: 8000, interval: 50 },
  );
}

const NOT_HELPFUL = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..';
const NO_VICTIMS = 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..';

describe('the scheduler', () => {
  it('binds a pod that fits and records the Scheduled event', async () => {
    await pods().create(pod('fits'));
    const bound = await waitBound('fits');
    expect(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    await vi.waitFor(async () => {
      const scheduled = (await eventsFor('fits')).find((e) => e.reason === 'Scheduled');
      expect(scheduled).toMatchObject({
        type: 'Normal',
        message: 'Successfully assigned default/fits to kubedesk',
        source: { component: 'default-scheduler' },
      });
    });
  });

  it('leaves a pod asking for 1000 CPUs Pending, in Kubernetes 1.32 words', async () => {
    await pods().create(
      pod('greedy', {
        containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '1000' } } }],
      }),
    );
    await expectUnschedulable('greedy', `0/1 nodes are available: 1 Insufficient cpu. ${NO_VICTIMS}`);
    const describe = await kubectl(cluster.kubeconfigPath, ['describe', 'pod', 'greedy']);
    expect(describe.stdout).toContain('FailedScheduling');
    expect(describe.stdout).toContain('0/1 nodes are available: 1 Insufficient cpu.');
    await pods().delete('greedy', { namespace: NS, gracePeriodSeconds: 0 });
  });

  it('schedules a waiting pod once a pod holding the room it needs goes away', async () => {
    const node = await nodes().get('kubedesk');
    const cpu = Number(node.status?.allocatable?.cpu);
    const half = `${Math.floor((cpu * 1000) / 2) + 100}m`;
    const request = (name: string) =>
      pod(name, { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: half } } }] });
    await pods().create(request('big-1'));
    await waitBound('big-1');
    await pods().create(request('big-2'));
    await expectUnschedulable('big-2', `0/1 nodes are available: 1 Insufficient cpu. ${NO_VICTIMS}`);
    await pods().delete('big-1', { namespace: NS });
    await waitBound('big-2');
    await pods().delete('big-2', { namespace: NS });
  });

  it('honours nodeSelector, and schedules the pod once the node gets the label', async () => {
    await pods().create(pod('picky', { nodeSelector: { disk: 'ssd' } }));
    await expectUnschedulable(
      'picky',
      `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`,
    );
    await nodes().patch('kubedesk', { metadata: { labels: { disk: 'ssd' } } });
    await waitBound('picky');
  });

  it('honours required node affinity expressions', async () => {
    const affinity = (operator: string, values?: string[]): Partial<CoreV1.PodSpec> => ({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'disk', operator, ...(values ? { values } : {}) }] },
            ],
          },
        },
      },
    });
    await pods().create(pod('affine-in', affinity('In', ['ssd', 'nvme'])));
    await pods().create(pod('affine-notin', affinity('NotIn', ['ssd'])));
    await waitBound('affine-in');
    await expectUnschedulable(
      'affine-notin',
      `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`,
    );
  });

  it('keeps pods off a tainted node unless they tolerate the taint', async () => {
    await nodes().patch('kubedesk', {
      spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    });
    await pods().create(pod('intolerant'));
    await pods().create(
      pod('tolerant', {
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      }),
    );
    await waitBound('tolerant');
    await expectUnschedulable(
      'intolerant',
      `0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. ${NOT_HELPFUL}`,
    );
    await nodes().patch('kubedesk', { spec: { taints: null } });
    await waitBound('intolerant');
  });

  it('keeps a second pod off a node whose host port is taken', async () => {
    const withPort = (name: string) =>
      pod(name, {
        containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }] }],
      });
    await pods().create(withPort('port-1'));
    await waitBound('port-1');
    await pods().create(withPort('port-2'));
    await expectUnschedulable(
      'port-2',
      `0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. ${NO_VICTIMS}`,
    );
    await pods().delete('port-1', { namespace: NS });
    await waitBound('port-2');
  });

  it('keeps pods apart by required pod anti-affinity, both ways', async () => {
    const antiDb: Partial<CoreV1.PodSpec> = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      },
    };
    await pods().create(pod('db-1', antiDb, { app: 'db' }));
    await waitBound('db-1');
    await pods().create(pod('db-2', antiDb, { app: 'db' }));
    await expectUnschedulable(
      'db-2',
      `0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules. ${NO_VICTIMS}`,
    );
    // A pod without terms of its own is kept away by db-1's.
    await pods().create(pod('db-3', {}, { app: 'db' }));
    await expectUnschedulable(
      'db-3',
      `0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. ${NO_VICTIMS}`,
    );
  });

  it('schedules a pod with required pod affinity next to the pods it wants', async () => {
    const nearWeb: Partial<CoreV1.PodSpec> = {
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { app: 'cache-target' } },
              topologyKey: 'kubernetes.io/hostname',
            },
          ],
        },
      },
    };
    await pods().create(pod('cache', nearWeb));
    await expectUnschedulable(
      'cache',
      `0/1 nodes are available: 1 node(s) didn't match pod affinity rules. ${NOT_HELPFUL}`,
    );
    await pods().create(pod('cache-target', {}, { app: 'cache-target' }));
    await waitBound('cache-target');
    await waitBound('cache');
  });

  it('leaves pods for another scheduler alone', async () => {
    await pods().create(pod('not-mine', { schedulerName: 'my-scheduler' }));
    await pods().create(pod('after-not-mine'));
    await waitBound('after-not-mine');
    const p = await pods().get('not-mine', NS);
    expect(p.spec?.nodeName).toBeUndefined();
    expect(p.status?.conditions ?? []).toEqual([]);
    expect(await eventsFor('not-mine')).toEqual([]);
  });
});
