import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isStatus, resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['namespace', 'garbagecollector'],
  });
});
afterAll(async () => cluster?.destroy());

const wait = { timeout: 20_000, interval: 100 };

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (isStatus(error, 'NotFound')) return false;
    throw error;
  }
}

async function createCrd(): Promise<void> {
  await cluster.client.request({
    method: 'POST',
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    body: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gizmos.ns.example.com' },
      spec: {
        group: 'ns.example.com',
        scope: 'Namespaced',
        names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    },
  });
}

describe('namespace controller', () => {
  it('deletes everything in a deleted namespace, then the namespace (kubectl waits for it)', async () => {
    const { client } = cluster;
    await client.resource(resources.namespaces).create({ metadata: { name: 'doomed' } });
    await client
      .resource(resources.configMaps)
      .create({ metadata: { name: 'settings', namespace: 'doomed' } });
    await client
      .resource(resources.secrets)
      .create({ metadata: { name: 'password', namespace: 'doomed' }, stringData: { p: 'x' } });
    await client.resource(resources.pods).create({
      metadata: { name: 'web', namespace: 'doomed' },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    });
    await createCrd();
    const gizmos = '/apis/ns.example.com/v1/namespaces/doomed/gizmos';
    await vi.waitFor(
      () =>
        client.request({
          method: 'POST',
          path: gizmos,
          body: { apiVersion: 'ns.example.com/v1', kind: 'Gizmo', metadata: { name: 'g' } },
        }),
      wait,
    );
    await vi.waitFor(async () => {
      const pod = await client.resource(resources.pods).get('web', 'doomed');
      expect(pod.status?.phase).toBe('Running');
    }, wait);

    const result = await kubectl(cluster.kubeconfigPath, ['delete', 'namespace', 'doomed'], {
      timeoutMs: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('namespace "doomed" deleted\n');
    // kubectl returns once the namespace is gone, and it goes only when it is empty.
    expect(await exists(() => client.resource(resources.namespaces).get('doomed'))).toBe(false);
    for (const list of [
      () => client.resource(resources.configMaps).list({ namespace: 'doomed' }),
      () => client.resource(resources.secrets).list({ namespace: 'doomed' }),
      () => client.resource(resources.pods).list({ namespace: 'doomed' }),
      () => client.request<{ items: unknown[] }>({ method: 'GET', path: gizmos }),
    ]) {
      expect((await list()).items).toEqual([]);
    }
  }, 60_000);

  it('keeps a namespace Terminating while content remains, refuses new objects and says what holds it', async () => {
    const { client } = cluster;
    const namespaces = client.resource(resources.namespaces);
    await namespaces.create({ metadata: { name: 'held' } });
    await client.resource(resources.configMaps).create({
      metadata: { name: 'kept', namespace: 'held', finalizers: ['example.com/hold'] },
    });
    await namespaces.delete('held');

    const conditions = await vi.waitFor(async () => {
      const ns = await namespaces.get('held');
      expect(ns.status?.phase).toBe('Terminating');
      const byType = new Map((ns.status?.conditions ?? []).map((c) => [c.type, c]));
      expect(byType.get('NamespaceFinalizersRemaining')?.status).toBe('True');
      return byType;
    }, wait);
    const summary = (c: CoreV1.NamespaceCondition | undefined) => c && [c.status, c.reason, c.message];
    expect(summary(conditions.get('NamespaceDeletionDiscoveryFailure'))).toEqual([
      'False',
      'ResourcesDiscovered',
      'All resources successfully discovered',
    ]);
    expect(summary(conditions.get('NamespaceDeletionGroupVersionParsingFailure'))).toEqual([
      'False',
      'ParsedGroupVersions',
      'All legacy kube types successfully parsed',
    ]);
    expect(summary(conditions.get('NamespaceDeletionContentFailure'))).toEqual([
      'False',
      'ContentDeleted',
      'All content successfully deleted, may be waiting on finalization',
    ]);
    expect(summary(conditions.get('NamespaceContentRemaining'))).toEqual([
      'True',
      'SomeResourcesRemain',
      'Some resources are remaining: configmaps. has 1 resource instances',
    ]);
    expect(summary(conditions.get('NamespaceFinalizersRemaining'))).toEqual([
      'True',
      'SomeFinalizersRemain',
      'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    ]);

    const get = await kubectl(cluster.kubeconfigPath, ['get', 'namespace', 'held']);
    expect(get.stdout).toMatch(/held\s+Terminating/);
    const create = await kubectl(cluster.kubeconfigPath, ['create', 'configmap', 'late', '-n', 'held']);
    expect(create.code).not.toBe(0);
    expect(create.stderr).toContain(
      'configmaps "late" is forbidden: unable to create new content in namespace held because it is being terminated',
    );

    // The last finalizer goes: the configmap, then the namespace follow.
    await client
      .resource(resources.configMaps)
      .patch('kept', { metadata: { finalizers: null } }, { namespace: 'held' });
    await vi.waitFor(async () => expect(await exists(() => namespaces.get('held'))).toBe(false), {
      timeout: 30_000,
      interval: 200,
    });
  }, 60_000);
});
