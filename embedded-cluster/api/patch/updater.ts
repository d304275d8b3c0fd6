/**
 * The ownership bookkeeping shared by apply and update, after
 * sigs.k8s.io/structured-merge-diff/merge/update.go (`Updater.update`) and the
 * apiserver's field manager chain (stripmeta.go, the reset-fields filter).
 *
 * Given what changed between the live and the new object, every manager other
 * than the one writing loses the fields that were removed, and the fields that
 * were added or modified; for an applier those are conflicts unless `force`.
 */
import { isObject, type JsonObject, type JsonValue } from './json-value.js';
import { fieldElement, FieldSet, type Path } from './fieldpath.js';
import type { Conflict, VersionedSet } from './managed-fields.js';
import type { TypeRef } from './typed-schema.js';
import type { Comparison } from './typed-walk.js';

/** Thrown by {@link updateOwnership} when an applier would take fields from others without `force`. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
    this.name = 'ConflictsError';
  }
}

/**
 * Move ownership after a change: others lose removed fields, and changed ones
 * (which are conflicts unless `force`). Managers left with nothing are dropped.
 * `ignored` fields (the resource's reset fields) never move.
 */
export function updateOwnership(
  comparison: Comparison,
  managers: Map<string, VersionedSet>,
  workflow: string,
  force: boolean,
  ignored: FieldSet,
): Map<string, VersionedSet> {
  const changed = comparison.modified.union(comparison.added).recursiveDifference(ignored);
  const removed = comparison.removed.recursiveDifference(ignored);
  const conflicts: [string, FieldSet][] = [];
  for (const [manager, vs] of managers) {
    if (manager === workflow) continue;
    const overlap = vs.set.intersection(changed);
    if (!overlap.empty()) conflicts.push([manager, overlap]);
  }
  if (!force && conflicts.length > 0) {
    throw new ConflictsError(
      conflicts.flatMap(([manager, set]) => set.paths().map((path) => ({ manager, path }))),
    );
  }
  const out = new Map(managers);
  for (const [manager, overlap] of conflicts) {
    const vs = out.get(manager)!;
    out.set(manager, { ...vs, set: vs.set.difference(overlap) });
  }
  if (!removed.empty()) {
    for (const [manager, vs] of out) {
      if (manager !== workflow) out.set(manager, { ...vs, set: vs.set.difference(removed) });
    }
  }
  for (const [manager, vs] of out) if (vs.set.empty()) out.delete(manager);
  return out;
}

const path = (...names: string[]): Path => names.map(fieldElement);

/**
 * `stripMetaManager`: paths never kept in the writer's set (exact paths, not
 * their children): apiVersion, kind, metadata itself and its system fields.
 */
export const strippedFields = FieldSet.of(
  path('apiVersion'),
  path('kind'),
  path('metadata'),
  path('metadata', 'name'),
  path('metadata', 'namespace'),
  path('metadata', 'creationTimestamp'),
  path('metadata', 'selfLink'),
  path('metadata', 'uid'),
  path('metadata', 'clusterName'),
  path('metadata', 'generation'),
  path('metadata', 'managedFields'),
  path('metadata', 'resourceVersion'),
);

/** A set of field paths given as field names, e.g. `[['status'], ['metadata', 'labels']]`. */
export function fieldSetOf(paths: readonly (readonly string[])[]): FieldSet {
  return FieldSet.of(...paths.map((p) => path(...p)));
}

/**
 * Struct fields a Go object always carries even when empty (non-pointer
 * structs) and lists it always carries as `null` (fields without omitempty).
 * Kubernetes compares against the zero-valued Go object on create and against
 * typed objects on update, so these never appear or vanish as a whole; JSON
 * from our store may lack them. Filling them in before a comparison makes the
 * `"."` entries of update managers match a real cluster's.
 */
const alwaysPresentStructs = new Set([
  'metadata',
  'spec',
  'status',
  'template',
  'jobTemplate',
  'strategy',
  'updateStrategy',
]);
const alwaysPresentLists = new Set(['containers', 'rules']);

/** A copy of `value` with the always-present struct fields (and null lists) of its Go type filled in. */
export function withGoZeroFields(value: JsonValue, type: TypeRef): JsonValue {
  if (!isObject(value) || type.kind !== 'map' || type.atomic) return value;
  const out: JsonObject = { ...value };
  for (const name of alwaysPresentStructs) {
    if (!type.isNamed(name)) continue;
    const ft = type.field(name);
    if (ft?.kind !== 'map' || ft.atomic) continue;
    const current = out[name];
    if (current === undefined || current === null) out[name] = withGoZeroFields({}, ft);
    else out[name] = withGoZeroFields(current, ft);
  }
  for (const name of alwaysPresentLists) {
    if (type.isNamed(name) && type.field(name)?.kind === 'list' && out[name] === undefined) out[name] = null;
  }
  return out;
}
