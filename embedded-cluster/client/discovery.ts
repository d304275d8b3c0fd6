import type { KubeClient } from './kube-client.js';
import { resourceRef, type KubeObjectLike, type ResourceRef } from './resources.js';

/**
 * A small discovery client, as the part of client-go's `discovery` package that the namespace
 * controller and the garbage collector use (`ServerPreferredResources`, `GroupVersionResources`):
 * it asks the API server what it serves through the legacy documents `GET /api`, `/api/v1`,
 * `/apis` and `/apis/<group>/<version>`, so custom resources appear as soon as their CRD does.
 * https://github.com/kubernetes/client-go/blob/master/discovery/discovery_client.go
 */

/** One served resource (subresources are left out). */
export interface ApiResource {
  group: string;
  version: string;
  /** Plural name, as in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
  /** The version is its group's preferred version (what `ServerPreferredResources` keeps). */
  preferred: boolean;
}

export interface DiscoveryResult {
  resources: ApiResource[];
  /** Group versions whose resource list could not be read, with why (`ErrGroupDiscoveryFailed`). */
  failedGroups: Map<string, string>;
  /** Group version strings that do not parse (`GroupVersionResources` errors). */
  parseErrors: string[];
}

interface ApiVersions {
  versions?: string[];
}
interface ApiGroupList {
  groups?: {
    name: string;
    versions?: { groupVersion: string; version: string }[];
    preferredVersion?: { groupVersion: string; version: string };
  }[];
}
interface ApiResourceList {
  groupVersion?: string;
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

/** Read everything the server serves; a group version that fails is reported, not fatal. */
export async function discoverResources(client: KubeClient): Promise<DiscoveryResult> {
  const [core, groups] = await Promise.all([
    client.request<ApiVersions>({ method: 'GET', path: '/api' }),
    client.request<ApiGroupList>({ method: 'GET', path: '/apis' }),
  ]);
  const wanted: { path: string; groupVersion: string; preferred: boolean }[] = [];
  (core.versions ?? []).forEach((version, i) =>
    wanted.push({ path: `/api/${version}`, groupVersion: version, preferred: i === 0 }),
  );
  for (const group of groups.groups ?? []) {
    const preferred = group.preferredVersion?.groupVersion ?? group.versions?.[0]?.groupVersion;
    for (const { groupVersion } of group.versions ?? []) {
      wanted.push({ path: `/apis/${groupVersion}`, groupVersion, preferred: groupVersion === preferred });
    }
  }
  const result: DiscoveryResult = { resources: [], failedGroups: new Map(), parseErrors: [] };
  const lists = await Promise.all(
    wanted.map(async (gv) => {
      try {
        return { gv, list: await client.request<ApiResourceList>({ method: 'GET', path: gv.path }) };
      } catch (error) {
        result.failedGroups.set(gv.groupVersion, error instanceof Error ? error.message : String(error));
        return undefined;
      }
    }),
  );
  for (const entry of lists) {
    if (!entry) continue;
    const groupVersion = entry.list.groupVersion ?? entry.gv.groupVersion;
    const parsed = parseGroupVersion(groupVersion);
    if (!parsed) {
      result.parseErrors.push(`unexpected GroupVersion string: ${groupVersion}`);
      continue;
    }
    for (const r of entry.list.resources ?? []) {
      if (r.name.includes('/')) continue; // a subresource
      result.resources.push({
        ...parsed,
        resource: r.name,
        kind: r.kind,
        namespaced: r.namespaced,
        verbs: r.verbs ?? [],
        preferred: entry.gv.preferred,
      });
    }
  }
  return result;
}

/** `v1` → core; `apps/v1` → apps; anything else does not parse (`schema.ParseGroupVersion`). */
export function parseGroupVersion(groupVersion: string): { group: string; version: string } | undefined {
  if (groupVersion === '') return undefined;
  const parts = groupVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '')
    return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/** The message client-go gives an `ErrGroupDiscoveryFailed`. */
export function discoveryFailureMessage(failedGroups: ReadonlyMap<string, string>): string {
  const parts = [...failedGroups].sort(([a], [b]) => a.localeCompare(b)).map(([gv, why]) => `${gv}: ${why}`);
  return `unable to retrieve the complete list of server APIs: ${parts.join(', ')}`;
}

/** Whether the resource is served with every one of `verbs`. */
export function supports(resource: ApiResource, ...verbs: string[]): boolean {
  return verbs.every((verb) => resource.verbs.includes(verb));
}

/** A client reference for a discovered resource. */
export function refOf(resource: ApiResource): ResourceRef<KubeObjectLike> {
  return resourceRef(resource.group, resource.version, resource.resource, resource.kind, resource.namespaced);
}

/**
 * Which resource an `apiVersion` + `kind` names, as the garbage collector's REST mapper resolves
 * owner references: the exact group version when served, else the group's preferred version
 * (the kind is the same object under another version).
 */
export class ResourceMapper {
  private readonly exact = new Map<string, ApiResource>();
  private readonly byGroupKind = new Map<string, ApiResource>();

  constructor(resources: readonly ApiResource[]) {
    for (const r of resources) {
      this.exact.set(`${r.group}/${r.version}/${r.kind}`, r);
      const groupKind = `${r.group}/${r.kind}`;
      if (r.preferred || !this.byGroupKind.has(groupKind)) this.byGroupKind.set(groupKind, r);
    }
  }

  forKind(apiVersion: string, kind: string): ApiResource | undefined {
    const gv = parseGroupVersion(apiVersion);
    if (!gv) return undefined;
    return this.exact.get(`${gv.group}/${gv.version}/${kind}`) ?? this.byGroupKind.get(`${gv.group}/${kind}`);
  }
}
