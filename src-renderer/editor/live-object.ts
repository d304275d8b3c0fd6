import { stringify } from 'yaml';
import type { KubeObject } from '../kube/index.js';
import { groupFromRoute } from '../routes.js';
import { YAML_OPTIONS } from './deprecations/index.js';

/** The object a `?from=` details path names. */
export interface LiveRef {
  cluster: string;
  apiVersion: string;
  resource: string;
  namespace?: string;
  name: string;
}

/**
 * The object named by a details route path (`/c/<cluster>/r/<group>/<version>/<resource>/<ns>/<name>`,
 * group `core` for the core group, ns `_` when cluster-scoped; see routes.ts), or undefined when
 * the path is not one. A leading `#` is allowed, so a whole hash URL works too.
 */
export function parseDetailsPath(path: string): LiveRef | undefined {
  const m = /^#?\/c\/([^/]+)\/r\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/?#]+)/.exec(path);
  if (!m) return undefined;
  const [, cluster, group, version, resource, namespace, name] = m.map((p) => decodeURIComponent(p ?? ''));
  const g = groupFromRoute(group!);
  return {
    cluster: cluster!,
    apiVersion: g ? `${g}/${version!}` : version!,
    resource: resource!,
    ...(namespace && namespace !== '_' ? { namespace } : {}),
    name: name!,
  };
}

/** A live object for editing: everything but `managedFields` (the buffer keeps resourceVersion for the PUT). */
export function editableYaml(object: KubeObject): string {
  const { managedFields: _managedFields, ...metadata } = object.metadata as Record<string, unknown>;
  return toYaml({ ...object, metadata });
}

/**
 * A live object as the Diff compares it with the buffer: without what only the server writes
 * (managedFields, status, resourceVersion, uid, creationTimestamp, generation), which the
 * buffer would never contain, so the diff shows what applying would change.
 */
export function comparableYaml(object: KubeObject): string {
  return toYaml(comparableObject(object));
}

/** {@link comparableYaml}'s object. */
export function comparableObject(object: KubeObject): KubeObject {
  const { status: _status, ...rest } = object as KubeObject & { status?: unknown };
  const {
    managedFields: _mf,
    resourceVersion: _rv,
    uid: _uid,
    creationTimestamp: _ct,
    generation: _g,
    selfLink: _sl,
    ...metadata
  } = object.metadata as Record<string, unknown>;
  return { ...rest, metadata } as KubeObject;
}

/** YAML as the editor shows objects: 2-space indent, no folding of long lines, YAML 1.1 quoting. */
export function toYaml(value: unknown): string {
  return stringify(value, { ...YAML_OPTIONS, indent: 2, lineWidth: 0 });
}
