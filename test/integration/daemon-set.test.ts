import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type AppsV1, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, runtime: 'simulated', controllers: ['daemonset'] });
});
afterAll(async () => {
  await cluster?.destroy();
});

const NS = 'default';

function daemonSet(name: string, spec: Partial<CoreV1.PodSpec> = {}): AppsV1.DaemonSet {
  return {
    metadata: { name, namespace: NS },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'nginx:1.25' }], ...spec },
      },
    },
  };
}

async function podsOf(app: string): Promise<CoreV1.Pod[]> {
  const list = await cluster.client
    .resource(resources.pods)
    .list({ namespace: NS, labelSelector: `app=${app}` });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

async function patchNode(patch: unknown): Promise<void> {
  await cluster.client.resource(resources.nodes).patch('kubedesk', patch, { type: 'merge' });
}

describe('the DaemonSet controller', () => {
  it('places one pod on the node itself, with nodeName and a node affinity, and reports status', async () => {
    const daemonSets = cluster.client.resource(resources.daemonSets);
    await daemonSets.create(daemonSet('agent'));
    const pod = await vi.waitFor(
      async () => {
        const pods = await podsOf('agent');
        expect(pods).toHaveLength(1);
        return pods[0]!;
      },
      { timeout: 5000 },
    );
    expect(pod.spec?.nodeName).toBe('kubedesk');
    expect(pod.metadata?.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(pod.metadata?.labels?.['controller-revision-hash']).toMatch(/^[a-z0-9]+$/);
    expect(
      pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    ).toEqual([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kubedesk'] }] }]);
    expect(pod.spec?.tolerations).toContainEqual({
      key: 'node.kubernetes.io/unschedulable',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    await vi.waitFor(
      async () => {
        const ds = await daemonSets.get('agent', NS);
        expect(ds.status).toMatchObject({
          desiredNumberScheduled: 1,
          currentNumberScheduled: 1,
          numberReady: 1,
          numberAvailable: 1,
          updatedNumberScheduled: 1,
          numberMisscheduled: 0,
          observedGeneration: ds.metadata?.generation,
        });
      },
      { timeout: 5000 },
    );
    const events = await cluster.client
      .resource(resources.events)
      .list({ namespace: NS, fieldSelector: 'involvedObject.name=agent' });
    expect(events.items.map((e) => [e.reason, e.message])).toContainEqual([
      'SuccessfulCreate',
      `Created pod: ${pod.metadata?.name}`,
    ]);
  });

  it('runs nothing on a node without the selected label, and a pod once the node gets it', async () => {
    const daemonSets = cluster.client.resource(resources.daemonSets);
    await daemonSets.create(daemonSet('ssd-only', { nodeSelector: { disk: 'ssd' } }));
    await vi.waitFor(async () => {
      const ds = await daemonSets.get('ssd-only', NS);
      expect(ds.status?.observedGeneration).toBe(1);
      expect(ds.status?.desiredNumberScheduled).toBe(0);
    });
    expect(await podsOf('ssd-only')).toHaveLength(0);
    await patchNode({ metadata: { labels: { disk: 'ssd' } } });
    await vi.waitFor(async () => expect(await podsOf('ssd-only')).toHaveLength(1), { timeout: 5000 });
    // The label goes: the pod no longer belongs there and is removed.
    await patchNode({ metadata: { labels: { disk: null } } });
    await vi.waitFor(async () => expect(await podsOf('ssd-only')).toHaveLength(0), { timeout: 5000 });
  });

  it('respects taints: no pod without a toleration, one with it', async () => {
    await patchNode({ spec: { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } });
    try {
      const daemonSets = cluster.client.resource(resources.daemonSets);
      await daemonSets.create(daemonSet('intolerant'));
      await daemonSets.create(
        daemonSet('tolerant', {
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
        }),
      );
      await vi.waitFor(async () => expect(await podsOf('tolerant')).toHaveLength(1), { timeout: 5000 });
      const intolerant = await daemonSets.get('intolerant', NS);
      expect(intolerant.status?.desiredNumberScheduled).toBe(0);
      expect(await podsOf('intolerant')).toHaveLength(0);
    } finally {
      await patchNode({ spec: { taints: null } });
    }
    await vi.waitFor(async () => expect(await podsOf('intolerant')).toHaveLength(1), { timeout: 5000 });
  });

  it('rolls a new template out, and kubectl rollout status, history and undo work', async () => {
    const config = cluster.kubeconfigPath;
    const before = (await podsOf('agent'))[0]!;
    const set = await kubectl(config, ['set', 'image', 'ds/agent', 'c=nginx:1.26', '-n', NS]);
    expect(set.stderr).toBe('');
    const status = await kubectl(config, ['rollout', 'status', 'ds/agent', '-n', NS, '--timeout=20s']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('daemon set "agent" successfully rolled out');
    const after = await podsOf('agent');
    expect(after).toHaveLength(1);
    expect(after[0]!.metadata?.name).not.toBe(before.metadata?.name);
    expect(after[0]!.spec?.containers[0]?.image).toBe('nginx:1.26');

    const history = await kubectl(config, ['rollout', 'history', 'ds/agent', '-n', NS]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const second = await kubectl(config, ['rollout', 'history', 'ds/agent', '-n', NS, '--revision=2']);
    expect(second.stdout).toContain('nginx:1.26');

    const undo = await kubectl(config, ['rollout', 'undo', 'ds/agent', '-n', NS]);
    expect(undo.stderr).toBe('');
    expect(undo.stdout).toContain('daemonset.apps/agent rolled back');
    await vi.waitFor(
      async () => {
        const pods = await podsOf('agent');
        expect(pods.map((p) => p.spec?.containers[0]?.image)).toEqual(['nginx:1.25']);
      },
      { timeout: 10_000 },
    );
    const rolled = await kubectl(config, ['rollout', 'status', 'ds/agent', '-n', NS, '--timeout=20s']);
    expect(rolled.code).toBe(0);
    // The old template's revision is renumbered as the newest instead of a third one being made.
    const again = await kubectl(config, ['rollout', 'history', 'ds/agent', '-n', NS]);
    expect(again.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
  });
});
