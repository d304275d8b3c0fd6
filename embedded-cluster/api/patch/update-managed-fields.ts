/**
 * managedFields after a write that is not an apply (create, update, and
 * JSON/merge/strategic patch): the writer takes ownership of every field it
 * changed (on create, of every field it set), and those fields, and any it
 * removed, leave other managers' sets.
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/managedfields/internal/fieldmanager.go (Update, decodeLiveOrNew)
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/managedfields/internal/managedfieldsupdater.go
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/managedfields/internal/skipnonapplied.go
 *
 * Entries are merged per (manager, operation, apiVersion, subresource); the
 * writer's entry gets `time` only when it took fields. A client may send
 * managedFields to replace them (`[]` or `[{}]` resets them); when it sends
 * none, the live ones are kept. An object that exists without managedFields is
 * not tracked until the next apply, as upstream.
 */
import type { KubeObject } from '../object.js';
import type { Definitions } from '../openapi/schema.js';
import { isObject, type JsonObject } from './json-value.js';
import {
  capUpdateManagers,
  copyManaged,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  managerIdentity,
  type Managed,
  type ManagedFieldsEntry,
} from './managed-fields.js';
import { TypeResolver } from './typed-schema.js';
import { compare } from './typed-walk.js';
import { fieldSetOf, strippedFields, updateOwnership, withGoZeroFields } from './updater.js';

export interface UpdateManagedFieldsOptions {
  /** The stored object before the write; undefined for a create. */
  old: KubeObject | undefined;
  /** The object about to be stored, with managedFields as the client sent them. */
  updated: KubeObject;
  /** The field manager (see `managerOrUserAgent`). */
  manager: string;
  operation?: 'Update';
  /** The subresource written through (`status`, `scale`, …), if any. */
  subresource?: string | undefined;
  time: Date | string;
  definitions: Definitions;
  /** OpenAPI definition of the kind; undefined (or unknown) types the object by its values. */
  definition: string | undefined;
  /** Fields the strategy resets for this (sub)resource, from `resetFieldsFor`. */
  resetFields?: readonly (readonly string[])[];
}

/**
 * The managedFields to store with `updated`. An empty list means the object
 * carries none (omit the field). Entries that cannot be decoded are dropped,
 * as upstream's `UpdateNoErrors` does.
 */
export function updateManagedFields(options: UpdateManagedFieldsOptions): ManagedFieldsEntry[] {
  const { old, updated, subresource } = options;
  let managed = decodeLiveOrNew(old, updated, subresource !== undefined);
  if (managed.fields.size === 0 && old !== undefined) return [];

  const type = new TypeResolver(options.definitions, true).root(options.definition);
  const before = withGoZeroFields(withoutManagedFields(old ?? {}), type);
  const after = withGoZeroFields(withoutManagedFields(updated), type);
  const comparison = compare(before, after, type);
  const ignored = fieldSetOf(options.resetFields ?? []);

  const current = 'current-operation';
  const others = updateOwnership(comparison, managed.fields, current, true, ignored);
  const taken = comparison.modified
    .union(comparison.added)
    .difference(comparison.removed)
    .recursiveDifference(ignored)
    .difference(strippedFields);

  managed = { fields: others, times: new Map(managed.times) };
  if (!taken.empty()) {
    const apiVersion = updated.apiVersion;
    const identity = managerIdentity({
      manager: options.manager,
      operation: 'Update',
      apiVersion,
      ...(subresource ? { subresource } : {}),
    });
    const previous = managed.fields.get(identity);
    managed.fields.set(identity, {
      set: previous ? taken.union(previous.set) : taken,
      apiVersion,
      applied: false,
    });
    managed.times.set(identity, formatTime(options.time));
  }
  return encodeManagedFields(capUpdateManagers(managed));
}

/** `decodeLiveOrNew`: the request's managedFields if it sent any (and not through a subresource), else the live ones. */
function decodeLiveOrNew(old: KubeObject | undefined, updated: KubeObject, subresource: boolean): Managed {
  const live = () => decodeOrEmpty(old?.metadata.managedFields);
  if (subresource) return live();
  const sent = updated.metadata.managedFields;
  if (isReset(sent)) return { fields: new Map(), times: new Map() };
  const decoded = decodeOrEmpty(sent);
  return decoded.fields.size > 0 ? copyManaged(decoded) : live();
}

function decodeOrEmpty(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  try {
    return decodeManagedFields(entries);
  } catch {
    return { fields: new Map(), times: new Map() };
  }
}

/** `isResetManagedFields`: `[]`, or a single empty entry. */
function isReset(entries: readonly ManagedFieldsEntry[] | undefined): boolean {
  if (entries === undefined || entries === null) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && isObject(entries[0]) && Object.keys(entries[0]).length === 0;
}

/** The object as a JSON value without `metadata.managedFields`. */
export function withoutManagedFields(obj: object): JsonObject {
  const copy = { ...(obj as JsonObject) };
  if (isObject(copy.metadata) && 'managedFields' in copy.metadata) {
    const { managedFields: _dropped, ...metadata } = copy.metadata;
    copy.metadata = metadata;
  }
  return copy;
}
