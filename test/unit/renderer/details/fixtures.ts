import type { ResourceType } from '../../../../src-renderer/kube/index.js';

/** The types the owner/owned rules need, as discovery would report them. */
export const TYPES: ResourceType[] = [
  { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' },
  { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' },
  {
    group: '',
    version: 'v1',
    resource: 'replicationcontrollers',
    namespaced: true,
    kind: 'ReplicationController',
  },
  { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true, kind: 'Deployment' },
  { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true, kind: 'ReplicaSet' },
  { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true, kind: 'StatefulSet' },
  { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true, kind: 'DaemonSet' },
  { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true, kind: 'Job' },
  { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true, kind: 'CronJob' },
  {
    group: 'example.com',
    version: 'v1',
    resource: 'widgets',
    namespaced: true,
    kind: 'Widget',
    custom: true,
  },
];

export const typeOf = (kind: string): ResourceType => TYPES.find((t) => t.kind === kind)!;
