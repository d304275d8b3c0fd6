import type { KindStrategy } from '../catalog.js';
import { nameIsDNSSubdomain } from '../validation/index.js';
import { defineKind } from './common.js';
import { configMapStrategy, secretStrategy } from './config-map.js';
import { cronJobStrategy } from './cron-job.js';
import { daemonSetStrategy } from './daemon-set.js';
import { deploymentStrategy } from './deployment.js';
import { jobStrategy } from './job.js';
import { namespaceStrategy } from './namespace.js';
import { ingressClassStrategy, ingressStrategy, networkPolicyStrategy } from './networking.js';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy } from './persistent-volume.js';
import { podStrategy, podTemplateStrategy } from './pod.js';
import { limitRangeStrategy, resourceQuotaStrategy } from './quota.js';
import {
  clusterRoleBindingStrategy,
  clusterRoleStrategy,
  roleBindingStrategy,
  roleStrategy,
} from './rbac.js';
import { replicaSetStrategy } from './replica-set.js';
import { replicationControllerStrategy } from './replication-controller.js';
import { endpointsStrategy } from './endpoints.js';
import { serviceStrategy } from './service.js';
import {
  horizontalPodAutoscalerStrategy,
  nodeStrategy,
  podDisruptionBudgetStrategy,
  priorityClassStrategy,
  storageClassStrategy,
} from './cluster-kinds.js';
import {
  bindingStrategy,
  controllerRevisionStrategy,
  coreEventStrategy,
  customResourceDefinitionStrategy,
  endpointSliceStrategy,
  eventsV1Strategy,
  leaseStrategy,
  reviewStrategy,
  serviceAccountStrategy,
} from './simple-kinds.js';
import { statefulSetStrategy } from './stateful-set.js';

/**
 * The defaulting, registry strategy and validation of every built-in kind
 * Kubedesk serves, keyed by API group and kind.
 *
 * @example
 *   const strategy = strategyFor('apps', 'Deployment');
 *   strategy.default?.(obj);
 *   strategy.prepareForCreate?.(obj);
 *   const problems = strategy.validate?.(obj) ?? [];
 *   if (problems.length) throw invalidError('apps', 'Deployment', name, problems);
 */
const STRATEGIES: Record<string, KindStrategy> = {
  '/Binding': bindingStrategy,
  '/ConfigMap': configMapStrategy,
  '/Endpoints': endpointsStrategy,
  '/Event': coreEventStrategy,
  '/LimitRange': limitRangeStrategy,
  '/Namespace': namespaceStrategy,
  '/Node': nodeStrategy,
  '/PersistentVolume': persistentVolumeStrategy,
  '/PersistentVolumeClaim': persistentVolumeClaimStrategy,
  '/Pod': podStrategy,
  '/PodTemplate': podTemplateStrategy,
  '/ReplicationController': replicationControllerStrategy,
  '/ResourceQuota': resourceQuotaStrategy,
  '/Secret': secretStrategy,
  '/Service': serviceStrategy,
  '/ServiceAccount': serviceAccountStrategy,
  'apps/ControllerRevision': controllerRevisionStrategy,
  'apps/DaemonSet': daemonSetStrategy,
  'apps/Deployment': deploymentStrategy,
  'apps/ReplicaSet': replicaSetStrategy,
  'apps/StatefulSet': statefulSetStrategy,
  'authorization.k8s.io/SelfSubjectAccessReview': reviewStrategy,
  'authorization.k8s.io/SelfSubjectRulesReview': reviewStrategy,
  'autoscaling/HorizontalPodAutoscaler': horizontalPodAutoscalerStrategy,
  'batch/CronJob': cronJobStrategy,
  'batch/Job': jobStrategy,
  'coordination.k8s.io/Lease': leaseStrategy,
  'discovery.k8s.io/EndpointSlice': endpointSliceStrategy,
  'events.k8s.io/Event': eventsV1Strategy,
  'networking.k8s.io/Ingress': ingressStrategy,
  'networking.k8s.io/IngressClass': ingressClassStrategy,
  'networking.k8s.io/NetworkPolicy': networkPolicyStrategy,
  'policy/PodDisruptionBudget': podDisruptionBudgetStrategy,
  'rbac.authorization.k8s.io/ClusterRole': clusterRoleStrategy,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingStrategy,
  'rbac.authorization.k8s.io/Role': roleStrategy,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingStrategy,
  'scheduling.k8s.io/PriorityClass': priorityClassStrategy,
  'storage.k8s.io/StorageClass': storageClassStrategy,
  'apiextensions.k8s.io/CustomResourceDefinition': customResourceDefinitionStrategy,
};

const namespacedFallback = defineKind({ namespaced: true, nameFn: nameIsDNSSubdomain });
const clusterFallback = defineKind({ namespaced: false, nameFn: nameIsDNSSubdomain });

/**
 * The strategy of a built-in kind (core group: `''`). For a kind without one
 * (a custom resource), a generic strategy that checks the name as a DNS
 * subdomain and the rest of ObjectMeta; pass `namespaced` for it.
 */
export function strategyFor(group: string, kind: string, namespaced = true): KindStrategy {
  return STRATEGIES[`${group}/${kind}`] ?? (namespaced ? namespacedFallback : clusterFallback);
}

/** Whether a kind has its own strategy here (the built-ins Kubedesk serves). */
export function hasStrategy(group: string, kind: string): boolean {
  return `${group}/${kind}` in STRATEGIES;
}

export { admitPod, randomSuffix, SYSTEM_PRIORITY_CLASSES } from './pod-admission.js';
export type {
  AdmissionResult,
  PodAdmissionContext,
  PriorityClassInfo,
  ServiceAccountInfo,
} from './pod-admission.js';
export { computePodQOS } from './pod.js';
export { validateNodePortRange, normalizeClusterIPs, patchAllocatedValues } from './service.js';
export { defaultPodSpec, defaultPod, defaultContainer } from './pod-spec-defaults.js';
export { defaultPullPolicy, parseImageReference } from './image-reference.js';
export { JOB_NAME_LABEL, CONTROLLER_UID_LABEL } from './job.js';
