import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discover,
  Informer,
  KubeApi,
  keyOf,
  navigationGroups,
  StatusError,
  type FlushScheduler,
  type InformerMode,
  type KubeObject,
  type ResourceType,
  type TableRow,
} from '../../../../src-renderer/kube/index.js';
import { kubeFetch, type KubeFetch } from '../../../support/kube-fetch.js';
import { startTestCluster, type TestCluster } from '../../../support/test-cluster.js';
import { until } from './fake-kube.js';

/**
 * The data layer against a real in-process API server (simulated runtime, control plane on):
 * discovery, informers in both modes, paging, and the API client's verbs and errors.
 */
let cluster: TestCluster;
let fetchImpl: KubeFetch;
let api: KubeApi;
const requests: string[] = [];

const NS = 'renderer-kube';
const configmaps: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
  kind: 'ConfigMap',
};
const pods: ResourceType = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const deployments: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  namespaced: true,
  kind: 'Deployment',
};
const namespaces: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  namespaced: false,
  kind: 'Namespace',
};
const crds: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  namespaced: false,
  kind: 'CustomResourceDefinition',
};

/** Flush at once, so tests see every batch as it forms. */
const immediate: FlushScheduler = (flush) => {
  flush();
  return () => {};
};

const informers: Informer<InformerMode>[] = [];
function informer<M extends InformerMode = 'object'>(
  type: ResourceType,
  options: { mode?: M; namespace?: string; labelSelector?: string; pageSize?: number } = {},
) {
  const i = new Informer<M>({ api, type, namespace: NS, scheduleFlush: immediate, ...options });
  informers.push(i as Informer<InformerMode>);
  i.start();
  return i;
}

beforeAll(async () => {
  cluster = await startTestCluster({ runtime: 'simulated', controlPlane: true });
  fetchImpl = kubeFetch(cluster);
  const recording = ((input: string | URL | Request, init?: RequestInit) => {
    requests.push(String(input));
    return fetchImpl(input, init);
  }) as typeof fetch;
  api = new KubeApi({ baseUrl: cluster.url, fetch: recording });
  await api.create(namespaces, { metadata: { name: NS } });
}, 60_000);

afterAll(async () => {
  for (const i of informers) i.stop();
  fetchImpl?.close();
  await cluster?.destroy();
});

describe('discovery against the API server', () => {
  it('finds pods, deployments and a CRD, and places them in the navigation groups', async () => {
    await api.create(crds, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.ui.example.com' },
      spec: {
        group: 'ui.example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wg'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    } as KubeObject);
    let found = await discover(api);
    for (let i = 0; i < 50 && !found.types.some((t) => t.resource === 'widgets'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      found = await discover(api);
    }
    const byKey = new Map(found.types.map((t) => [`${t.group}/${t.resource}`, t]));
    expect(byKey.get('/pods')).toMatchObject({
      version: 'v1',
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      custom: false,
    });
    expect(byKey.get('/pods')?.subresources).toEqual(expect.arrayContaining(['status', 'log', 'exec']));
    expect(byKey.get('apps/deployments')).toMatchObject({
      kind: 'Deployment',
      categories: ['all'],
      custom: false,
    });
    expect(byKey.get('apps/deployments')?.verbs).toEqual(expect.arrayContaining(['list', 'watch', 'patch']));
    expect(byKey.get('ui.example.com/widgets')).toMatchObject({
      kind: 'Widget',
      shortNames: ['wg'],
      custom: true,
    });
    expect(found.types.some((t) => t.resource.includes('/'))).toBe(false);
    expect(found.groups[0]?.name).toBe('');

    const groups = navigationGroups(found.types);
    const titles = (id: string) => groups.find((g) => g.id === id)?.items.map((i) => i.title) ?? [];
    expect(titles('workloads').slice(0, 2)).toEqual(['Pods', 'Deployments']);
    expect(titles('network')).toEqual(expect.arrayContaining(['Services', 'Endpoints', 'Ingresses']));
    expect(titles('cluster')).toEqual(expect.arrayContaining(['Nodes', 'Namespaces', 'Events']));
    const custom = groups.find((g) => g.id === 'custom');
    expect(custom?.sections?.find((s) => s.title === 'ui.example.com')?.items.map((i) => i.title)).toEqual([
      'Widgets',
    ]);
    // Every listable kind is somewhere, exactly once (events.k8s.io's Events give way to core's).
    const placed = groups.flatMap((g) => g.items.map((i) => i.key));
    expect(new Set(placed).size).toBe(placed.length);
  });
});

describe('informers against the API server', () => {
  it('lists, then sees objects created, updated and deleted afterwards, in order', async () => {
    await api.create(configmaps, { metadata: { name: 'before', namespace: NS, labels: { suite: 'order' } } });
    const cms = informer(configmaps, { labelSelector: 'suite=order' });
    const log: string[] = [];
    cms.onChange((change) => {
      for (const key of change.added) log.push(`added ${cms.items.get(key)?.metadata.name}`);
      for (const key of change.updated) log.push(`updated ${cms.items.get(key)?.metadata.name}`);
      for (const key of change.deleted) log.push(`deleted ${key}`);
    });
    await until(() => cms.state.phase === 'watching', 'watching', 5000);
    expect([...cms.items.values()].map((o) => o.metadata.name)).toEqual(['before']);

    const created: KubeObject = await api.create(configmaps, {
      metadata: { name: 'after', namespace: NS, labels: { suite: 'order' } },
      data: { v: '1' },
    });
    await api.patch(configmaps, 'after', { data: { v: '2' } }, { type: 'merge', namespace: NS });
    await api.delete(configmaps, 'after', { namespace: NS });
    await until(() => log.length >= 4, 'the list and three events', 5000);
    expect(log).toEqual(['added before', 'added after', 'updated after', `deleted ${created.metadata.uid}`]);
    expect([...cms.items.values()].map((o) => o.metadata.name)).toEqual(['before']);
    expect(cms.items.values().next().value).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
  });

  it('lists in pages of pageSize, so a large collection arrives in pieces', async () => {
    for (let i = 0; i < 12; i++) {
      await api.create(configmaps, {
        metadata: { name: `page-${i}`, namespace: NS, labels: { suite: 'paging' } },
      });
    }
    const before = requests.length;
    const cms = informer(configmaps, { labelSelector: 'suite=paging', pageSize: 5 });
    await until(() => cms.state.phase === 'watching', 'watching', 5000);
    const lists = requests.slice(before).filter((u) => !u.includes('watch=1'));
    expect(lists).toHaveLength(3);
    expect(lists[0]).toContain('limit=5');
    expect(lists[1]).toContain('continue=');
    expect(cms.items.size).toBe(12);
  });

  it('in table mode keeps the server columns (as kubectl get prints them) and rows from list and watch', async () => {
    await api.create(pods, podManifest('listed'));
    const table = informer(pods, { mode: 'table' });
    await until(() => table.state.phase === 'watching', 'watching', 5000);
    const shown = table.columns.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase());
    expect(shown).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const rowOf = (name: string): TableRow | undefined =>
      [...table.items.values()].find((row) => row.object.metadata.name === name);
    expect(rowOf('listed')?.cells[0]).toBe('listed');

    const watched = await api.create(pods, podManifest('watched'));
    await until(() => rowOf('watched') !== undefined, 'row from the watch', 5000);
    const row = rowOf('watched')!;
    expect(keyOf(row)).toBe(watched.metadata.uid);
    expect(row.cells).toHaveLength(table.columns.length);
    expect(row.object.metadata).toMatchObject({ namespace: NS, uid: watched.metadata.uid });
    expect(row.object.metadata.resourceVersion).toBeTruthy();
    // The simulated kubelet runs it: the Status cell follows.
    await until(() => rowOf('watched')?.cells[2] === 'Running', 'Running', 15_000);
  }, 30_000);
});

