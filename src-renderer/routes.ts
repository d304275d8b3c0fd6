/**
 * The dashboard's places, as hash routes (`#/c/<cluster>/…`), and the helpers every view uses to
 * link to them, so a URL is built in one place. A hash route needs nothing from the server: the
 * gateway serves index.html for `/`, and the Electron window loads the same page.
 *
 * | route                                               | view                                   |
 * | --------------------------------------------------- | -------------------------------------- |
 * | `/c/:cluster/overview`                              | cluster overview                        |
 * | `/c/:cluster/r/:group/:version/:resource`           | a resource table (group `core` for "") |
 * | `/c/:cluster/r/:group/:version/:resource/:ns/:name` | one object (`:ns` is `_` when cluster-scoped); `?tab=` summary, yaml, logs, terminal, events |
 * | `/c/:cluster/events`                                | live events                             |
 * | `/c/:cluster/editor`                                | the manifest editor (`?from=<details path>` edits a live object) |
 * | `/c/:cluster/logs`                                  | logs: `?ns=&pod=&container=` or `?ns=&workload=<group/version/resource/name>` |
 * | `/c/:cluster/port-forwards`                         | active port-forwards                    |
 */
import type { RouteLocationRaw } from 'vue-router';
import type { ResourceType } from './kube/index.js';

/** The group as it appears in a route: `core` for the core group. */
export function routeGroup(group: string): string {
  return group === '' ? 'core' : group;
}

/** The group from a route parameter. */
export function groupFromRoute(param: string): string {
  return param === 'core' ? '' : param;
}

type TypeRef = Pick<ResourceType, 'group' | 'version' | 'resource'>;

export const toOverview = (cluster: string): RouteLocationRaw => ({
  name: 'overview',
  params: { cluster },
});

export const toList = (cluster: string, type: TypeRef): RouteLocationRaw => ({
  name: 'list',
  params: { cluster, group: routeGroup(type.group), version: type.version, resource: type.resource },
});

export type DetailsTab = 'summary' | 'yaml' | 'logs' | 'terminal' | 'events';

export const toDetails = (
  cluster: string,
  type: TypeRef,
  namespace: string | undefined,
  name: string,
  tab?: DetailsTab,
): RouteLocationRaw => ({
  name: 'details',
  params: {
    cluster,
    group: routeGroup(type.group),
    version: type.version,
    resource: type.resource,
    namespace: namespace || '_',
    name,
  },
  ...(tab ? { query: { tab } } : {}),
});

export const toEvents = (cluster: string): RouteLocationRaw => ({ name: 'events', params: { cluster } });

export const toEditor = (cluster: string, query: Record<string, string> = {}): RouteLocationRaw => ({
  name: 'editor',
  params: { cluster },
  query,
});

export const toLogs = (cluster: string, query: Record<string, string>): RouteLocationRaw => ({
  name: 'logs',
  params: { cluster },
  query,
});

export const toPortForwards = (cluster: string): RouteLocationRaw => ({
  name: 'port-forwards',
  params: { cluster },
});
