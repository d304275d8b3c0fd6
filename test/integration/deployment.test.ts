import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { controllerOf, resources, type AppsV1, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['replicaset', 'deployment'],
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

const ns = 'default';
const wait = { timeout: 15_000, interval: 50 };

function deployment(
  name: string,
  spec: Partial<AppsV1.DeploymentSpec> = {},
  image = 'nginx',
): AppsV1.Deployment {
  return {
    metadata: { name, namespace: ns },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image }] } },
      ...spec,
    },
  };
}

async function replicaSetsOf(d: AppsV1.Deployment): Promise<AppsV1.ReplicaSet[]> {
  const list = await cluster.client.resource(resources.replicaSets).list({ namespace: ns });
  return list.items.filter((rs) => controllerOf(rs)?.uid === d.metadata?.uid);
}

async function eventsFor(name: string): Promise<CoreV1.Event[]> {
  const list = await cluster.client.resource(resources.events).list({ namespace: ns });
  return list.items.filter((e) => e.involvedObject.name === name);
}

const condition = (d: AppsV1.Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

/** What `kubectl rollout status` waits for: the latest spec observed, every replica updated and available. */
async function waitRolledOut(name: string): Promise<AppsV1.Deployment> {
  let current: AppsV1.Deployment | undefined;
  await vi.waitFor(async () => {
    current = await cluster.client.resource(resources.deployments).get(name, ns);
    const replicas = current.spec?.replicas;
    expect(current.status?.observedGeneration).toBe(current.metadata?.generation);
    expect(current.status).toMatchObject({
      replicas,
      updatedReplicas: replicas,
      availableReplicas: replicas,
    });
  }, wait);
  return current!;
}

describe('the Deployment controller', () => {
  it('creates a ReplicaSet named by the pod-template-hash, whose pods run, and reports Available', async () => {
    const deployments = cluster.client.resource(resources.deployments);
    const d = await deployments.create(deployment('nginx'));
    let rs: AppsV1.ReplicaSet | undefined;
    await vi.waitFor(async () => {
      [rs] = await replicaSetsOf(d);
      expect(rs?.status?.readyReplicas).toBe(3);
    }, wait);
    const hash = rs!.metadata!.labels!['pod-template-hash']!;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs!.metadata?.name).toBe(`nginx-${hash}`);
    expect(rs!.spec?.selector?.matchLabels).toEqual({ app: 'nginx', 'pod-template-hash': hash });
    expect(rs!.spec?.template?.metadata?.labels).toEqual({ app: 'nginx', 'pod-template-hash': hash });
    expect(rs!.metadata?.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(controllerOf(rs!)).toMatchObject({ kind: 'Deployment', name: 'nginx', controller: true });

    await vi.waitFor(async () => {
      const current = await deployments.get('nginx', ns);
      // 1 in Kubernetes; see the revision annotation in DeploymentSync.writeStatus.
      expect(current.status?.observedGeneration).toBe(current.metadata?.generation);
      expect(current.status).toMatchObject({
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      });
      expect(current.status?.unavailableReplicas ?? 0).toBe(0);
      expect(condition(current, 'Available')).toMatchObject({
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      });
      expect(condition(current, 'Progressing')).toMatchObject({
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "nginx-${hash}" has successfully progressed.`,
      });
      expect(current.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    }, wait);
    const events = (await eventsFor('nginx')).filter((e) => e.reason === 'ScalingReplicaSet');
    expect(events.map((e) => e.message)).toEqual([`Scaled up replica set nginx-${hash} from 0 to 3`]);
    expect(events[0]?.source?.component).toBe('deployment-controller');
  });

  it('Recreate: scales the old ReplicaSet to 0 and waits for its pods to go before the new one starts', async () => {
    const deployments = cluster.client.resource(resources.deployments);
    const d = await deployments.create(
      deployment('recreate', { replicas: 2, strategy: { type: 'Recreate' } }),
    );
    await waitRolledOut('recreate');
    const [oldRS] = await replicaSetsOf(d);
    const oldHash = oldRS!.metadata!.labels!['pod-template-hash'];

    const pods = cluster.client.resource(resources.pods);
    const start = await pods.list({ namespace: ns, labelSelector: 'app=recreate' });
    const abort = new AbortController();
    const live = new Map<string, string>(
      start.items.map((p) => [p.metadata!.name!, p.metadata!.labels!['pod-template-hash']!]),
    );
    let overlap = false;
    const watching = (async () => {
      try {
        for await (const event of pods.watch({
          namespace: ns,
          labelSelector: 'app=recreate',
          resourceVersion: start.metadata.resourceVersion,
          signal: abort.signal,
        })) {
          const name = event.object.metadata!.name!;
          if (event.type === 'DELETED') live.delete(name);
          else if (event.type === 'ADDED' || event.type === 'MODIFIED')
            live.set(name, event.object.metadata!.labels!['pod-template-hash']!);
          if (new Set(live.values()).size > 1) overlap = true;
        }
      } catch {
        // aborted
      }
    })();

    await deployments.patch(
      'recreate',
      { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } },
      { namespace: ns, type: 'strategic' },
    );
    const current = await waitRolledOut('recreate');
    expect(condition(current, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    await vi.waitFor(() => expect([...live.values()]).toHaveLength(2), wait);
    abort.abort();
    await watching;
    expect(overlap).toBe(false);
    expect([...live.values()].every((h) => h !== oldHash)).toBe(true);
    const sets = await replicaSetsOf(d);
    expect(sets).toHaveLength(2);
    const scaled = (await eventsFor('recreate'))
      .filter((e) => e.reason === 'ScalingReplicaSet')
      .map((e) => e.message);
    expect(scaled).toContain(`Scaled down replica set ${oldRS!.metadata!.name} from 2 to 0`);
  });

  it('RollingUpdate: keeps pods within maxSurge above and maxUnavailable below the replica count', async () => {
    const deployments = cluster.client.resource(resources.deployments);
    await deployments.create(
      deployment('rolling', {
        replicas: 4,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      }),
    );
    await waitRolledOut('rolling');
    const pods = cluster.client.resource(resources.pods);
    const start = await pods.list({ namespace: ns, labelSelector: 'app=rolling' });
    const live = new Map<string, CoreV1.Pod>(start.items.map((p) => [p.metadata!.name!, p]));
    let maxActive = 0;
    let minReady = Infinity;
    const abort = new AbortController();
    const watching = (async () => {
      try {
        for await (const event of pods.watch({
          namespace: ns,
          labelSelector: 'app=rolling',
          resourceVersion: start.metadata.resourceVersion,
          signal: abort.signal,
        })) {
          if (event.type === 'DELETED') live.delete(event.object.metadata!.name!);
          else if (event.type !== 'BOOKMARK') live.set(event.object.metadata!.name!, event.object);
          const active = [...live.values()].filter((p) => !p.metadata?.deletionTimestamp);
          const ready = active.filter((p) =>
            p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          );
          maxActive = Math.max(maxActive, active.length);
          minReady = Math.min(minReady, ready.length);
        }
      } catch {
        // aborted
      }
    })();
    await deployments.patch(
      'rolling',
      { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } },
      { namespace: ns, type: 'strategic' },
    );
    await waitRolledOut('rolling');
    await vi.waitFor(() => expect([...live.values()]).toHaveLength(4), wait);
    abort.abort();
    await watching;
    expect(maxActive).toBe(5); // it did surge, by one
    expect(minReady).toBe(4); // and never went below 4 ready
  });

  it('spreads a scale during a rollout over the ReplicaSets in proportion to their size', async () => {
    const deployments = cluster.client.resource(resources.deployments);
    const d = await deployments.create(
      deployment('proportional', {
        replicas: 4,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      }),
    );
    await waitRolledOut('proportional');
    // The new pods never become ready, so the rollout holds at 4 old + 1 new.
    await deployments.patch(
      'proportional',
      {
        spec: {
          template: {
            metadata: { annotations: { 'simulation.kubedesk.dev/ready': 'false' } },
            spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
          },
        },
      },
      { namespace: ns, type: 'strategic' },
    );
    const sizes = async () =>
      (await replicaSetsOf(d))
        .sort(
          (a, b) =>
            Number(a.metadata?.annotations?.['deployment.kubernetes.io/revision']) -
            Number(b.metadata?.annotations?.['deployment.kubernetes.io/revision']),
        )
        .map((rs) => rs.spec?.replicas);
    await vi.waitFor(async () => expect(await sizes()).toEqual([4, 1]), wait);
    await deployments.patch('proportional', { spec: { replicas: 8 } }, { namespace: ns });
    // 9 allowed (8 + maxSurge 1): old 4 × 9/5 → 7, new 1 × 9/5 → 2.
    await vi.waitFor(async () => expect(await sizes()).toEqual([7, 2]), wait);
  });

  it('reports ProgressDeadlineExceeded when new pods never become ready', async () => {
    const deployments = cluster.client.resource(resources.deployments);
    const d = deployment('stuck', { replicas: 2, progressDeadlineSeconds: 2 });
    d.spec!.template.metadata!.annotations = { 'simulation.kubedesk.dev/ready': 'false' };
    await deployments.create(d);
    await vi.waitFor(async () => {
      const current = await deployments.get('stuck', ns);
      expect(condition(current, 'Progressing')).toMatchObject({
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: expect.stringMatching(/^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/),
      });
      expect(condition(current, 'Available')).toMatchObject({
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
      });
      expect(current.status?.unavailableReplicas).toBe(2);
    }, wait);
    const status = await kubectl(cluster.kubeconfigPath, [
      'rollout',
      'status',
      'deployment/stuck',
      '--timeout=10s',
    ]);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('deployment "stuck" exceeded its progress deadline');
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const deployments = cluster.client.resource(resources.deployments);
    const d = await deployments.create(deployment('history', { replicas: 1, revisionHistoryLimit: 1 }));
    for (const image of ['nginx:1.25', 'nginx:1.26', 'nginx:1.27']) {
      await deployments.patch(
        'history',
        { spec: { template: { spec: { containers: [{ name: 'nginx', image }] } } } },
        { namespace: ns, type: 'strategic' },
      );
      await waitRolledOut('history');
    }
    await vi.waitFor(async () => {
      const sets = await replicaSetsOf(d);
      expect(
        sets.map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort(),
      ).toEqual(['3', '4']);
    }, wait);
  });
});

describe('kubectl with Deployments', () => {
  const k = (...args: string[]) => kubectl(cluster.kubeconfigPath, args);

  it('create, rollout status, scale', async () => {
    expect((await k('create', 'deployment', 'web', '--image=nginx', '--replicas=3')).code).toBe(0);
    const status = await k('rollout', 'status', 'deployment/web', '--timeout=20s');
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    expect((await k('scale', 'deployment', 'web', '--replicas=5')).code).toBe(0);
    expect((await k('rollout', 'status', 'deployment/web', '--timeout=20s')).code).toBe(0);
    const get = await k('get', 'deployment', 'web', '--no-headers');
    expect(get.stdout).toMatch(/^web\s+5\/5\s+5\s+5\s/);
    const rs = await k('get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.replicas}');
    expect(rs.stdout).toBe('5');
  });

  it('set image rolls out a second revision; history lists both; undo goes back', async () => {
    expect((await k('set', 'image', 'deployment/web', 'nginx=nginx:1.27')).code).toBe(0);
    const status = await k('rollout', 'status', 'deployment/web', '--timeout=20s');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    const history = await k('rollout', 'history', 'deployment/web');
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);

    const undo = await k('rollout', 'undo', 'deployment/web');
    expect(undo.stderr).toBe('');
    expect(undo.stdout).toContain('deployment.apps/web rolled back');
    expect((await k('rollout', 'status', 'deployment/web', '--timeout=20s')).code).toBe(0);
    const image = await k(
      'get',
      'deployment',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
    expect(image.stdout).toBe('nginx');
    const after = await k('rollout', 'history', 'deployment/web');
    expect(after.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
    const pods = await k(
      'get',
      'pods',
      '-l',
      'app=web',
      '-o',
      'jsonpath={.items[*].spec.containers[0].image}',
    );
    expect(pods.stdout.split(' ').sort()).toEqual(Array(5).fill('nginx'));
  });

  it('pause holds a template change (scaling still works) until resume', async () => {
    expect((await k('rollout', 'pause', 'deployment/web')).code).toBe(0);
    expect((await k('set', 'image', 'deployment/web', 'nginx=nginx:1.26')).code).toBe(0);
    const deployments = cluster.client.resource(resources.deployments);
    await vi.waitFor(async () => {
      const d = await deployments.get('web', ns);
      expect(d.status?.observedGeneration).toBe(d.metadata?.generation);
      expect(condition(d, 'Progressing')).toMatchObject({
        status: 'Unknown',
        reason: 'DeploymentPaused',
        message: 'Deployment is paused',
      });
    }, wait);
    expect((await k('scale', 'deployment', 'web', '--replicas=2')).code).toBe(0);
    await vi.waitFor(async () => {
      const d = await deployments.get('web', ns);
      expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 0 });
    }, wait);
    const undo = await k('rollout', 'undo', 'deployment/web');
    expect(undo.code).not.toBe(0);
    expect(undo.stderr).toContain(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    );

    expect((await k('rollout', 'resume', 'deployment/web')).code).toBe(0);
    expect((await k('rollout', 'status', 'deployment/web', '--timeout=20s')).code).toBe(0);
    const d = await deployments.get('web', ns);
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(condition(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('rollout restart starts a new revision', async () => {
    expect((await k('rollout', 'restart', 'deployment/web')).code).toBe(0);
    expect((await k('rollout', 'status', 'deployment/web', '--timeout=20s')).code).toBe(0);
    const history = await k('rollout', 'history', 'deployment/web');
    expect(history.stdout.trim().split('\n').slice(-1)[0]).toMatch(/^5\s+<none>$/);
    const events = (await eventsFor('web')).filter((e) => e.reason === 'ScalingReplicaSet');
    expect(
      events.some((e) => /^Scaled down replica set web-[a-z0-9]+ from \d+ to \d+$/.test(e.message ?? '')),
    ).toBe(true);
  });
});
