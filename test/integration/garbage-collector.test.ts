import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isStatus, resources, type CoreV1, type MetaV1 } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, controllers: ['garbagecollector'] });
  await cluster.client.resource(resources.namespaces).create({ metadata: { name: 'gc' } });
  await cluster.client.resource(resources.namespaces).create({ metadata: { name: 'gc-other' } });
});
afterAll(async () => cluster?.destroy());

const configMaps = () => cluster.client.resource(resources.configMaps);

function refTo(owner: CoreV1.ConfigMap, extra: Partial<MetaV1.OwnerReference> = {}): MetaV1.OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: owner.metadata!.name!,
    uid: owner.metadata!.uid!,
    ...extra,
  };
}

async function configMap(
  name: string,
  ownerReferences: MetaV1.OwnerReference[] = [],
  extra: { finalizers?: string[]; namespace?: string } = {},
): Promise<CoreV1.ConfigMap> {
  return configMaps().create({
    metadata: {
      name,
      namespace: extra.namespace ?? 'gc',
      ...(ownerReferences.length ? { ownerReferences } : {}),
      ...(extra.finalizers ? { finalizers: extra.finalizers } : {}),
    },
    data: { k: 'v' },
  });
}

async function gone(name: string, namespace = 'gc'): Promise<boolean> {
  try {
    await configMaps().get(name, namespace);
    return false;
  } catch (error) {
    if (isStatus(error, 'NotFound')) return true;
    throw error;
  }
}

const wait = { timeout: 15_000, interval: 50 };

