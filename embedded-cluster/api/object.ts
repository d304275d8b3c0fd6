import type { ObjectMeta as ReadonlyObjectMeta } from 'kubernetes-types/meta/v1.js';

/** `kubernetes-types` marks server-owned fields readonly; the server is the one writing them. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type ObjectMeta = Mutable<ReadonlyObjectMeta>;

/**
 * Any Kubernetes object as the API server handles it: typed metadata, the
 * rest left to the kind's own type (from `kubernetes-types`) where code needs it.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `group/version`, or just `version` for the core group. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Split an apiVersion into group and version (`v1` → core). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
