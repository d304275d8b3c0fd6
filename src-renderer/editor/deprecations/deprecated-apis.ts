import { atLeast, DEFAULT_SERVER_VERSION, parseKubeVersion, type KubeVersion } from './kube-version.js';

/**
 * The table of built-in API versions Kubernetes has deprecated or stopped serving, per kind.
 *
 * Removal releases, replacements and notable changes follow the official "Deprecated API
 * Migration Guide" (https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
 * Deprecation releases come from the `+k8s:prerelease-lifecycle-gen:deprecated` tags of
 * k8s.io/api (the guide gives only removals). Two alpha versions the guide leaves out are listed
 * too: `batch/v2alpha1` (CronJob; removed in 1.21, CHANGELOG-1.21) and the `v1alpha1` versions of
 * RBAC and PriorityClass.
 *
 * `replacement` is the version the guide said to move to when the old one was removed; it may be
 * deprecated in turn (`extensions/v1beta1` PodSecurityPolicy → `policy/v1beta1`, itself removed
 * with no replacement), so {@link deprecationOf} follows the chain up to what a given server
 * release serves.
 */
export interface DeprecatedApi {
  /** The old group version, as written in `apiVersion`. */
  groupVersion: string;
  kind: string;
  /** The release that deprecated it, `1.16` style. */
  deprecatedIn: string;
  /** The first release that no longer serves it. */
  removedIn: string;
  /** The group version to use instead; absent when Kubernetes has no replacement. */
  replacement?: string;
  /** What to do instead when there is no replacement. */
  advice?: string;
  /** The section of the migration guide that covers it. */
  guide: string;
}

const GUIDE = 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/';

/** One row per (group versions × kinds) that share their dates, replacement and guide section. */
function rows(
  groupVersions: readonly string[],
  kinds: readonly string[],
  deprecatedIn: string,
  removedIn: string,
  replacement: string | undefined,
  anchor: string,
  advice?: string,
): DeprecatedApi[] {
  return groupVersions.flatMap((groupVersion) =>
    kinds.map((kind) => ({
      groupVersion,
      kind,
      deprecatedIn,
      removedIn,
      ...(replacement ? { replacement } : {}),
      ...(advice ? { advice } : {}),
      guide: `${GUIDE}#${anchor}`,
    })),
  );
}

const FLOWCONTROL = ['FlowSchema', 'PriorityLevelConfiguration'];
const PSP_ADVICE =
  'enforce the Pod Security Standards with Pod Security Admission (namespace labels pod-security.kubernetes.io/*) or a third-party admission webhook';

