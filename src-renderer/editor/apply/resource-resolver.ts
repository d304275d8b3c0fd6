import {
  failureStatus,
  groupVersionPath,
  StatusError,
  type KubeApi,
  type ResourceType,
} from '../../kube/index.js';
import { parseApiVersion } from '../schema/openapi-schema.js';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

interface ApiResourceList {
  resources?: ApiResource[];
}

/**
 * Finds the REST resource of an `apiVersion` + `kind`, as kubectl's REST mapper does: from the
 * group-version's own discovery document (`/apis/<group>/<version>`), so versions other than the
 * preferred one resolve too. Each group-version is asked once; `reset()` forgets them (after a
 * CustomResourceDefinition changes).
 */
export class ResourceResolver {
  private readonly lists = new Map<string, Promise<ApiResourceList>>();

  constructor(private readonly api: KubeApi) {}

  /** The resource serving `kind` at `apiVersion`; a StatusError (404) when none does. */
  async resolve(apiVersion: string, kind: string): Promise<ResourceType> {
    const found = (await this.list(apiVersion)).resources?.find(
      (r) => r.kind === kind && !r.name.includes('/'),
    );
    if (!found) throw noMatch(apiVersion, `kind "${kind}"`);
    return typeOf(apiVersion, found);
  }

  /** The same, by the plural resource name (`deployments`), as routes name it. */
  async resolveResource(apiVersion: string, resource: string): Promise<ResourceType> {
    const found = (await this.list(apiVersion)).resources?.find((r) => r.name === resource);
    if (!found) throw noMatch(apiVersion, `resource "${resource}"`);
    return typeOf(apiVersion, found);
  }

  reset(): void {
    this.lists.clear();
  }

  private list(apiVersion: string): Promise<ApiResourceList> {
    let list = this.lists.get(apiVersion);
    if (!list) {
      const { group, version } = parseApiVersion(apiVersion);
      list = this.fetchList(group, version);
      this.lists.set(apiVersion, list);
      // A failure is not remembered: the next call asks again.
      list.catch(() => this.lists.delete(apiVersion));
    }
    return list;
  }

  private async fetchList(group: string, version: string): Promise<ApiResourceList> {
    try {
      const response = await this.api.raw(groupVersionPath({ group, version }), {
        headers: { Accept: 'application/json' },
      });
      return (await response.json()) as ApiResourceList;
    } catch (error) {
      // An unserved group-version answers 404: say it as kubectl does.
      if (error instanceof StatusError && error.code === 404) return {};
      throw error;
    }
  }
}

function typeOf(apiVersion: string, found: ApiResource): ResourceType {
  const { group, version } = parseApiVersion(apiVersion);
  return {
    group,
    version,
    resource: found.name,
    namespaced: found.namespaced,
    kind: found.kind,
    verbs: found.verbs ?? [],
  };
}

/** kubectl's wording: `no matches for kind "Deployment" in version "extensions/v1beta1"`. */
function noMatch(apiVersion: string, what: string): StatusError {
  return new StatusError(failureStatus(404, `no matches for ${what} in version "${apiVersion}"`, 'NotFound'));
}
