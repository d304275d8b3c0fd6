import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { KubeApi } from '../../../../src-renderer/kube/index.js';
import { useClustersStore, useNamespacesStore } from '../../../../src-renderer/stores/index.js';
import { FakeKube, until } from '../kube/fake-kube.js';
import { fakeBridge, state, storesOn } from './fake-bridge.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('clusters store', () => {
  it('selects the remembered cluster, and remembers a new selection through the bridge', async () => {
    const { bridge, calls } = fakeBridge({ settings: { lastClusterId: 'context:dev' } });
    setActivePinia(createPinia());
    const clusters = useClustersStore();
    await clusters.connect({ bridge });
    expect(clusters.clusters.map((c) => c.id)).toEqual(['embedded', 'context:dev']);
    expect(clusters.selected?.name).toBe('dev');

    await clusters.select('embedded');
    expect(clusters.selectedId).toBe('embedded');
    expect(calls).toContain('updateSettings {"lastClusterId":"embedded"}');
    expect(clusters.settings?.lastClusterId).toBe('embedded');
    clusters.dispose();
  });

  it('falls back to the embedded cluster when the remembered one is gone', async () => {
    const { bridge } = fakeBridge({ settings: { lastClusterId: 'context:deleted' } });
    setActivePinia(createPinia());
    const clusters = useClustersStore();
    await clusters.connect({ bridge });
    expect(clusters.selectedId).toBe('embedded');
    clusters.dispose();
  });

  it('asks for the embedded state every 2 s until it runs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { bridge, calls } = fakeBridge({
      embedded: [state('starting'), state('starting'), state('running')],
    });
    setActivePinia(createPinia());
    const clusters = useClustersStore();
    await clusters.connect({ bridge });
    expect(clusters.embedded?.phase).toBe('starting');
    const polls = () => calls.filter((c) => c === 'embeddedState').length;
    expect(polls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(polls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(polls()).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(clusters.embedded?.phase).toBe('running');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(polls()).toBe(3);
    clusters.dispose();
  });

  it('builds each cluster API on the gateway, one per cluster id', async () => {
    const { bridge } = fakeBridge();
    setActivePinia(createPinia());
    const clusters = useClustersStore();
    await clusters.connect({ bridge });
    const api = clusters.api('context:dev');
    expect(api).toBeInstanceOf(KubeApi);
    expect(api.baseUrl).toBe('http://127.0.0.1:5000/clusters/context:dev');
    expect(clusters.api('context:dev')).toBe(api);
    clusters.dispose();
  });

  it('derives the connection of a cluster from its informers', async () => {
    const kube = new FakeKube();
    const { clusters, resources } = await storesOn(kube);
    expect(clusters.connection('embedded').phase).toBe('idle');
    const list = resources.acquireList({
      clusterId: 'embedded',
      type: { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' },
    });
    await until(() => clusters.connection('embedded').phase === 'connected', 'connected');
    kube.watch.break();
    await until(() => clusters.connection('embedded').phase === 'disconnected', 'disconnected');
    expect(clusters.connection('embedded').retryAt).toBeGreaterThan(Date.now());
    expect(clusters.connection('context:dev').phase).toBe('idle');
    list.release();
    clusters.dispose();
  });
});

describe('namespaces store', () => {
  it('reads picks from settings, saves new ones, and lists namespaces live', async () => {
    const kube = new FakeKube();
    const { bridge, calls } = fakeBridge({ settings: { namespaces: { embedded: ['kube-system'] } } });
    const { clusters, resources } = await storesOn(kube, bridge);
    const namespaces = useNamespacesStore();
    expect(namespaces.picked).toEqual(['kube-system']);

    await namespaces.pick(['web', 'default', 'web']);
    expect(namespaces.picked).toEqual(['default', 'web']);
    expect(calls.at(-1)).toBe('updateSettings {"namespaces":{"embedded":["default","web"]}}');
    await namespaces.pick([]);
    expect(namespaces.picked).toEqual([]); // all

    kube.put('default', { namespace: undefined });
    kube.put('kube-system', { namespace: undefined });
    const scope = effectScope();
    const names = scope.run(() => namespaces.useNamespaceNames(() => clusters.selectedId))!;
    await until(() => names.value.length === 2, 'namespaces listed');
    expect(names.value).toEqual(['default', 'kube-system']);
    expect(kube.watch.url.pathname).toBe('/api/v1/namespaces');
    scope.stop();
    expect(resources.registry.running()).toHaveLength(0);
    clusters.dispose();
  });
});
