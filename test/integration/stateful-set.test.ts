import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type AppsV1, type CoreV1, type WatchEvent } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['statefulset'],
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

const NS = 'default';

function statefulSet(
  name: string,
  replicas: number,
  options: {
    spec?: Partial<AppsV1.StatefulSetSpec>;
    annotations?: Record<string, string>;
    claims?: boolean;
  } = {},
): AppsV1.StatefulSet {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          ...(options.annotations ? { annotations: options.annotations } : {}),
        },
        spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
      },
      ...(options.claims
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
              },
            ],
          }
        : {}),
      ...options.spec,
    },
  };
}

const isReady = (pod: CoreV1.Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Pod events for one app from now on, in the order the API server sent them. */
async function recordPods(app: string): Promise<{ events: WatchEvent<CoreV1.Pod>[]; stop: () => void }> {
  const pods = cluster.client.resource(resources.pods);
  const selector = { namespace: NS, labelSelector: `app=${app}` };
  // Watching from a list's resourceVersion misses nothing that happens after it.
  const { resourceVersion } = (await pods.list(selector)).metadata;
  const abort = new AbortController();
  const events: WatchEvent<CoreV1.Pod>[] = [];
  void (async () => {
    try {
      for await (const event of pods.watch({ ...selector, resourceVersion, signal: abort.signal })) {
        events.push(event);
      }
    } catch {
      // aborted
    }
  })();
  return { events, stop: () => abort.abort() };
}

function firstIndex(events: WatchEvent<CoreV1.Pod>[], test: (e: WatchEvent<CoreV1.Pod>) => boolean): number {
  return events.findIndex(test);
}

async function podNames(app: string): Promise<string[]> {
  const list = await cluster.client
    .resource(resources.pods)
    .list({ namespace: NS, labelSelector: `app=${app}` });
  return list.items.map((p) => p.metadata!.name!).sort();
}

describe('the StatefulSet controller', () => {
  it('creates pods in order, each after its predecessor is Ready, with claims and identity', async () => {
    const watch = await recordPods('web');
    await cluster.client.resource(resources.statefulSets).create(statefulSet('web', 3, { claims: true }));
    await vi.waitFor(
      async () => {
        const set = await cluster.client.resource(resources.statefulSets).get('web', NS);
        expect(set.status).toMatchObject({
          replicas: 3,
          readyReplicas: 3,
          currentReplicas: 3,
          updatedReplicas: 3,
        });
        expect(set.status?.currentRevision).toBe(set.status?.updateRevision);
        expect(set.status?.currentRevision).toMatch(/^web-[a-z0-9]+$/);
      },
      { timeout: 10_000 },
    );
    watch.stop();
    const { events } = watch;
    const added = (name: string) =>
      firstIndex(events, (e) => e.type === 'ADDED' && e.object.metadata?.name === name);
    const ready = (name: string) =>
      firstIndex(events, (e) => e.object.metadata?.name === name && isReady(e.object));
    for (const name of ['web-0', 'web-1', 'web-2']) {
      expect(added(name)).toBeGreaterThanOrEqual(0);
      expect(ready(name)).toBeGreaterThan(added(name));
    }
    expect(ready('web-0')).toBeLessThan(added('web-1'));
    expect(ready('web-1')).toBeLessThan(added('web-2'));

    const pod = await cluster.client.resource(resources.pods).get('web-1', NS);
    expect(pod.metadata?.labels).toMatchObject({
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    expect(pod.metadata?.labels?.['controller-revision-hash']).toMatch(/^web-/);
    expect(pod.spec?.hostname).toBe('web-1');
    expect(pod.spec?.subdomain).toBe('web');
    expect(pod.spec?.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-web-1' },
    });
    const claims = await cluster.client.resource(resources.persistentVolumeClaims).list({ namespace: NS });
    const names = claims.items.map((c) => c.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['data-web-0', 'data-web-1', 'data-web-2']));
    // Retain (the default): no owner, so the claims outlive pods and set.
    expect(
      claims.items.find((c) => c.metadata?.name === 'data-web-0')?.metadata?.ownerReferences,
    ).toBeUndefined();

    const messages = (
      await cluster.client
        .resource(resources.events)
        .list({ namespace: NS, fieldSelector: 'involvedObject.name=web' })
    ).items.map((e) => `${e.reason}: ${e.message}`);
    expect(messages).toContain('SuccessfulCreate: create Pod web-0 in StatefulSet web successful');
    expect(messages).toContain(
      'SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success',
    );
  });

  it('stalls OrderedReady creation while a pod is not Ready', async () => {
    await cluster.client
      .resource(resources.statefulSets)
      .create(statefulSet('stall', 3, { annotations: { 'simulation.kubedesk.dev/ready': 'false' } }));
    await vi.waitFor(async () => {
      const pod = await cluster.client.resource(resources.pods).get('stall-0', NS);
      expect(pod.status?.phase).toBe('Running');
    });
    await vi.waitFor(async () => {
      const set = await cluster.client.resource(resources.statefulSets).get('stall', NS);
      expect(set.status).toMatchObject({ replicas: 1, readyReplicas: 0 });
    });
    // Nothing is left to wake the controller but stall-0 becoming Ready, which it never does.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await podNames('stall')).toEqual(['stall-0']);
  });

  it('creates all pods at once with Parallel', async () => {
    await cluster.client.resource(resources.statefulSets).create(
      statefulSet('par', 3, {
        spec: { podManagementPolicy: 'Parallel' },
        annotations: { 'simulation.kubedesk.dev/ready': 'false' },
      }),
    );
    await vi.waitFor(async () => expect(await podNames('par')).toEqual(['par-0', 'par-1', 'par-2']), {
      timeout: 5000,
    });
  });

  it('scales down from the highest ordinal and keeps the claims', async () => {
    const watch = await recordPods('web');
    await cluster.client
      .resource(resources.statefulSets)
      .patch('web', { spec: { replicas: 1 } }, { namespace: NS });
    await vi.waitFor(async () => expect(await podNames('web')).toEqual(['web-0']), { timeout: 10_000 });
    watch.stop();
    const deleted = (name: string) =>
      firstIndex(
        watch.events,
        (e) =>
          e.object.metadata?.name === name &&
          (e.type === 'DELETED' || Boolean(e.object.metadata?.deletionTimestamp)),
      );
    expect(deleted('web-2')).toBeGreaterThanOrEqual(0);
    expect(deleted('web-2')).toBeLessThan(deleted('web-1'));
    const claims = await cluster.client.resource(resources.persistentVolumeClaims).list({ namespace: NS });
    expect(claims.items.map((c) => c.metadata?.name)).toEqual(
      expect.arrayContaining(['data-web-0', 'data-web-1', 'data-web-2']),
    );
  });

  it('recreates a deleted pod under the same name', async () => {
    const pods = cluster.client.resource(resources.pods);
    const before = await pods.get('web-0', NS);
    await pods.delete('web-0', { namespace: NS });
    await vi.waitFor(
      async () => {
        const after = await pods.get('web-0', NS);
        expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
        expect(isReady(after)).toBe(true);
      },
      { timeout: 10_000 },
    );
  });

  it('rolls out a new template only to ordinals at or above the partition, then to all', async () => {
    const config = cluster.kubeconfigPath;
    const sets = cluster.client.resource(resources.statefulSets);
    await sets.create(
      statefulSet('roll', 3, {
        spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      }),
    );
    const first = await kubectl(config, ['rollout', 'status', 'sts/roll', '-n', NS, '--timeout=20s']);
    expect(first.code).toBe(0);
    const image = async (name: string) =>
      (await cluster.client.resource(resources.pods).get(name, NS)).spec?.containers[0]?.image;

    expect((await kubectl(config, ['set', 'image', 'sts/roll', 'c=nginx:1.26', '-n', NS])).code).toBe(0);
    const partial = await kubectl(config, ['rollout', 'status', 'sts/roll', '-n', NS, '--timeout=20s']);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain('partitioned roll out complete: 1 new pods have been updated...');
    expect([await image('roll-0'), await image('roll-1'), await image('roll-2')]).toEqual([
      'nginx:1.25',
      'nginx:1.25',
      'nginx:1.26',
    ]);
    const set = await sets.get('roll', NS);
    expect(set.status?.currentRevision).not.toBe(set.status?.updateRevision);
    expect(set.status?.updatedReplicas).toBe(1);

    await sets.patch(
      'roll',
      { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } },
      { namespace: NS },
    );
    const full = await kubectl(config, ['rollout', 'status', 'sts/roll', '-n', NS, '--timeout=20s']);
    expect(full.code).toBe(0);
    await vi.waitFor(
      async () => {
        expect([await image('roll-0'), await image('roll-1'), await image('roll-2')]).toEqual([
          'nginx:1.26',
          'nginx:1.26',
          'nginx:1.26',
        ]);
        const done = await sets.get('roll', NS);
        expect(done.status?.currentRevision).toBe(done.status?.updateRevision);
      },
      { timeout: 10_000 },
    );

    const history = await kubectl(config, ['rollout', 'history', 'sts/roll', '-n', NS]);
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await kubectl(config, ['rollout', 'undo', 'sts/roll', '-n', NS]);
    expect(undo.stderr).toBe('');
    expect(undo.stdout).toContain('statefulset.apps/roll rolled back');
    await vi.waitFor(
      async () => {
        expect([await image('roll-0'), await image('roll-1'), await image('roll-2')]).toEqual([
          'nginx:1.25',
          'nginx:1.25',
          'nginx:1.25',
        ]);
      },
      { timeout: 15_000 },
    );
    const again = await kubectl(config, ['rollout', 'history', 'sts/roll', '-n', NS]);
    expect(again.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
  });
});
