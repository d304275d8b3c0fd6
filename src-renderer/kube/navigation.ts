import { isWatchable, typeKey, type ResourceType } from './resource-type.js';

/**
 * The navigation tree built from discovery: every listable kind the cluster serves, grouped as
 * users know them from Lens, Headlamp and the Kubernetes docs. Kinds the tables below do not
 * name go to Cluster when Kubernetes serves them, and to Custom resources (by API group) when a
 * CRD does, so a new kind never goes missing.
 */
export type NavigationGroupId =
  'workloads' | 'network' | 'config' | 'storage' | 'access' | 'cluster' | 'custom';

export interface NavigationItem {
  /** `typeKey(type)`, e.g. `apps/v1/deployments`: stable, for routes and counts. */
  key: string;
  /** What the menu shows: the kind, pluralized (`Deployments`, `NetworkPolicies`). */
  title: string;
  type: ResourceType;
}

export interface NavigationGroup {
  id: NavigationGroupId;
  title: string;
  items: NavigationItem[];
  /** Custom resources only: the same items, one section per API group, groups sorted by name. */
  sections?: { title: string; items: NavigationItem[] }[];
}

/** Each built-in group's members as `<group>/<resource>` (core: `/<resource>`), in menu order. */
const BUILTIN: [NavigationGroupId, string, string[]][] = [
  [
    'workloads',
    'Workloads',
    [
      '/pods',
      'apps/deployments',
      'apps/replicasets',
      'apps/statefulsets',
      'apps/daemonsets',
      'batch/jobs',
      'batch/cronjobs',
      '/replicationcontrollers',
    ],
  ],
  [
    'network',
    'Network',
    [
      '/services',
      '/endpoints',
      'discovery.k8s.io/endpointslices',
      'networking.k8s.io/ingresses',
      'networking.k8s.io/ingressclasses',
      'networking.k8s.io/networkpolicies',
    ],
  ],
  [
    'config',
    'Config',
    [
      '/configmaps',
      '/secrets',
      '/resourcequotas',
      '/limitranges',
      'autoscaling/horizontalpodautoscalers',
      'policy/poddisruptionbudgets',
      'scheduling.k8s.io/priorityclasses',
      'node.k8s.io/runtimeclasses',
      'coordination.k8s.io/leases',
      'admissionregistration.k8s.io/mutatingwebhookconfigurations',
      'admissionregistration.k8s.io/validatingwebhookconfigurations',
      'admissionregistration.k8s.io/validatingadmissionpolicies',
      'admissionregistration.k8s.io/validatingadmissionpolicybindings',
    ],
  ],
  [
    'storage',
    'Storage',
    [
      '/persistentvolumeclaims',
      '/persistentvolumes',
      'storage.k8s.io/storageclasses',
      'storage.k8s.io/csidrivers',
      'storage.k8s.io/csinodes',
      'storage.k8s.io/csistoragecapacities',
      'storage.k8s.io/volumeattachments',
      'storage.k8s.io/volumeattributesclasses',
    ],
  ],
  [
    'access',
    'Access',
    [
      '/serviceaccounts',
      'rbac.authorization.k8s.io/roles',
      'rbac.authorization.k8s.io/rolebindings',
      'rbac.authorization.k8s.io/clusterroles',
      'rbac.authorization.k8s.io/clusterrolebindings',
    ],
  ],
  [
    'cluster',
    'Cluster',
    [
      '/nodes',
      '/namespaces',
      '/events',
      'apiextensions.k8s.io/customresourcedefinitions',
      'apiregistration.k8s.io/apiservices',
      '/componentstatuses',
      'certificates.k8s.io/certificatesigningrequests',
    ],
  ],
];

/** Kinds served twice under different groups, and the one the menu keeps (kubectl's default). */
const SHADOWED = new Map([['events.k8s.io/events', '/events']]);

/** Group the types discovery returned into the menu. Pure; types that cannot be listed are left out. */
export function navigationGroups(types: readonly ResourceType[]): NavigationGroup[] {
  const listable = types.filter(isWatchable);
  const present = new Set(listable.map(memberKey));
  const placed = new Set<string>();
  const groups: NavigationGroup[] = BUILTIN.map(([id, title, members]) => {
    const items: NavigationItem[] = [];
    for (const member of members) {
      const type = listable.find((t) => !t.custom && memberKey(t) === member);
      if (!type) continue;
      items.push(itemOf(type));
      placed.add(member);
    }
    return { id, title, items };
  });
  const cluster = groups.find((g) => g.id === 'cluster');
  const unknownBuiltins = listable
    .filter((t) => !t.custom && !placed.has(memberKey(t)))
    .filter((t) => !present.has(SHADOWED.get(memberKey(t)) ?? ''))
    .map(itemOf)
    .sort(byTitle);
  cluster?.items.push(...unknownBuiltins);

  const custom = listable.filter((t) => t.custom).map(itemOf);
  const byGroup = new Map<string, NavigationItem[]>();
  for (const item of custom) byGroup.set(item.type.group, [...(byGroup.get(item.type.group) ?? []), item]);
  const sections = [...byGroup]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([title, items]) => ({ title, items: items.sort(byTitle) }));
  groups.push({
    id: 'custom',
    title: 'Custom resources',
    items: sections.flatMap((s) => s.items),
    sections,
  });
  return groups;
}

/** `Deployment` → `Deployments`, `NetworkPolicy` → `NetworkPolicies`, `Ingress` → `Ingresses`. */
export function pluralTitle(kind: string): string {
  if (kind === 'Endpoints') return kind;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(kind)) return `${kind}es`;
  return `${kind}s`;
}

function memberKey(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

function itemOf(type: ResourceType): NavigationItem {
  return { key: typeKey(type), title: pluralTitle(type.kind), type };
}

function byTitle(a: NavigationItem, b: NavigationItem): number {
  return a.title.localeCompare(b.title);
}
