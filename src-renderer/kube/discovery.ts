import type { KubeApi } from './api-client.js';
import type { ResourceType } from './resource-type.js';
import { StatusError } from './status-error.js';

/**
 * Discovery: which resources a cluster serves, at their preferred versions, with verbs, short
 * names, categories and kinds — what `kubectl api-resources` prints. Asks for aggregated
 * discovery first (`apidiscovery.k8s.io/v2`, two requests for everything, KEP-3352:
 * https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/3352-aggregated-discovery),
 * and falls back to the per-group-version documents (`/api`, `/apis`, then each preferred
 * group-version in parallel) on servers that do not serve it.
 */
export interface Discovery {
  /** Every served resource at its group's preferred version, subresources folded into their parent. */
  types: ResourceType[];
  /** Served groups, core (`''`) first, each with its versions, preferred first. */
  groups: { name: string; versions: string[] }[];
}

/** Asks for aggregated discovery (v2, then v2beta1), accepting the legacy documents too. */
const AGGREGATED_ACCEPT = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

/** Discover the cluster's resources; custom resources are marked from the CRDs when they can be listed. */
export async function discover(api: KubeApi, options: { signal?: AbortSignal } = {}): Promise<Discovery> {
  const signal = options.signal;
  const [core, named] = await Promise.all([
    getJson<AggregatedList | ApiVersions>(api, '/api', signal),
    getJson<AggregatedList | ApiGroupList>(api, '/apis', signal),
  ]);
  const result =
    isAggregated(core) && isAggregated(named)
      ? fromAggregated([...core.items, ...named.items])
      : await fromLegacy(api, core as ApiVersions, named as ApiGroupList, signal);
  await markCustom(api, result.types, signal);
  return result;
}

// --- aggregated discovery (apidiscovery.k8s.io/v2) -------------------------------------------

interface AggregatedResource {
  resource: string;
  responseKind?: { group: string; version: string; kind: string };
  scope: 'Namespaced' | 'Cluster';
  singularResource?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string }[];
}

interface AggregatedList {
  kind: 'APIGroupDiscoveryList';
  items: {
    metadata: { name?: string };
    versions: { version: string; resources?: AggregatedResource[]; freshness?: string }[];
  }[];
}

function isAggregated(body: unknown): body is AggregatedList {
  return (body as { kind?: unknown }).kind === 'APIGroupDiscoveryList';
}

/** Versions are listed in preference order, so the first is the preferred one (as kubectl takes it). */
function fromAggregated(items: AggregatedList['items']): Discovery {
  const types: ResourceType[] = [];
  const groups: Discovery['groups'] = [];
  for (const item of items) {
    const group = item.metadata.name ?? '';
    const preferred = item.versions[0];
    if (!preferred) continue;
    groups.push({ name: group, versions: item.versions.map((v) => v.version) });
    for (const r of preferred.resources ?? []) {
      types.push({
        group,
        version: preferred.version,
        resource: r.resource,
        namespaced: r.scope === 'Namespaced',
        kind: r.responseKind?.kind ?? '',
        singular: r.singularResource ?? '',
        verbs: r.verbs ?? [],
        shortNames: r.shortNames ?? [],
        categories: r.categories ?? [],
        subresources: (r.subresources ?? []).map((s) => s.subresource),
      });
    }
  }
  return { types, groups };
}

// --- legacy discovery (/api, /apis, /apis/<group>/<version>) -------------------------------

interface ApiVersions {
  kind: 'APIVersions';
  versions: string[];
}

interface ApiGroupList {
  kind: 'APIGroupList';
  groups: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[];
}

interface ApiResourceList {
  groupVersion: string;
  resources: {
    name: string;
    singularName?: string;
    namespaced: boolean;
    kind: string;
    verbs?: string[];
    shortNames?: string[];
    categories?: string[];
  }[];
}

async function fromLegacy(
  api: KubeApi,
  core: ApiVersions,
  named: ApiGroupList,
  signal: AbortSignal | undefined,
): Promise<Discovery> {
  const groups: Discovery['groups'] = [];
  if (core.versions?.length) groups.push({ name: '', versions: core.versions });
  for (const g of named.groups ?? []) {
    const versions = g.versions.map((v) => v.version);
    const preferred = g.preferredVersion?.version ?? versions[0];
    if (preferred)
      groups.push({ name: g.name, versions: [preferred, ...versions.filter((v) => v !== preferred)] });
  }
  const lists = await Promise.all(
    groups.map(async ({ name, versions }) => {
      const path = name ? `/apis/${name}/${versions[0]}` : `/api/${versions[0]}`;
      try {
        return {
          group: name,
          version: versions[0] ?? '',
          list: await getJson<ApiResourceList>(api, path, signal),
        };
      } catch (error) {
        // One broken aggregated API (say, metrics-server down: 503) must not hide every other resource.
        if (error instanceof StatusError && error.code >= 500) return undefined;
        throw error;
      }
    }),
  );
  const types: ResourceType[] = [];
  for (const entry of lists) {
    if (!entry) continue;
    const byName = new Map<string, ResourceType>();
    for (const r of entry.list.resources) {
      const [parent, sub] = r.name.split('/');
      if (sub !== undefined) {
        const owner = byName.get(parent ?? '');
        if (owner) owner.subresources?.push(sub);
        continue;
      }
      const type: ResourceType = {
        group: entry.group,
        version: entry.version,
        resource: r.name,
        namespaced: r.namespaced,
        kind: r.kind,
        singular: r.singularName || r.kind.toLowerCase(),
        verbs: r.verbs ?? [],
        shortNames: r.shortNames ?? [],
        categories: r.categories ?? [],
        subresources: [],
      };
      byName.set(r.name, type);
      types.push(type);
    }
  }
  return { types, groups };
}

// --- shared -----------------------------------------------------------------------------------

/**
 * Sets `custom` on every type a CustomResourceDefinition serves. Discovery itself does not say
 * which resources are CRDs, so the CRDs are listed; when that is forbidden, a group that is not
 * one of Kubernetes' own is taken to be custom.
 */
async function markCustom(
  api: KubeApi,
  types: ResourceType[],
  signal: AbortSignal | undefined,
): Promise<void> {
  let served: Set<string> | undefined;
  if (types.some((t) => t.group === 'apiextensions.k8s.io' && t.resource === 'customresourcedefinitions')) {
    try {
      const crds = await getJson<{ items: { spec: { group: string; names: { plural: string } } }[] }>(
        api,
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        signal,
      );
      served = new Set(crds.items.map((crd) => `${crd.spec.group}/${crd.spec.names.plural}`));
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
    }
  }
  for (const type of types) {
    type.custom = served ? served.has(`${type.group}/${type.resource}`) : !isBuiltinGroup(type.group);
  }
}

/** Groups under `k8s.io` that SIG projects serve with CRDs rather than from kube-apiserver. */
const CRD_SERVED_K8S_GROUPS = new Set(['gateway.networking.k8s.io', 'snapshot.storage.k8s.io']);

/** Groups Kubernetes itself serves (and metrics-server's), as opposed to those CRDs add. */
export function isBuiltinGroup(group: string): boolean {
  if (group === '' || !group.includes('.')) return true; // apps, batch, policy, autoscaling, …
  if (CRD_SERVED_K8S_GROUPS.has(group) || group.endsWith('.x-k8s.io')) return false;
  return group.endsWith('.k8s.io');
}

async function getJson<T>(api: KubeApi, path: string, signal: AbortSignal | undefined): Promise<T> {
  const response = await api.raw(path, { headers: { Accept: AGGREGATED_ACCEPT }, signal });
  return (await response.json()) as T;
}