/** Every deprecated built-in API version Kubedesk knows, newest removal first as in the guide. */
export const DEPRECATED_APIS: readonly DeprecatedApi[] = [
  // v1.32
  ...rows(
    ['flowcontrol.apiserver.k8s.io/v1beta3'],
    FLOWCONTROL,
    '1.29',
    '1.32',
    'flowcontrol.apiserver.k8s.io/v1',
    'flowcontrol-resources-v132',
  ),
  // v1.29
  ...rows(
    ['flowcontrol.apiserver.k8s.io/v1beta2'],
    FLOWCONTROL,
    '1.26',
    '1.29',
    'flowcontrol.apiserver.k8s.io/v1beta3',
    'flowcontrol-resources-v129',
  ),
  // v1.27
  ...rows(
    ['storage.k8s.io/v1beta1'],
    ['CSIStorageCapacity'],
    '1.24',
    '1.27',
    'storage.k8s.io/v1',
    'csistoragecapacity-v127',
  ),
  // v1.26
  ...rows(
    ['flowcontrol.apiserver.k8s.io/v1beta1'],
    FLOWCONTROL,
    '1.23',
    '1.26',
    'flowcontrol.apiserver.k8s.io/v1beta3',
    'flowcontrol-resources-v126',
  ),
  ...rows(
    ['autoscaling/v2beta2'],
    ['HorizontalPodAutoscaler'],
    '1.23',
    '1.26',
    'autoscaling/v2',
    'horizontalpodautoscaler-v126',
  ),
  // v1.25
  ...rows(['batch/v1beta1'], ['CronJob'], '1.21', '1.25', 'batch/v1', 'cronjob-v125'),
  ...rows(
    ['discovery.k8s.io/v1beta1'],
    ['EndpointSlice'],
    '1.21',
    '1.25',
    'discovery.k8s.io/v1',
    'endpointslice-v125',
  ),
  ...rows(['events.k8s.io/v1beta1'], ['Event'], '1.19', '1.25', 'events.k8s.io/v1', 'event-v125'),
  ...rows(
    ['autoscaling/v2beta1'],
    ['HorizontalPodAutoscaler'],
    '1.22',
    '1.25',
    'autoscaling/v2',
    'horizontalpodautoscaler-v125',
  ),
  ...rows(
    ['policy/v1beta1'],
    ['PodDisruptionBudget'],
    '1.21',
    '1.25',
    'policy/v1',
    'poddisruptionbudget-v125',
  ),
  ...rows(['policy/v1beta1'], ['PodSecurityPolicy'], '1.21', '1.25', undefined, 'psp-v125', PSP_ADVICE),
  ...rows(['node.k8s.io/v1beta1'], ['RuntimeClass'], '1.22', '1.25', 'node.k8s.io/v1', 'runtimeclass-v125'),
  // v1.22
  ...rows(
    ['admissionregistration.k8s.io/v1beta1'],
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    '1.16',
    '1.22',
    'admissionregistration.k8s.io/v1',
    'webhook-resources-v122',
  ),
  ...rows(
    ['apiextensions.k8s.io/v1beta1'],
    ['CustomResourceDefinition'],
    '1.16',
    '1.22',
    'apiextensions.k8s.io/v1',
    'customresourcedefinition-v122',
  ),
  ...rows(
    ['apiregistration.k8s.io/v1beta1'],
    ['APIService'],
    '1.19',
    '1.22',
    'apiregistration.k8s.io/v1',
    'apiservice-v122',
  ),
  ...rows(
    ['authentication.k8s.io/v1beta1'],
    ['TokenReview'],
    '1.19',
    '1.22',
    'authentication.k8s.io/v1',
    'tokenreview-v122',
  ),
  ...rows(
    ['authorization.k8s.io/v1beta1'],
    ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'],
    '1.19',
    '1.22',
    'authorization.k8s.io/v1',
    'subjectaccessreview-resources-v122',
  ),
  ...rows(
    ['certificates.k8s.io/v1beta1'],
    ['CertificateSigningRequest'],
    '1.19',
    '1.22',
    'certificates.k8s.io/v1',
    'certificatesigningrequest-v122',
  ),
  ...rows(['coordination.k8s.io/v1beta1'], ['Lease'], '1.19', '1.22', 'coordination.k8s.io/v1', 'lease-v122'),
  ...rows(['extensions/v1beta1'], ['Ingress'], '1.14', '1.22', 'networking.k8s.io/v1', 'ingress-v122'),
  ...rows(['networking.k8s.io/v1beta1'], ['Ingress'], '1.19', '1.22', 'networking.k8s.io/v1', 'ingress-v122'),
  ...rows(
    ['networking.k8s.io/v1beta1'],
    ['IngressClass'],
    '1.19',
    '1.22',
    'networking.k8s.io/v1',
    'ingressclass-v122',
  ),
  ...rows(
    ['rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1alpha1'],
    ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    '1.17',
    '1.22',
    'rbac.authorization.k8s.io/v1',
    'rbac-resources-v122',
  ),
  ...rows(
    ['scheduling.k8s.io/v1beta1'],
    ['PriorityClass'],
    '1.14',
    '1.22',
    'scheduling.k8s.io/v1',
    'priorityclass-v122',
  ),
  ...rows(
    ['storage.k8s.io/v1beta1'],
    ['CSIDriver', 'StorageClass', 'VolumeAttachment'],
    '1.19',
    '1.22',
    'storage.k8s.io/v1',
    'storage-resources-v122',
  ),
  ...rows(
    ['storage.k8s.io/v1beta1'],
    ['CSINode'],
    '1.17',
    '1.22',
    'storage.k8s.io/v1',
    'storage-resources-v122',
  ),
  // v1.21 and v1.17: alpha versions the guide does not list.
  ...rows(['batch/v2alpha1'], ['CronJob'], '1.8', '1.21', 'batch/v1', 'cronjob-v125'),
  ...rows(
    ['scheduling.k8s.io/v1alpha1'],
    ['PriorityClass'],
    '1.14',
    '1.17',
    'scheduling.k8s.io/v1',
    'priorityclass-v122',
  ),
  // v1.16
  ...rows(
    ['extensions/v1beta1'],
    ['NetworkPolicy'],
    '1.9',
    '1.16',
    'networking.k8s.io/v1',
    'networkpolicy-v116',
  ),
  ...rows(['extensions/v1beta1'], ['PodSecurityPolicy'], '1.11', '1.16', 'policy/v1beta1', 'v1-16'),
  ...rows(['extensions/v1beta1'], ['DaemonSet'], '1.8', '1.16', 'apps/v1', 'daemonset-v116'),
  ...rows(['apps/v1beta2'], ['DaemonSet'], '1.9', '1.16', 'apps/v1', 'daemonset-v116'),
  ...rows(
    ['extensions/v1beta1', 'apps/v1beta1'],
    ['Deployment'],
    '1.8',
    '1.16',
    'apps/v1',
    'deployment-v116',
  ),
  ...rows(['apps/v1beta2'], ['Deployment'], '1.9', '1.16', 'apps/v1', 'deployment-v116'),
  ...rows(['apps/v1beta1'], ['StatefulSet'], '1.8', '1.16', 'apps/v1', 'statefulset-v116'),
  ...rows(['apps/v1beta2'], ['StatefulSet'], '1.9', '1.16', 'apps/v1', 'statefulset-v116'),
  ...rows(
    ['extensions/v1beta1', 'apps/v1beta1'],
    ['ReplicaSet'],
    '1.8',
    '1.16',
    'apps/v1',
    'replicaset-v116',
  ),
  ...rows(['apps/v1beta2'], ['ReplicaSet'], '1.9', '1.16', 'apps/v1', 'replicaset-v116'),
  ...rows(['apps/v1beta1'], ['ControllerRevision'], '1.8', '1.16', 'apps/v1', 'v1-16'),
  ...rows(['apps/v1beta2'], ['ControllerRevision'], '1.9', '1.16', 'apps/v1', 'v1-16'),
];