describe('KubeApi against the API server', () => {
  it('creates, gets, applies (dry run and for real), replaces and deletes, with Status errors', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
      },
    };
    const dry = await api.patch(deployments, 'web', manifest, {
      type: 'apply',
      fieldManager: 'kubedesk',
      namespace: NS,
      dryRun: true,
    });
    expect(dry.metadata.uid).toBeTruthy();
    await expect(api.get(deployments, 'web', { namespace: NS })).rejects.toMatchObject({
      code: 404,
      reason: 'NotFound',
    });

    const applied = await api.patch(deployments, 'web', manifest, {
      type: 'apply',
      fieldManager: 'kubedesk',
      namespace: NS,
    });
    expect((applied.metadata.managedFields as { manager: string }[]).map((m) => m.manager)).toContain(
      'kubedesk',
    );

    // Another manager's conflicting apply fails with 409 until forced.
    const other = { ...manifest, spec: { ...manifest.spec, replicas: 3 } };
    const conflict = await api
      .patch(deployments, 'web', other, { type: 'apply', fieldManager: 'other', namespace: NS })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(StatusError);
    expect((conflict as StatusError).code).toBe(409);
    expect((conflict as StatusError).causes.some((c) => c.field === '.spec.replicas')).toBe(true);
    const forced = await api.patch(deployments, 'web', other, {
      type: 'apply',
      fieldManager: 'other',
      namespace: NS,
      force: true,
    });
    expect((forced.spec as { replicas: number }).replicas).toBe(3);

    const strategic = await api.patch(
      deployments,
      'web',
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } },
      { type: 'strategic', namespace: NS },
    );
    expect(JSON.stringify(strategic.spec)).toContain('nginx:2');

    // A stale replace is a Conflict; an invalid one lists its causes with field paths.
    const stale = { ...applied, metadata: { ...applied.metadata, managedFields: undefined } };
    await expect(api.replace(deployments, stale, { namespace: NS })).rejects.toMatchObject({
      code: 409,
      reason: 'Conflict',
    });
    const invalid = await api
      .create(deployments, {
        ...manifest,
        metadata: { name: 'bad', namespace: NS },
        spec: { ...manifest.spec, replicas: -1 },
      })
      .catch((e: unknown) => e as StatusError);
    expect(invalid).toMatchObject({ code: 422, reason: 'Invalid' });
    expect((invalid as StatusError).causes.map((c) => c.field)).toContain('spec.replicas');

    const deleted = await api.delete(deployments, 'web', { namespace: NS, propagationPolicy: 'Foreground' });
    expect(deleted.kind === 'Status' || deleted.kind === 'Deployment').toBe(true);
  });
});

function podManifest(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
}
