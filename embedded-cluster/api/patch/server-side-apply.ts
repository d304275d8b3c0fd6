/**
 * Server-side apply (`application/apply-patch+yaml`): the applied
 * configuration becomes exactly what its manager owns.
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/
 * https://github.com/kubernetes-sigs/structured-merge-diff/blob/master/merge/update.go (Updater.Apply, prune)
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/managedfields/internal/ (structuredmerge.go,
 *   lastappliedmanager.go, lastappliedupdater.go, managedfieldsupdater.go)
 *
 * - The configuration is merged into the live object by the schema: keyed
 *   lists (`x-kubernetes-list-type: map`, or a patch merge key) item by item,
 *   sets by value, atomic lists and maps whole.
 * - Fields the manager applied last time and no longer specifies are removed,
 *   unless another manager owns them.
 * - Changing a field another manager owns is a conflict (409) unless `force`,
 *   which moves the field to the applier. Applying the same value shares it.
 * - `kubectl` upgrading from client-side apply: conflicts on fields whose value
 *   still matches the `kubectl.kubernetes.io/last-applied-configuration`
 *   annotation are forced, and that annotation is kept in step.
 */
import type { KubeObject } from '../object.js';
import { errors } from '../errors.js';
import type { Definitions } from '../openapi/schema.js';
import { clone, deepEqual, goJson, isObject, type JsonObject, type JsonValue } from './json-value.js';
import type { FieldSet } from './fieldpath.js';
import {
  capUpdateManagers,
  conflictError,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  managerIdentity,
  type Managed,
  type ManagedFieldsEntry,
  type VersionedSet,
} from './managed-fields.js';
import { unknownServerError } from './patch-errors.js';
import { TypeResolver, type TypeRef } from './typed-schema.js';
import {
  compare,
  ensureNamedFieldsAreMembers,
  merge,
  removeItems,
  toFieldSet,
  TypedValueError,
  validate,
} from './typed-walk.js';
import { ConflictsError, fieldSetOf, strippedFields, updateOwnership, withGoZeroFields } from './updater.js';
import { withoutManagedFields } from './update-managed-fields.js';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ApplyOptions {
  /** The stored object, or undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration, decoded from the request body. */
  applied: unknown;
  /** `fieldManager` (required for apply; see `validatePatchOptions`). */
  manager: string;
  force?: boolean | undefined;
  definitions: Definitions;
  /** OpenAPI definition of the kind; undefined (or unknown) types the object by its values. */
  definition: string | undefined;
  /** The request's group/version; defaults to the live object's. */
  apiVersion?: string | undefined;
  subresource?: string | undefined;
  /** Fields the strategy resets for this (sub)resource, from `resetFieldsFor`. */
  resetFields?: readonly (readonly string[])[] | undefined;
  time?: Date | string | undefined;
}

export interface ApplyResult {
  /** The object to store, `metadata.managedFields` included (absent when empty). */
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
  /** Whether anything but managedFields changed (an unchanged apply keeps its manager's old time). */
  changed: boolean;
}

/**
 * Apply `applied` on behalf of `manager`. Throws a `StatusError`: 400 for a
 * wrong apiVersion or managedFields in the configuration, 409 Conflict worded
 * as Kubernetes words it, 500 for a configuration the schema cannot type
 * (`failed to create typed patch object (…): .spec.foo: field not declared in schema`).
 */
