import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { controllerOf, resources, type AppsV1, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['replicaset', 'replicationcontroller'],
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

const ns = 'default';
const wait = { timeout: 10_000, interval: 50 };

function replicaSet(
  name: string,
  replicas: number,
  selector: AppsV1.ReplicaSet['spec'] extends infer S ? (S extends { selector: infer L } ? L : never) : never,
  labels: Record<string, string>,
): AppsV1.ReplicaSet {
  return {
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector,
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

async function podsOf(uid: string | undefined): Promise<CoreV1.Pod[]> {
  const list = await cluster.client.resource(resources.pods).list({ namespace: ns });
  return list.items.filter((p) => controllerOf(p)?.uid === uid && !p.metadata?.deletionTimestamp);
}

async function eventsFor(name: string): Promise<CoreV1.Event[]> {
  const list = await cluster.client.resource(resources.events).list({ namespace: ns });
  return list.items.filter((e) => e.involvedObject.name === name);
}

describe('the ReplicaSet controller', () => {
  it('creates pods up to spec.replicas, owned by the ReplicaSet, and reports their status', async () => {
    const rss = cluster.client.resource(resources.replicaSets);
    const rs = await rss.create(replicaSet('web', 3, { matchLabels: { app: 'web' } }, { app: 'web' }));
    await vi.waitFor(async () => {
      const current = await rss.get('web', ns);
      expect(current.status).toMatchObject({
        replicas: 3,
        fullyLabeledReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        observedGeneration: 1,
      });
    }, wait);
    const pods = await podsOf(rs.metadata?.uid);
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(pod.metadata?.generateName).toBe('web-');
      expect(controllerOf(pod)).toMatchObject({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web',
        controller: true,
        blockOwnerDeletion: true,
      });
    }
    await vi.waitFor(async () => {
      const created = (await eventsFor('web')).filter((e) => e.reason === 'SuccessfulCreate');
      expect(created.map((e) => e.message).sort()).toEqual(
        pods.map((p) => `Created pod: ${p.metadata?.name}`).sort(),
      );
      expect(created[0]?.source?.component).toBe('replicaset-controller');
    }, wait);
  });

  it('replaces a deleted pod', async () => {
    const rs = await cluster.client.resource(resources.replicaSets).get('web', ns);
    const [victim] = await podsOf(rs.metadata?.uid);
    await cluster.client.resource(resources.pods).delete(victim!.metadata!.name!, { namespace: ns });
    await vi.waitFor(async () => {
      const pods = await podsOf(rs.metadata?.uid);
      expect(pods).toHaveLength(3);
      expect(pods.map((p) => p.metadata?.name)).not.toContain(victim!.metadata!.name);
    }, wait);
  });

  it('scales up and down, deleting surplus pods with SuccessfulDelete events', async () => {
    const rss = cluster.client.resource(resources.replicaSets);
    await rss.patch('web', { spec: { replicas: 5 } }, { namespace: ns });
    await vi.waitFor(async () => {
      expect((await rss.get('web', ns)).status).toMatchObject({
        replicas: 5,
        readyReplicas: 5,
        observedGeneration: 2,
      });
    }, wait);
    await rss.patch('web', { spec: { replicas: 1 } }, { namespace: ns });
    const rs = await rss.get('web', ns);
    await vi.waitFor(async () => {
      expect(await podsOf(rs.metadata?.uid)).toHaveLength(1);
      expect((await rss.get('web', ns)).status).toMatchObject({ replicas: 1, observedGeneration: 3 });
    }, wait);
    await vi.waitFor(async () => {
      const deleted = (await eventsFor('web')).filter((e) => e.reason === 'SuccessfulDelete');
      expect(deleted).toHaveLength(4);
      expect(deleted[0]?.message).toMatch(/^Deleted pod: web-[a-z0-9]{5}$/);
    }, wait);
  });

  it('adopts a matching orphan and deletes the surplus', async () => {
    const rs = await cluster.client.resource(resources.replicaSets).get('web', ns);
    await cluster.client.resource(resources.pods).create({
      metadata: { name: 'stray', namespace: ns, labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    // The orphan is adopted (2 pods for 1 replica), then one of the two is deleted.
    await vi.waitFor(async () => {
      const events = await eventsFor('web');
      expect(events.filter((e) => e.reason === 'SuccessfulDelete')).toHaveLength(5);
      expect(await podsOf(rs.metadata?.uid)).toHaveLength(1);
    }, wait);
  });

  it('releases a pod whose labels no longer match, and replaces it', async () => {
    const pods = cluster.client.resource(resources.pods);
    const rs = await cluster.client.resource(resources.replicaSets).get('web', ns);
    const [owned] = await podsOf(rs.metadata?.uid);
    const name = owned!.metadata!.name!;
    await pods.patch(name, { metadata: { labels: { app: 'debug' } } }, { namespace: ns });
    await vi.waitFor(async () => {
      const released = await pods.get(name, ns);
      expect(released.metadata?.ownerReferences ?? []).toEqual([]);
      const current = await podsOf(rs.metadata?.uid);
      expect(current).toHaveLength(1);
      expect(current[0]?.metadata?.name).not.toBe(name);
    }, wait);
  });

  it('selects with set-based expressions', async () => {
    const rss = cluster.client.resource(resources.replicaSets);
    const rs = await rss.create(
      replicaSet(
        'tiers',
        2,
        {
          matchExpressions: [
            { key: 'tier', operator: 'In', values: ['front', 'back'] },
            { key: 'canary', operator: 'DoesNotExist' },
          ],
        },
        { tier: 'front' },
      ),
    );
    await vi.waitFor(async () => {
      expect((await rss.get('tiers', ns)).status?.readyReplicas).toBe(2);
    }, wait);
    // A canary pod is not selected, so it is not adopted; a back-tier orphan is.
    const pods = cluster.client.resource(resources.pods);
    await pods.create({
      metadata: { name: 'canary', namespace: ns, labels: { tier: 'front', canary: 'yes' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    await pods.create({
      metadata: { name: 'back', namespace: ns, labels: { tier: 'back' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    await vi.waitFor(async () => {
      expect(await podsOf(rs.metadata?.uid)).toHaveLength(2);
      const back = await pods.get('back', ns).catch(() => undefined);
      // Adopted, and then possibly chosen as the surplus pod (it is the newest).
      if (back && !back.metadata?.deletionTimestamp) expect(controllerOf(back)?.uid).toBe(rs.metadata?.uid);
      const status = (await rss.get('tiers', ns)).status;
      expect(status).toMatchObject({ replicas: 2, fullyLabeledReplicas: expect.any(Number) });
    }, wait);
    expect(controllerOf(await pods.get('canary', ns))).toBeUndefined();
  });

  it('counts a pod available only after minReadySeconds', async () => {
    const rss = cluster.client.resource(resources.replicaSets);
    const spec = replicaSet('slow', 1, { matchLabels: { app: 'slow' } }, { app: 'slow' });
    await rss.create({ ...spec, spec: { ...spec.spec!, minReadySeconds: 2 } });
    await vi.waitFor(async () => {
      expect((await rss.get('slow', ns)).status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
    }, wait);
    await vi.waitFor(async () => {
      expect((await rss.get('slow', ns)).status?.availableReplicas).toBe(1);
    }, wait);
  });
});

describe('the ReplicationController controller', () => {
  it('keeps pods running for an equality selector, with events from replication-controller', async () => {
    const rcs = cluster.client.resource(resources.replicationControllers);
    const rc = await rcs.create({
      metadata: { name: 'kubia', namespace: ns },
      spec: {
        replicas: 3,
        selector: { app: 'kubia' },
        template: {
          metadata: { labels: { app: 'kubia' } },
          spec: { containers: [{ name: 'c', image: 'luksa/kubia' }] },
        },
      },
    });
    await vi.waitFor(async () => {
      expect((await rcs.get('kubia', ns)).status).toMatchObject({
        replicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        observedGeneration: 1,
      });
    }, wait);
    const pods = await podsOf(rc.metadata?.uid);
    expect(pods).toHaveLength(3);
    expect(controllerOf(pods[0]!)).toMatchObject({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      name: 'kubia',
    });
    await vi.waitFor(async () => {
      const events = (await eventsFor('kubia')).filter((e) => e.reason === 'SuccessfulCreate');
      expect(events).toHaveLength(3);
      expect(events[0]?.source?.component).toBe('replication-controller');
    }, wait);
    await rcs.patch('kubia', { spec: { replicas: 0 } }, { namespace: ns });
    await vi.waitFor(async () => {
      expect(await podsOf(rc.metadata?.uid)).toHaveLength(0);
      expect((await rcs.get('kubia', ns)).status?.replicas ?? 0).toBe(0);
    }, wait);
  });
});
