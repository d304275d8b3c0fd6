/**
 * A served resource as discovery describes it, and the REST paths built from it
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris):
 * `/api/v1/namespaces/<ns>/<resource>/<name>` for the core group,
 * `/apis/<group>/<version>/…` for every other.
 */
export interface ResourceType {
  /** `''` for the core group. */
  group: string;
  version: string;
  /** The plural, lower-case name in URLs, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
  kind: string;
  /** Filled in by discovery; descriptors written by hand may leave these out. */
  singular?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources served, e.g. `status`, `scale`, `log`, `exec`. */
  subresources?: string[];
  /** Whether a CustomResourceDefinition serves it (discovery sets this from the group). */
  custom?: boolean;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
}

/**
 * The path of a collection (no name) or of one object. A namespaced type without a namespace
 * gives the all-namespaces collection; a cluster-scoped type ignores `namespace`.
 */
export function resourcePath(
  type: ResourceType,
  where: { namespace?: string | undefined; name?: string | undefined; subresource?: string | undefined } = {},
): string {
  let path = groupVersionPath(type);
  if (type.namespaced && where.namespace) path += `/namespaces/${encodeURIComponent(where.namespace)}`;
  path += `/${type.resource}`;
  if (where.name !== undefined) path += `/${encodeURIComponent(where.name)}`;
  if (where.subresource) path += `/${where.subresource}`;
  return path;
}

/** A stable key for a type, e.g. `apps/v1/deployments` or `v1/pods`. */
export function typeKey(type: Pick<ResourceType, 'group' | 'version' | 'resource'>): string {
  return `${apiVersionOf(type)}/${type.resource}`;
}

/** Whether the type can be listed and watched (what informers need). */
export function isWatchable(type: ResourceType): boolean {
  return !type.verbs || (type.verbs.includes('list') && type.verbs.includes('watch'));
}

/** Hand-written descriptors for the few core types the stores need before discovery answers. */
export const CORE_TYPES = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' },
  pods: { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' },
  events: { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' },
  nodes: { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' },
} as const satisfies Record<string, ResourceType>;
