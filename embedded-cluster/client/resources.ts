import type {
  AppsV1,
  BatchV1,
  CoreV1,
  CoordinationV1,
  DiscoveryV1,
  NetworkingV1,
  StorageV1,
} from './kinds.js';

/**
 * Which API resource a client talks to. The type parameter is the object's TypeScript type, so a
 * `ResourceRef<Pod>` gives a client whose reads and writes are typed as pods.
 */
export interface ResourceRef<T> {
  group: string;
  version: string;
  /** Plural name, as in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Phantom: ties the reference to its object type. */
  readonly __type?: T;
}

function ref<T>(group: string, version: string, resource: string, kind: string, namespaced = true) {
  return { group, version, resource, kind, namespaced } as ResourceRef<T>;
}

/** The resources the cluster's components read and write. */
export const resources = {
  pods: ref<CoreV1.Pod>('', 'v1', 'pods', 'Pod'),
  nodes: ref<CoreV1.Node>('', 'v1', 'nodes', 'Node', false),
  namespaces: ref<CoreV1.Namespace>('', 'v1', 'namespaces', 'Namespace', false),
  services: ref<CoreV1.Service>('', 'v1', 'services', 'Service'),
  endpoints: ref<CoreV1.Endpoints>('', 'v1', 'endpoints', 'Endpoints'),
  events: ref<CoreV1.Event>('', 'v1', 'events', 'Event'),
  configMaps: ref<CoreV1.ConfigMap>('', 'v1', 'configmaps', 'ConfigMap'),
  secrets: ref<CoreV1.Secret>('', 'v1', 'secrets', 'Secret'),
  serviceAccounts: ref<CoreV1.ServiceAccount>('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  replicationControllers: ref<CoreV1.ReplicationController>(
    '',
    'v1',
    'replicationcontrollers',
    'ReplicationController',
  ),
  persistentVolumes: ref<CoreV1.PersistentVolume>('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  persistentVolumeClaims: ref<CoreV1.PersistentVolumeClaim>(
    '',
    'v1',
    'persistentvolumeclaims',
    'PersistentVolumeClaim',
  ),
  replicaSets: ref<AppsV1.ReplicaSet>('apps', 'v1', 'replicasets', 'ReplicaSet'),
  deployments: ref<AppsV1.Deployment>('apps', 'v1', 'deployments', 'Deployment'),
  daemonSets: ref<AppsV1.DaemonSet>('apps', 'v1', 'daemonsets', 'DaemonSet'),
  statefulSets: ref<AppsV1.StatefulSet>('apps', 'v1', 'statefulsets', 'StatefulSet'),
  controllerRevisions: ref<AppsV1.ControllerRevision>(
    'apps',
    'v1',
    'controllerrevisions',
    'ControllerRevision',
  ),
  jobs: ref<BatchV1.Job>('batch', 'v1', 'jobs', 'Job'),
  cronJobs: ref<BatchV1.CronJob>('batch', 'v1', 'cronjobs', 'CronJob'),
  endpointSlices: ref<DiscoveryV1.EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  ingresses: ref<NetworkingV1.Ingress>('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
  ingressClasses: ref<NetworkingV1.IngressClass>(
    'networking.k8s.io',
    'v1',
    'ingressclasses',
    'IngressClass',
    false,
  ),
  leases: ref<CoordinationV1.Lease>('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  storageClasses: ref<StorageV1.StorageClass>(
    'storage.k8s.io',
    'v1',
    'storageclasses',
    'StorageClass',
    false,
  ),
} as const;

/** A reference to any resource, for code (like the garbage collector) that handles every kind. */
export function resourceRef<T = KubeObjectLike>(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
): ResourceRef<T> {
  return ref<T>(group, version, resource, kind, namespaced);
}

/** The least every object has. */
export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: import('kubernetes-types/meta/v1.js').ObjectMeta;
}
