import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';

/** Kubernetes' RFC 3339 timestamps have whole seconds: `2024-05-01T12:00:00Z`. */
export function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// The alphabet of k8s.io/apimachinery/pkg/util/rand: no vowels, no look-alikes.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` plus five random characters, the prefix cut so the whole fits 63 characters. */
export function generateName(base: string): string {
  const prefix = base.length > 58 ? base.slice(0, 58) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return prefix + suffix;
}

/** Fill what the server owns on create (uid, creationTimestamp, generation), as BeforeCreate does. */
export function prepareMetaForCreate(obj: KubeObject, now: number, hasGeneration: boolean): void {
  const meta = obj.metadata;
  omitEmptyLists(meta);
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (hasGeneration) meta.generation = 1;
  else delete meta.generation;
}

/** Keep what a client may not change on update, as BeforeUpdate does. */
export function preserveMetaOnUpdate(obj: KubeObject, old: KubeObject): void {
  const meta = obj.metadata;
  const before = old.metadata;
  meta.uid = before.uid;
  meta.creationTimestamp = before.creationTimestamp;
  setOrDelete(meta, 'deletionTimestamp', before.deletionTimestamp);
  setOrDelete(meta, 'deletionGracePeriodSeconds', before.deletionGracePeriodSeconds);
  setOrDelete(meta, 'generation', before.generation);
  delete meta.selfLink;
  omitEmptyLists(meta);
}

/**
 * Empty labels, annotations, finalizers and ownerReferences are left out, as Go's `omitempty`
 * leaves them out of what kube-apiserver stores and serves: `ownerReferences: []` reads back absent.
 */
export function omitEmptyLists(meta: KubeObject['metadata']): void {
  for (const key of ['labels', 'annotations'] as const) {
    const value = meta[key];
    if (value !== undefined && (value === null || Object.keys(value).length === 0)) delete meta[key];
  }
  for (const key of ['finalizers', 'ownerReferences'] as const) {
    const value = meta[key];
    if (value !== undefined && (value === null || value.length === 0)) delete meta[key];
  }
}

function setOrDelete<K extends keyof KubeObject['metadata']>(
  meta: KubeObject['metadata'],
  key: K,
  value: KubeObject['metadata'][K] | undefined,
): void {
  if (value === undefined) delete meta[key];
  else meta[key] = value;
}

/** Everything except metadata and status: what a generation counts changes of. */
export function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return stableStringify(rest);
}

/** JSON with object keys sorted, for comparing objects regardless of key order. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
