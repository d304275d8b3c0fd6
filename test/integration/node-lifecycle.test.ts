import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isStatus, resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { ManualClock } from '../../embedded-cluster/util/clock.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

// The node lifecycle controller on fake nodes whose kubelet the test plays: it renews their Leases
// (or stops renewing them) and moves a manual clock, so the 50 s grace period and the 300 s default
// toleration take no real time.

let cluster: TestCluster;
const clock = new ManualClock(Date.now());
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'none',
    scheduler: false,
    controllers: ['nodelifecycle'],
    clock,
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

const nodes = () => cluster.client.resource(resources.nodes);
const pods = () => cluster.client.resource(resources.pods);

/** What a kubelet does when it (re)starts: register, post Ready, renew its Lease. */
async function kubeletPostsReady(name: string): Promise<void> {
  try {
    await nodes().create({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
  } catch (error) {
    if (!isStatus(error, 'AlreadyExists')) throw error;
  }
  const now = rfc3339(clock.now());
  await nodes().patch(
    name,
    {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
          {
            type: 'MemoryPressure',
            status: 'False',
            reason: 'KubeletHasSufficientMemory',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
      },
    },
    { subresource: 'status', type: 'strategic' },
  );
  await renewLease(name);
}

async function renewLease(name: string): Promise<void> {
  const leases = cluster.client.resource(resources.leases);
  const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(clock.now()) };
  try {
    const lease = await leases.get(name, 'kube-node-lease');
    await leases.update({ ...lease, spec: { ...lease.spec, ...spec } });
  } catch (error) {
    if (!isStatus(error, 'NotFound')) throw error;
    await leases.create({ metadata: { name, namespace: 'kube-node-lease' }, spec });
  }
}

/** Move time on in 5 s steps, the nodes in `alive` renewing their Leases as kubelets do. */
async function passTime(ms: number, alive: string[] = []): Promise<void> {
  for (let left = ms; left > 0; left -= 5000) {
    for (const name of alive) await renewLease(name);
    clock.advance(Math.min(5000, left));
    await nodes().list(); // a round trip: lets the controller see what happened
  }
}

async function runningPod(name: string, nodeName: string, tolerations: CoreV1.Toleration[] = []) {
  const pod = await pods().create({
    metadata: { name, namespace: 'default' },
    spec: { nodeName, tolerations, containers: [{ name: 'c', image: 'nginx' }] },
  });
  const now = rfc3339(clock.now());
  await pods().updateStatus({
    ...pod,
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      ],
    },
  });
}

const ready = (node: CoreV1.Node) => node.status?.conditions?.find((c) => c.type === 'Ready');
const taintsOf = (node: CoreV1.Node) => (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);

async function eventsAbout(name: string) {
  const list = await cluster.client.resource(resources.events).list({ namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.name === name).map((e) => `${e.reason}: ${e.message}`);
}

describe('node lifecycle', () => {
  it('turns a silent node Unknown and taints it NoSchedule; alone, its pods are not evicted', async () => {
    await kubeletPostsReady('node-a');
    await runningPod('web', 'node-a');
    await runningPod('short', 'node-a', [
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 20,
      },
    ]);
    await runningPod('forever', 'node-a', [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    ]);
    await vi.waitFor(async () =>
      expect(await eventsAbout('node-a')).toContain(
        'RegisteredNode: Node node-a event: Registered Node node-a in Controller',
      ),
    );

    // 40 s of silence is within the 50 s grace period.
    await passTime(40_000);
    expect(ready(await nodes().get('node-a'))?.status).toBe('True');

    await passTime(15_000);
    await vi.waitFor(async () => {
      const node = await nodes().get('node-a');
      expect(ready(node)).toMatchObject({
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      });
      expect(node.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
      expect(taintsOf(node)).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
      expect(node.spec?.taints?.[0]?.timeAdded).toBeTruthy();
    });
    await vi.waitFor(async () => {
      const web = await pods().get('web', 'default');
      expect(web.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
      expect(await eventsAbout('node-a')).toContain('NodeNotReady: Node node-a status is now: NodeNotReady');
      expect(await eventsAbout('web')).toContain('NodeNotReady: Node is not ready');
    });

    // Every node of the cluster is down: Kubernetes suspects itself, not the node, and evicts nothing.
    await passTime(30_000);
    expect(taintsOf(await nodes().get('node-a'))).not.toContain('node.kubernetes.io/unreachable:NoExecute');
    expect((await pods().get('short', 'default')).metadata?.deletionTimestamp).toBeUndefined();
  });

  it('with another node alive, taints the silent node NoExecute and evicts pods after their toleration', async () => {
    await kubeletPostsReady('node-b');
    await vi.waitFor(async () => {
      const node = await nodes().get('node-a');
      expect(taintsOf(node)).toContain('node.kubernetes.io/unreachable:NoExecute');
      expect(node.spec?.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded).toBeTruthy();
    });
    expect(taintsOf(await nodes().get('node-b'))).toEqual([]);

    // `short` tolerates the taint for 20 s.
    await passTime(25_000, ['node-b']);
    await vi.waitFor(async () => {
      const short = await pods()
        .get('short', 'default')
        .catch(() => undefined);
      if (short) {
        expect(short.metadata?.deletionTimestamp).toBeTruthy();
        expect(short.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
          status: 'True',
          reason: 'DeletionByTaintManager',
        });
      }
      expect(await eventsAbout('short')).toContain(
        'TaintManagerEviction: Marking for deletion Pod default/short',
      );
    });
    expect((await pods().get('web', 'default')).metadata?.deletionTimestamp).toBeUndefined();

    // `web` has the default toleration the API server adds: 300 s.
    await passTime(280_000, ['node-b']);
    await vi.waitFor(async () => {
      const web = await pods()
        .get('web', 'default')
        .catch(() => undefined);
      expect(web?.metadata?.deletionTimestamp ?? 'gone').toBeTruthy();
      expect(await eventsAbout('web')).toContain(
        'TaintManagerEviction: Marking for deletion Pod default/web',
      );
    });
    // `forever` tolerates the taint without a time limit.
    expect((await pods().get('forever', 'default')).metadata?.deletionTimestamp).toBeUndefined();
    expect(ready(await nodes().get('node-b'))?.status).toBe('True');
  });

  it('removes the taints once the kubelet is back', async () => {
    await kubeletPostsReady('node-a');
    await vi.waitFor(async () => {
      const node = await nodes().get('node-a');
      expect(ready(node)?.status).toBe('True');
      expect(taintsOf(node)).toEqual([]);
    });
    await passTime(30_000, ['node-a', 'node-b']);
    expect(ready(await nodes().get('node-a'))?.status).toBe('True');
  });
});
