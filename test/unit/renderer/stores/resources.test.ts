import { afterEach, describe, expect, it } from 'vitest';
import { effectScope, isReactive, nextTick, ref } from 'vue';
import type { ResourceType } from '../../../../src-renderer/kube/index.js';
import { specKey } from '../../../../src-renderer/stores/index.js';
import { FakeKube, until } from '../kube/fake-kube.js';
import { storesOn } from './fake-bridge.js';

const configmaps: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
  kind: 'ConfigMap',
};

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

async function setup() {
  const kube = new FakeKube();
  const stores = await storesOn(kube);
  cleanup = () => {
    stores.resources.stopAll();
    stores.clusters.dispose();
  };
  return { kube, ...stores };
}

describe('resources store: the informer registry', () => {
  it('shares one informer between two users and stops it when the last releases it', async () => {
    const { kube, resources } = await setup();
    kube.put('a');
    const query = {
      clusterId: 'embedded',
      type: configmaps,
      namespaces: ['default'],
      mode: 'object' as const,
    };
    const first = resources.acquireList(query);
    const second = resources.acquireList({ ...query });
    await until(() => first.state.value.phase === 'watching', 'watching');
    expect(resources.registry.running()).toHaveLength(1);
    expect(kube.watches).toHaveLength(1);
    const key = specKey({ ...query, namespace: 'default', mode: 'object' });
    expect(resources.registry.users(key)).toBe(2);
    expect(second.items.value.map((o) => o.metadata.name)).toEqual(['a']);

    first.release();
    first.release(); // twice is once
    expect(resources.registry.users(key)).toBe(1);
    expect(kube.watch.closed).toBe(false);
    expect(resources.connectionOf('embedded').phase).toBe('connected');

    second.release();
    expect(resources.registry.running()).toHaveLength(0);
    await until(() => kube.watch.closed, 'watch closed');
    expect(resources.connectionOf('embedded').phase).toBe('idle');
  });

  it('merges several picked namespaces from one informer each', async () => {
    const { kube, resources } = await setup();
    kube.put('in-a', { namespace: 'a' });
    kube.put('in-b', { namespace: 'b' });
    kube.put('in-c', { namespace: 'c' });
    const list = resources.acquireList({
      clusterId: 'embedded',
      type: configmaps,
      namespaces: ['a', 'b'],
      mode: 'object',
    });
    await until(() => list.state.value.phase === 'watching' && list.state.value.synced, 'both watching');
    expect(
      resources.registry
        .running()
        .map((r) => r.spec.namespace)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(list.items.value.map((o) => o.metadata.name).sort()).toEqual(['in-a', 'in-b']);

    const watchB = kube.watches.find((w) => w.url.pathname.includes('/namespaces/b/'))!;
    const before = list.items.value;
    watchB.added(kube.put('new-in-b', { namespace: 'b' }));
    await until(() => list.items.value.length === 3, 'merged event');
    expect(list.items.value).not.toBe(before); // a new array per change, so computeds rerun
    expect(isReactive(list.items.value[0])).toBe(false);

    // One namespace dropping shows in the merged state; the other keeps its items.
    watchB.break();
    await until(() => list.state.value.phase === 'disconnected', 'merged state');
    expect(list.error.value?.message).toMatch(/watch configmaps/);
    expect(resources.connectionOf('embedded').phase).toBe('disconnected');
    expect(list.items.value).toHaveLength(3);
    list.release();
  });

  it('useResourceList follows its query and releases with its scope; table mode fills rows and columns', async () => {
    const { kube, resources } = await setup();
    kube.put('x', { namespace: 'a' });
    const namespaces = ref(['a']);
    const scope = effectScope();
    const view = scope.run(() =>
      resources.useResourceList(() => ({
        clusterId: 'embedded',
        type: configmaps,
        namespaces: namespaces.value,
        mode: 'object',
      })),
    )!;
    await until(() => view.state.value.phase === 'watching', 'watching');
    expect(view.items.value.map((o) => o.metadata.name)).toEqual(['x']);

    namespaces.value = ['b'];
    await nextTick();
    await until(() => view.state.value.phase === 'watching' && kube.watches.length === 2, 'rebound');
    expect(view.items.value).toEqual([]);
    expect(resources.registry.running().map((r) => r.spec.namespace)).toEqual(['b']);

    scope.stop();
    expect(resources.registry.running()).toHaveLength(0);
    expect(view.state.value.phase).toBe('stopped');

    const tableScope = effectScope();
    const table = tableScope.run(() =>
      resources.useResourceList({
        clusterId: 'embedded',
        type: configmaps,
        namespaces: ['a'],
        mode: 'table',
      }),
    )!;
    await until(() => table.state.value.synced, 'table listed');
    expect(table.columns.value.map((c) => c.name)).toEqual(['Name']);
    expect(table.rows.value.map((r) => r.cells)).toEqual([['x']]);
    expect(table.items.value.map((o) => o.metadata.name)).toEqual(['x']);
    tableScope.stop();
  });
});

describe('resources store at scale', () => {
  it('lists 10,000 objects in pages of 500 into one shallow array', async () => {
    const { kube, resources } = await setup();
    for (let i = 0; i < 10_000; i++) kube.put(`cm-${i}`);
    const started = performance.now();
    const list = resources.acquireList({
      clusterId: 'embedded',
      type: configmaps,
      namespaces: ['default'],
      mode: 'object',
    });
    await until(() => list.state.value.phase === 'watching', 'watching', 5000);
    const elapsed = performance.now() - started;
    expect(list.items.value).toHaveLength(10_000);
    expect(kube.requests.filter((u) => !u.searchParams.has('watch'))).toHaveLength(20);
    expect(isReactive(list.items.value[9_999])).toBe(false);
    // Generous bound for a loaded 2-core machine; the point is no quadratic blow-up.
    expect(elapsed).toBeLessThan(10_000);
    list.release();
  });
});
