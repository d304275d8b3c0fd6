import type { ResourceType, SubresourceName, Verb } from '../../api/catalog.js';
import { apiVersionOf } from '../../api/object.js';

/**
 * Discovery documents, all derived from the served resource list: the
 * legacy per-group-version lists (`/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`)
 * and aggregated discovery (`apidiscovery.k8s.io/v2` and `v2beta1`), which
 * kubectl ≥ 1.26 asks for first
 * (https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/3352-aggregated-discovery).
 */

export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0+kubedesk' };

export function versionInfo() {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: 'kubedesk',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

interface SubresourceInfo {
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[] | string[];
}

/** What each subresource answers with and allows (as kube-apiserver registers them). */
const SUBRESOURCES: Record<SubresourceName, SubresourceInfo | ((type: ResourceType) => SubresourceInfo)> = {
  status: (type) => ({ kind: type.kind, verbs: ['get', 'patch', 'update'] }),
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  log: (type) => ({ kind: type.kind, verbs: ['get'] }),
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: (type) => ({
    kind: `${type.kind}ProxyOptions`,
    verbs: ['create', 'delete', 'get', 'patch', 'update'],
  }),
  ephemeralcontainers: (type) => ({ kind: type.kind, verbs: ['get', 'patch', 'update'] }),
  finalize: (type) => ({ kind: type.kind, verbs: ['update'] }),
  token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
};

function subresourceInfo(type: ResourceType, name: SubresourceName): SubresourceInfo {
  const info = SUBRESOURCES[name];
  return typeof info === 'function' ? info(type) : info;
}

export interface GroupVersions {
  group: string;
  versions: string[];
}

/** Served groups in a stable order: core first, then as the catalog lists them. */
export function groupsOf(resources: readonly ResourceType[]): GroupVersions[] {
  const groups = new Map<string, string[]>();
  for (const r of resources) {
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([group, versions]) => ({ group, versions }));
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry({ group, versions }: GroupVersions) {
  const list = versions.map((version) => ({ groupVersion: apiVersionOf(group, version), version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(resources: readonly ResourceType[]) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupsOf(resources)
      .filter((g) => g.group !== '')
      .map(groupEntry),
  };
}

export function apiGroup(resources: readonly ResourceType[], group: string) {
  const entry = groupsOf(resources).find((g) => g.group === group);
  return entry ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(entry) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`; undefined when not served. */
export function apiResourceList(resources: readonly ResourceType[], group: string, version: string) {
  const served = resources.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const entries = [];
  for (const r of served) {
    entries.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
      ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories.length ? { categories: [...r.categories] } : {}),
    });
    for (const sub of r.subresources) {
      const info = subresourceInfo(r, sub);
      entries.push({
        name: `${r.resource}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(info.group !== undefined ? { group: info.group, version: info.version } : {}),
        kind: info.kind,
        verbs: info.verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(group, version),
    resources: entries,
  };
}

export const AGGREGATED_DISCOVERY_VERSIONS = ['v2', 'v2beta1'] as const;
export type AggregatedDiscoveryVersion = (typeof AGGREGATED_DISCOVERY_VERSIONS)[number];

/** The aggregated document for `/api` (core only) or `/apis` (every other group). */
export function aggregatedDiscovery(
  resources: readonly ResourceType[],
  which: 'api' | 'apis',
  version: AggregatedDiscoveryVersion,
) {
  const groups = groupsOf(resources).filter((g) => (which === 'api' ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map(({ group, versions }) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v,
        resources: resources
          .filter((r) => r.group === group && r.version === v)
          .map((r) => ({
            resource: r.resource,
            responseKind: { group: r.group, version: r.version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: [...r.verbs],
            ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
            ...(r.categories.length ? { categories: [...r.categories] } : {}),
            ...(r.subresources.length
              ? {
                  subresources: r.subresources.map((sub) => {
                    const info = subresourceInfo(r, sub);
                    return {
                      subresource: sub,
                      responseKind: {
                        group: info.group ?? r.group,
                        version: info.version ?? r.version,
                        kind: info.kind,
                      },
                      verbs: info.verbs,
                    };
                  }),
                }
              : {}),
          })),
        freshness: 'Current',
      })),
    })),
  };
}

/** The aggregated discovery version an Accept header asks for, if any. */
export function wantsAggregated(accept: string | undefined): AggregatedDiscoveryVersion | undefined {
  if (!accept) return undefined;
  for (const clause of accept.split(',')) {
    const params = new Map(
      clause
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('g') !== 'apidiscovery.k8s.io' || params.get('as') !== 'APIGroupDiscoveryList') continue;
    const v = params.get('v');
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return undefined;
}