const BY_KEY = new Map(DEPRECATED_APIS.map((api) => [`${api.groupVersion}|${api.kind}`, api]));

/** The table's row for an `apiVersion` and `kind`, whatever the server's release. */
export function deprecatedApi(apiVersion: string, kind: string): DeprecatedApi | undefined {
  return BY_KEY.get(`${apiVersion}|${kind}`);
}

/** How bad an old apiVersion is for a given server: still served with a warning, or gone. */
export type Severity = 'removed' | 'deprecated';

/** What the table says about one document's apiVersion, judged against a server release. */
export interface Deprecation {
  /** The row for the document's own apiVersion. */
  api: DeprecatedApi;
  severity: Severity;
  /**
   * The version to convert to: the replacement, followed while the replacement is itself
   * deprecated at the server's release. Absent when the chain ends without one.
   */
  target?: string;
  /** What to do when there is no target (the advice of the row where the chain ended). */
  advice?: string;
  /** The row where the chain ended, when it is not `api`'s (its replacement was deprecated too). */
  chainEnd?: { api: DeprecatedApi; severity: Severity };
}

/**
 * Whether `apiVersion` + `kind` is deprecated or removed at `serverVersion` (default
 * {@link DEFAULT_SERVER_VERSION}), and what to use instead. `undefined` for anything current,
 * custom or unknown.
 */
export function deprecationOf(
  apiVersion: string,
  kind: string,
  serverVersion: string = DEFAULT_SERVER_VERSION,
): Deprecation | undefined {
  const server = parseKubeVersion(serverVersion);
  const api = deprecatedApi(apiVersion, kind);
  if (!api || !atLeast(server, parseKubeVersion(api.deprecatedIn))) return undefined;
  const severity = severityAt(api, server);
  let last = api;
  let target = api.replacement;
  for (let hops = 0; target && hops < 10; hops++) {
    const next = deprecatedApi(target, kind);
    if (!next || !atLeast(server, parseKubeVersion(next.deprecatedIn))) break;
    last = next;
    target = next.replacement;
  }
  return {
    api,
    severity,
    ...(target ? { target } : {}),
    ...(last.advice ? { advice: last.advice } : {}),
    ...(last !== api ? { chainEnd: { api: last, severity: severityAt(last, server) } } : {}),
  };
}

function severityAt(api: DeprecatedApi, server: KubeVersion): Severity {
  return atLeast(server, parseKubeVersion(api.removedIn)) ? 'removed' : 'deprecated';
}

/**
 * The sentence an editor marker shows, e.g. `apps/v1beta1 Deployment was removed in Kubernetes
 * 1.16: use apps/v1`.
 */
export function deprecationMessage(deprecation: Deprecation): string {
  const { api, severity, target, advice, chainEnd } = deprecation;
  const what = `${api.groupVersion} ${api.kind}`;
  const status =
    severity === 'removed'
      ? `${what} was removed in Kubernetes ${api.removedIn}`
      : `${what} is deprecated since Kubernetes ${api.deprecatedIn} and removed in ${api.removedIn}`;
  if (target) return `${status}: use ${target}`;
  const instead = advice ? `: ${advice}` : '';
  if (chainEnd) {
    const { groupVersion, removedIn } = chainEnd.api;
    const gone =
      chainEnd.severity === 'removed'
        ? `was removed in ${removedIn}`
        : `is deprecated (removed in ${removedIn})`;
    return `${status}; its replacement ${groupVersion} ${gone} with no replacement${instead}`;
  }
  return `${status}, with no replacement${instead}`;
}