describe('garbage collector', () => {
  it('deletes the dependents of an owner deleted in the background', async () => {
    const owner = await configMap('bg-owner');
    await configMap('bg-dep-1', [refTo(owner)]);
    await configMap('bg-dep-2', [refTo(owner, { controller: true, blockOwnerDeletion: true })]);
    await configMaps().delete('bg-owner', { namespace: 'gc' });
    await vi.waitFor(async () => {
      expect(await gone('bg-dep-1')).toBe(true);
      expect(await gone('bg-dep-2')).toBe(true);
    }, wait);
  });

  it('orphans the dependents when kubectl deletes with --cascade=orphan', async () => {
    const owner = await configMap('orphan-owner');
    const other = await configMap('orphan-other');
    await configMap('orphan-dep', [refTo(owner), refTo(other)]);
    const result = await kubectl(cluster.kubeconfigPath, [
      'delete',
      'configmap',
      'orphan-owner',
      '-n',
      'gc',
      '--cascade=orphan',
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('configmap "orphan-owner" deleted');
    // kubectl waits for the owner to go: by then its dependents have been released.
    expect(await gone('orphan-owner')).toBe(true);
    const dep = await configMaps().get('orphan-dep', 'gc');
    expect(dep.metadata?.ownerReferences).toEqual([refTo(other)]);
  });

  it('orphans a dependent whose only owner is deleted with propagationPolicy Orphan', async () => {
    const owner = await configMap('orphan2-owner');
    await configMap('orphan2-dep', [refTo(owner, { controller: true, blockOwnerDeletion: true })]);
    await configMaps().delete('orphan2-owner', { namespace: 'gc', propagationPolicy: 'Orphan' });
    await vi.waitFor(async () => expect(await gone('orphan2-owner')).toBe(true), wait);
    const dep = await configMaps().get('orphan2-dep', 'gc');
    expect(dep.metadata?.ownerReferences).toBeUndefined();
    expect(dep.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('keeps a foreground-deleted owner until its blocking dependents are gone', async () => {
    const owner = await configMap('fg-owner');
    await configMap('fg-blocking', [refTo(owner, { blockOwnerDeletion: true })], {
      finalizers: ['example.com/hold'],
    });
    await configMap('fg-plain', [refTo(owner)]);
    await configMaps().delete('fg-owner', { namespace: 'gc', propagationPolicy: 'Foreground' });

    await vi.waitFor(async () => {
      const blocking = await configMaps().get('fg-blocking', 'gc');
      expect(blocking.metadata?.deletionTimestamp).toBeDefined();
      expect(await gone('fg-plain')).toBe(true);
    }, wait);
    const waiting = await configMaps().get('fg-owner', 'gc');
    expect(waiting.metadata?.deletionTimestamp).toBeDefined();
    expect(waiting.metadata?.finalizers).toEqual(['foregroundDeletion']);

    await configMaps().patch('fg-blocking', { metadata: { finalizers: null } }, { namespace: 'gc' });
    await vi.waitFor(async () => expect(await gone('fg-owner')).toBe(true), wait);
    expect(await gone('fg-blocking')).toBe(true);
  });

  it('deletes a chain in the foreground, deepest first', async () => {
    const owner = await configMap('chain-owner');
    const mid = await configMap('chain-mid', [refTo(owner, { blockOwnerDeletion: true })]);
    await configMap('chain-leaf', [refTo(mid, { blockOwnerDeletion: true })], {
      finalizers: ['example.com/hold'],
    });
    await configMaps().delete('chain-owner', { namespace: 'gc', propagationPolicy: 'Foreground' });

    // The middle object has dependents of its own: it is deleted in the foreground too.
    await vi.waitFor(async () => {
      const middle = await configMaps().get('chain-mid', 'gc');
      expect(middle.metadata?.finalizers).toEqual(['foregroundDeletion']);
      const leaf = await configMaps().get('chain-leaf', 'gc');
      expect(leaf.metadata?.deletionTimestamp).toBeDefined();
    }, wait);
    expect(await gone('chain-owner')).toBe(false);

    await configMaps().patch('chain-leaf', { metadata: { finalizers: null } }, { namespace: 'gc' });
    await vi.waitFor(async () => expect(await gone('chain-owner')).toBe(true), wait);
    expect(await gone('chain-mid')).toBe(true);
    expect(await gone('chain-leaf')).toBe(true);
  });

  it('keeps a dependent with two owners when one of them is deleted', async () => {
    const first = await configMap('two-first');
    const second = await configMap('two-second');
    await configMap('two-dep', [refTo(first), refTo(second)]);
    await configMaps().delete('two-first', { namespace: 'gc' });
    // The collector drops the reference to the owner that is gone, and keeps the object.
    await vi.waitFor(async () => {
      const dep = await configMaps().get('two-dep', 'gc');
      expect(dep.metadata?.ownerReferences).toEqual([refTo(second)]);
    }, wait);
    await configMaps().delete('two-second', { namespace: 'gc' });
    await vi.waitFor(async () => expect(await gone('two-dep')).toBe(true), wait);
  });

  it('collects a dependent whose owner never existed', async () => {
    await configMap('dangling', [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' },
    ]);
    await vi.waitFor(async () => expect(await gone('dangling')).toBe(true), wait);
  });

  it('keeps a dependent whose owner has the same name but another uid only until it checks the uid', async () => {
    await configMap('same-name');
    await configMap('uid-mismatch', [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'same-name', uid: '11111111-1111-1111-1111-111111111111' },
    ]);
    await vi.waitFor(async () => expect(await gone('uid-mismatch')).toBe(true), wait);
    expect(await gone('same-name')).toBe(false);
  });

  it('treats an owner in another namespace as absent and says so in an event', async () => {
    const owner = await configMap('elsewhere', [], { namespace: 'gc-other' });
    await configMap('cross-ns-dep', [refTo(owner)]);
    await vi.waitFor(async () => expect(await gone('cross-ns-dep')).toBe(true), wait);
    expect(await gone('elsewhere', 'gc-other')).toBe(false);
    await vi.waitFor(async () => {
      const events = await cluster.client.resource(resources.events).list({ namespace: 'gc' });
      const event = events.items.find(
        (e) => e.reason === 'OwnerRefInvalidNamespace' && e.involvedObject.name === 'cross-ns-dep',
      );
      expect(event?.type).toBe('Warning');
      expect(event?.message).toBe(
        `ownerRef {"apiVersion":"v1","kind":"ConfigMap","name":"elsewhere","uid":"${owner.metadata!.uid}"} does not exist in namespace "gc"`,
      );
    }, wait);
  });

  it('follows owners of a custom resource defined after it started', async () => {
    await cluster.client.request({
      method: 'POST',
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.gc.example.com' },
        spec: {
          group: 'gc.example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
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
    const widgets = '/apis/gc.example.com/v1/namespaces/gc/widgets';
    const widget = await vi.waitFor(
      () =>
        cluster.client.request<CoreV1.ConfigMap>({
          method: 'POST',
          path: widgets,
          body: { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
        }),
      wait,
    );
    // A dependent owned by a custom resource: the collector watches widgets too, and the owner is
    // found alive however often the dependent is looked at.
    await configMap('widget-child', [
      { apiVersion: 'gc.example.com/v1', kind: 'Widget', name: 'w', uid: widget.metadata!.uid! },
    ]);
    await cluster.client.request({ method: 'DELETE', path: `${widgets}/w` });
    await vi.waitFor(async () => {
      expect(await gone('widget-child')).toBe(true);
    }, wait);
  });
});
