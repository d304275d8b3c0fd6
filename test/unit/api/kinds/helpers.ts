import type { KubeObject } from '../../../../embedded-cluster/api/object.js';
import { strategyFor } from '../../../../embedded-cluster/api/kinds/index.js';
import { problemString } from '../../../../embedded-cluster/api/validation/index.js';

/** Default, prepare (with system fields filled) and validate a new object; returns `field: message` strings. */
export function create(
  group: string,
  obj: Record<string, unknown>,
  namespaced = true,
): { obj: KubeObject; problems: string[] } {
  const o = structuredClone(obj) as unknown as KubeObject;
  const kind = o.kind;
  o.metadata ??= {};
  if (namespaced && !o.metadata.namespace) o.metadata.namespace = 'default';
  const s = strategyFor(group, kind, namespaced);
  s.default?.(o);
  o.metadata.uid ??= 'uid-1';
  o.metadata.creationTimestamp ??= '2024-05-01T10:00:00Z';
  s.prepareForCreate?.(o);
  return { obj: o, problems: (s.validate?.(o) ?? []).map(problemString) };
}

/** Default, prepare and validate an update of `old` (already created) to `next`. */
export function update(
  group: string,
  next: Record<string, unknown>,
  old: KubeObject,
): { obj: KubeObject; problems: string[] } {
  const o = structuredClone(next) as unknown as KubeObject;
  const s = strategyFor(group, o.kind);
  o.metadata ??= {};
  o.metadata.namespace ??= old.metadata.namespace;
  o.metadata.uid ??= old.metadata.uid;
  o.metadata.resourceVersion ??= '2';
  o.metadata.creationTimestamp ??= old.metadata.creationTimestamp;
  s.default?.(o);
  s.prepareForUpdate?.(o, old);
  return { obj: o, problems: (s.validateUpdate?.(o, old) ?? []).map(problemString) };
}

export function pod(
  spec: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...meta }, spec };
}

export const container = (extra: Record<string, unknown> = {}) => ({
  name: 'main',
  image: 'busybox',
  ...extra,
});
