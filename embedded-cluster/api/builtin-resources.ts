import type { ResourceType, SubresourceName, Verb } from './catalog.js';

const ALL_VERBS: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

interface Entry {
  kind: string;
  resource: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly Verb[];
  subresources?: SubresourceName[];
  /** Defaults to io.k8s.api.<package>.<version>.<kind>. */
  definition?: string;
}

/** [group, version, OpenAPI package, resources]: what `kubectl api-resources` lists on Kubernetes v1.32. */
const GROUPS: [string, string, string, Entry[]][] = [
  [
    '',
    'v1',
    'core',
    [
      { kind: 'Binding', resource: 'bindings', namespaced: true, verbs: ['create'] },
      { kind: 'ConfigMap', resource: 'configmaps', namespaced: true, shortNames: ['cm'] },
      { kind: 'Endpoints', resource: 'endpoints', namespaced: true, shortNames: ['ep'] },
      { kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'] },
      { kind: 'LimitRange', resource: 'limitranges', namespaced: true, shortNames: ['limits'] },
      {
        kind: 'Namespace',
        resource: 'namespaces',
        namespaced: false,
        shortNames: ['ns'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        subresources: ['status', 'finalize'],
      },
      { kind: 'Node', resource: 'nodes', namespaced: false, shortNames: ['no'], subresources: ['status'] },
      {
        kind: 'PersistentVolumeClaim',
        resource: 'persistentvolumeclaims',
        namespaced: true,
        shortNames: ['pvc'],
        subresources: ['status'],
      },
      {
        kind: 'PersistentVolume',
        resource: 'persistentvolumes',
        namespaced: false,
        shortNames: ['pv'],
        subresources: ['status'],
      },
      {
        kind: 'Pod',
        resource: 'pods',
        namespaced: true,
        shortNames: ['po'],
        categories: ['all'],
        subresources: [
          'status',
          'binding',
          'eviction',
          'log',
          'exec',
          'attach',
          'portforward',
          'ephemeralcontainers',
        ],
      },
      { kind: 'PodTemplate', resource: 'podtemplates', namespaced: true },
      {
        kind: 'ReplicationController',
        resource: 'replicationcontrollers',
        namespaced: true,
        shortNames: ['rc'],
        categories: ['all'],
        subresources: ['status', 'scale'],
      },
      {
        kind: 'ResourceQuota',
        resource: 'resourcequotas',
        namespaced: true,
        shortNames: ['quota'],
        subresources: ['status'],
      },
      { kind: 'Secret', resource: 'secrets', namespaced: true },
      {
        kind: 'ServiceAccount',
        resource: 'serviceaccounts',
        namespaced: true,
        shortNames: ['sa'],
        subresources: ['token'],
      },
      {
        kind: 'Service',
        resource: 'services',
        namespaced: true,
        shortNames: ['svc'],
        categories: ['all'],
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        subresources: ['status'],
      },
    ],
  ],
  [
    'apps',
    'v1',
    'apps',
    [
      { kind: 'ControllerRevision', resource: 'controllerrevisions', namespaced: true },
      {
        kind: 'DaemonSet',
        resource: 'daemonsets',
        namespaced: true,
        shortNames: ['ds'],
        categories: ['all'],
        subresources: ['status'],
      },
      {
        kind: 'Deployment',
        resource: 'deployments',
        namespaced: true,
        shortNames: ['deploy'],
        categories: ['all'],
        subresources: ['status', 'scale'],
      },
      {
        kind: 'ReplicaSet',
        resource: 'replicasets',
        namespaced: true,
        shortNames: ['rs'],
        categories: ['all'],
        subresources: ['status', 'scale'],
      },
      {
        kind: 'StatefulSet',
        resource: 'statefulsets',
        namespaced: true,
        shortNames: ['sts'],
        categories: ['all'],
        subresources: ['status', 'scale'],
      },
    ],
  ],
  [
    'authentication.k8s.io',
    'v1',
    'authentication',
    [{ kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', namespaced: false, verbs: ['create'] }],
  ],
  [
    'authorization.k8s.io',
    'v1',
    'authorization',
    [
      {
        kind: 'SelfSubjectAccessReview',
        resource: 'selfsubjectaccessreviews',
        namespaced: false,
        verbs: ['create'],
      },
      {
        kind: 'SelfSubjectRulesReview',
        resource: 'selfsubjectrulesreviews',
        namespaced: false,
        verbs: ['create'],
      },
    ],
  ],
  [
    'autoscaling',
    'v2',
    'autoscaling',
    [
      {
        kind: 'HorizontalPodAutoscaler',
        resource: 'horizontalpodautoscalers',
        namespaced: true,
        shortNames: ['hpa'],
        categories: ['all'],
        subresources: ['status'],
      },
    ],
  ],
  [
    'batch',
    'v1',
    'batch',
    [
      {
        kind: 'CronJob',
        resource: 'cronjobs',
        namespaced: true,
        shortNames: ['cj'],
        categories: ['all'],
        subresources: ['status'],
      },
      { kind: 'Job', resource: 'jobs', namespaced: true, categories: ['all'], subresources: ['status'] },
    ],
  ],
  ['coordination.k8s.io', 'v1', 'coordination', [{ kind: 'Lease', resource: 'leases', namespaced: true }]],
  [
    'discovery.k8s.io',
    'v1',
    'discovery',
    [{ kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true }],
  ],
  [
    'events.k8s.io',
    'v1',
    'events',
    [{ kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'] }],
  ],
  [
    'networking.k8s.io',
    'v1',
    'networking',
    [
      { kind: 'IngressClass', resource: 'ingressclasses', namespaced: false },
      {
        kind: 'Ingress',
        resource: 'ingresses',
        namespaced: true,
        shortNames: ['ing'],
        subresources: ['status'],
      },
      { kind: 'NetworkPolicy', resource: 'networkpolicies', namespaced: true, shortNames: ['netpol'] },
    ],
  ],
  [
    'policy',
    'v1',
    'policy',
    [
      {
        kind: 'PodDisruptionBudget',
        resource: 'poddisruptionbudgets',
        namespaced: true,
        shortNames: ['pdb'],
        subresources: ['status'],
      },
    ],
  ],
  [
    'rbac.authorization.k8s.io',
    'v1',
    'rbac',
    [
      { kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false },
      { kind: 'ClusterRole', resource: 'clusterroles', namespaced: false },
      { kind: 'RoleBinding', resource: 'rolebindings', namespaced: true },
      { kind: 'Role', resource: 'roles', namespaced: true },
    ],
  ],
  [
    'scheduling.k8s.io',
    'v1',
    'scheduling',
    [{ kind: 'PriorityClass', resource: 'priorityclasses', namespaced: false, shortNames: ['pc'] }],
  ],
  [
    'storage.k8s.io',
    'v1',
    'storage',
    [{ kind: 'StorageClass', resource: 'storageclasses', namespaced: false, shortNames: ['sc'] }],
  ],
  [
    'apiextensions.k8s.io',
    'v1',
    'apiextensions',
    [
      {
        kind: 'CustomResourceDefinition',
        resource: 'customresourcedefinitions',
        namespaced: false,
        shortNames: ['crd', 'crds'],
        categories: ['api-extensions'],
        subresources: ['status'],
        definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
      },
    ],
  ],
];

/** Every built-in resource Kubedesk serves, as Kubernetes v1.32 serves it. */
export const BUILTIN_RESOURCES: readonly ResourceType[] = GROUPS.flatMap(([group, version, pkg, entries]) =>
  entries.map((e): ResourceType => ({
    group,
    version,
    kind: e.kind,
    resource: e.resource,
    singular: e.kind.toLowerCase(),
    namespaced: e.namespaced,
    shortNames: e.shortNames ?? [],
    categories: e.categories ?? [],
    verbs: e.verbs ?? ALL_VERBS,
    subresources: e.subresources ?? [],
    definition: e.definition ?? `io.k8s.api.${pkg}.${version}.${e.kind}`,
  })),
);
