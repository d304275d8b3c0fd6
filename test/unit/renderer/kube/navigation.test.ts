import { describe, expect, it } from 'vitest';
import { navigationGroups, pluralTitle, type ResourceType } from '../../../../src-renderer/kube/index.js';

function type(
  group: string,
  resource: string,
  kind: string,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version: 'v1',
    resource,
    kind,
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    custom: false,
    ...extra,
  };
}

describe('navigationGroups', () => {
  const types = [
    type('apps', 'deployments', 'Deployment'),
    type('', 'pods', 'Pod'),
    type('', 'services', 'Service'),
    type('autoscaling', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', { version: 'v2' }),
    type('', 'persistentvolumes', 'PersistentVolume', { namespaced: false }),
    type('rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', { namespaced: false }),
    type('', 'events', 'Event'),
    type('events.k8s.io', 'events', 'Event'),
    type('flowcontrol.apiserver.k8s.io', 'flowschemas', 'FlowSchema', { namespaced: false }),
    type('', 'bindings', 'Binding', { verbs: ['create'] }),
    type('stable.example.com', 'crontabs', 'CronTab', { custom: true }),
    type('acme.io', 'widgets', 'Widget', { custom: true }),
    type('acme.io', 'gadgets', 'Gadget', { custom: true }),
  ];
  const groups = navigationGroups(types);
  const titles = (id: string) => groups.find((g) => g.id === id)?.items.map((i) => i.title);

  it('groups kinds as users know them, in menu order', () => {
    expect(groups.map((g) => g.title)).toEqual([
      'Workloads',
      'Network',
      'Config',
      'Storage',
      'Access',
      'Cluster',
      'Custom resources',
    ]);
    expect(titles('workloads')).toEqual(['Pods', 'Deployments']);
    expect(titles('network')).toEqual(['Services']);
    expect(titles('config')).toEqual(['HorizontalPodAutoscalers']);
    expect(titles('storage')).toEqual(['PersistentVolumes']);
    expect(titles('access')).toEqual(['ClusterRoles']);
  });

  it('sends unknown built-ins to Cluster, keeps core Events over events.k8s.io, and leaves out what cannot be listed', () => {
    expect(titles('cluster')).toEqual(['Events', 'FlowSchemas']);
    expect(groups.flatMap((g) => g.items).some((i) => i.type.resource === 'bindings')).toBe(false);
  });

  it('lists custom resources by API group', () => {
    const custom = groups.find((g) => g.id === 'custom');
    expect(custom?.sections?.map((s) => [s.title, s.items.map((i) => i.title)])).toEqual([
      ['acme.io', ['Gadgets', 'Widgets']],
      ['stable.example.com', ['CronTabs']],
    ]);
    expect(custom?.items.map((i) => i.key)).toEqual([
      'acme.io/v1/gadgets',
      'acme.io/v1/widgets',
      'stable.example.com/v1/crontabs',
    ]);
  });

  it('pluralizes kinds as the docs do', () => {
    expect(
      ['Ingress', 'NetworkPolicy', 'Endpoints', 'StorageClass', 'Pod', 'Gateway'].map(pluralTitle),
    ).toEqual(['Ingresses', 'NetworkPolicies', 'Endpoints', 'StorageClasses', 'Pods', 'Gateways']);
  });
});