export function applyPatch(options: ApplyOptions): ApplyResult {
  const { live, manager, subresource } = options;
  const applied = options.applied;
  if (!isObject(applied))
    throw errors.badRequest('error decoding patch: the applied configuration is not an object');
  const specified = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  const expected = options.apiVersion ?? live?.apiVersion ?? specified;
  if (specified !== expected) {
    throw errors.badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${specified}, expected: ${expected}`,
    );
  }
  const meta = isObject(applied.metadata) ? applied.metadata : {};
  if (meta.managedFields !== undefined && meta.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }

  let managed: Managed;
  try {
    managed = decodeManagedFields(live?.metadata.managedFields);
  } catch (err) {
    throw unknownServerError(`failed to decode managed fields: ${(err as Error).message}`);
  }

  const type = new TypeResolver(options.definitions).root(options.definition);
  try {
    validate(applied, type);
  } catch (err) {
    if (!(err instanceof TypedValueError)) throw err;
    throw unknownServerError(
      `failed to create typed patch object (${describeObject(applied)}): ${err.message}`,
    );
  }

  const liveValue: JsonValue = live ? withoutManagedFields(live) : withGoZeroFields({}, type);
  const identity = managerIdentity({ manager, operation: 'Apply', ...(subresource ? { subresource } : {}) });
  const context: ApplyContext = {
    type,
    liveValue,
    applied,
    identity,
    apiVersion: expected,
    ignored: fieldSetOf(options.resetFields ?? []),
  };

  let outcome: Outcome;
  try {
    outcome = runApply(context, managed, options.force ?? false);
  } catch (err) {
    if (!(err instanceof ConflictsError)) throw err;
    const allowed =
      manager === 'kubectl' && live ? allowedByLastApplied(live, liveValue, type, expected) : undefined;
    const remaining = allowed ? err.conflicts.filter((c) => !allowed.has(c.path)) : err.conflicts;
    if (remaining.length > 0) throw conflictError(remaining);
    outcome = runApply(context, managed, true);
  }

  const mergeChanged = !deepEqual(liveValue, outcome.merged);
  if (mergeChanged) outcome.managed.times.set(identity, formatTime(options.time ?? new Date()));
  const managedFields = encodeManagedFields(capUpdateManagers(outcome.managed));

  const object = inTypeOrder(
    mergeChanged ? dropNulls(outcome.merged) : (clone(live ?? outcome.merged) as JsonValue),
  ) as KubeObject;
  object.metadata = { ...(isObject(object.metadata) ? object.metadata : {}) };
  if (manager === 'kubectl' && live && hasLastApplied(live)) {
    object.metadata.annotations = {
      ...object.metadata.annotations,
      [lastAppliedAnnotation]: lastAppliedOf(applied),
    };
  }
  if (managedFields.length > 0) object.metadata.managedFields = managedFields;
  else delete object.metadata.managedFields;
  const changed = mergeChanged || !deepEqual(withoutManagedFields(object), liveValue);
  return { object, managedFields, changed };
}

interface ApplyContext {
  type: TypeRef;
  liveValue: JsonValue;
  applied: JsonObject;
  identity: string;
  apiVersion: string;
  ignored: FieldSet;
}

interface Outcome {
  merged: JsonValue;
  managed: Managed;
}

/** `Updater.Apply`: merge, record the applied set, prune what it stopped applying, move ownership. */
function runApply(ctx: ApplyContext, managed: Managed, force: boolean): Outcome {
  const { type, liveValue, applied, identity, ignored } = ctx;
  const merged = merge(liveValue, applied, type) ?? {};
  const fields = new Map(managed.fields);
  const lastSet = fields.get(identity);
  const appliedSet = toFieldSet(applied, type).recursiveDifference(ignored);
  fields.set(identity, { set: appliedSet, apiVersion: ctx.apiVersion, applied: true });
  const pruned = prune(merged, fields, lastSet?.set.recursiveDifference(ignored), type);
  const updated = updateOwnership(compare(liveValue, pruned, type), fields, identity, force, ignored);
  const mine = updated.get(identity);
  if (mine) {
    const stripped = mine.set.difference(strippedFields);
    if (stripped.empty()) updated.delete(identity);
    else updated.set(identity, { ...mine, set: stripped });
  }
  return { merged: pruned, managed: { fields: updated, times: new Map(managed.times) } };
}

/**
 * `prune`: remove what the applier owned last time, except what any manager
 * (the applier's new configuration included) owns now, and except what the
 * applier never owned (fields set by updaters or defaulting).
 */
function prune(
  merged: JsonValue,
  managers: Map<string, VersionedSet>,
  lastSet: FieldSet | undefined,
  type: TypeRef,
): JsonValue {
  if (!lastSet || lastSet.empty()) return merged;
  const named = (set: FieldSet) => ensureNamedFieldsAreMembers(set, type);
  const last = named(lastSet);
  const firstPass = removeItems(merged, last, type) ?? {};
  let owned: FieldSet | undefined;
  for (const vs of managers.values()) owned = owned ? owned.union(vs.set) : vs.set;
  const mergedSet = named(toFieldSet(merged, type));
  const keep = named(toFieldSet(firstPass, type)).union(named(owned!));
  const ownedBack = removeItems(merged, mergedSet.difference(keep), type) ?? {};
  const removable = mergedSet.difference(named(toFieldSet(ownedBack, type))).intersection(last);
  return removeItems(merged, removable, type) ?? {};
}

/**
 * `allowedConflictsFromLastApplied`: the fields of the client-side apply
 * annotation whose values the live object still has.
 */
function allowedByLastApplied(
  live: KubeObject,
  liveValue: JsonValue,
  type: TypeRef,
  apiVersion: string,
): FieldSet | undefined {
  const text = live.metadata.annotations?.[lastAppliedAnnotation];
  if (!text) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  try {
    validate(lastApplied, type);
  } catch {
    return undefined;
  }
  const c = compare(lastApplied, liveValue, type);
  return toFieldSet(lastApplied, type).difference(c.modified).difference(c.added).difference(c.removed);
}

function hasLastApplied(obj: KubeObject): boolean {
  return Boolean(obj.metadata.annotations?.[lastAppliedAnnotation]);
}

/** `buildLastApplied`: the configuration without the annotation, as Go's encoder writes it (with a newline). */
function lastAppliedOf(applied: JsonObject): string {
  const copy = clone(applied);
  if (isObject(copy.metadata) && isObject(copy.metadata.annotations)) {
    delete copy.metadata.annotations[lastAppliedAnnotation];
  }
  return `${goJson(copy)}\n`;
}

/** `objectGVKNN`: `namespace/name; group/version, Kind=Kind`. */
function describeObject(obj: JsonObject): string {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  return `${namespace}/${name}; ${gv}, Kind=${kind}`;
}

/** Top-level keys in the order Go types declare them: apiVersion, kind, metadata, then the rest. */
function inTypeOrder(value: JsonValue): JsonValue {
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const k of ['apiVersion', 'kind', 'metadata']) if (Object.hasOwn(value, k)) out[k] = value[k]!;
  return Object.assign(out, value);
}

/** Typed objects cannot hold `null`: drop null members, as decoding into the Go type does. */
function dropNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
  return out;
}
