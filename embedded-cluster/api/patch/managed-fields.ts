/**
 * `metadata.managedFields` on the wire and in memory: one field set per
 * manager identity (manager, operation, apiVersion for updates, subresource),
 * decoded, capped and encoded as the apiserver does.
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/managedfields/internal/managedfields.go
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/managedfields/internal/capmanagers.go
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/managedfields/internal/conflict.go
 */
import type { ManagedFieldsEntry, StatusCause } from 'kubernetes-types/meta/v1.js';
import type { StatusError } from '../errors.js';
import { compareStrings, goQuote, isObject } from './json-value.js';
import { FieldSet, pathString, type Path } from './fieldpath.js';
import { fromFieldsV1, toFieldsV1 } from './fields-v1.js';
import { applyConflict } from './patch-errors.js';

export type { ManagedFieldsEntry };

/** One manager's fields, at the API version it used. */
export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  /** Whether the manager owns these fields through apply. */
  applied: boolean;
}

/** Field sets and timestamps keyed by manager identity (see {@link managerIdentity}). */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export interface ManagerInfo {
  manager: string;
  operation: 'Apply' | 'Update';
  /** Only part of the identity of `Update` managers. */
  apiVersion?: string;
  subresource?: string;
}

/**
 * `BuildManagerIdentifier`: the JSON of the entry without time and fields, and
 * without apiVersion for appliers (so an applier keeps one entry across versions).
 */
export function managerIdentity(info: ManagerInfo): string {
  const id: Record<string, string> = { manager: info.manager, operation: info.operation };
  if (info.operation === 'Update' && info.apiVersion) id.apiVersion = info.apiVersion;
  if (info.subresource) id.subresource = info.subresource;
  if (!info.manager) delete id.manager;
  return JSON.stringify(id);
}

export function parseIdentity(identity: string): ManagerInfo {
  const parsed = JSON.parse(identity) as Partial<ManagerInfo>;
  return {
    manager: parsed.manager ?? '',
    operation: parsed.operation === 'Apply' ? 'Apply' : 'Update',
    ...(parsed.apiVersion ? { apiVersion: parsed.apiVersion } : {}),
    ...(parsed.subresource ? { subresource: parsed.subresource } : {}),
  };
}

/** A copy of `managed` that can be changed without touching the original. */
export function copyManaged(managed: Managed): Managed {
  return { fields: new Map(managed.fields), times: new Map(managed.times) };
}

/**
 * `DecodeManagedFields`: throws an `Error` (worded as upstream) on an entry
 * with a bad operation, no apiVersion, a fieldsType other than FieldsV1, or
 * unreadable fields. Later entries with the same identity win.
 */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  const managed: Managed = { fields: new Map(), times: new Map() };
  for (const [i, entry] of (entries ?? []).entries()) {
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      throw new Error('operation must be `Apply` or `Update`');
    }
    if (!entry.apiVersion) throw new Error('apiVersion must not be empty');
    if (entry.fieldsType !== 'FieldsV1') {
      throw new Error(
        entry.fieldsType
          ? `invalid fieldsType ${goQuote(entry.fieldsType)} in managed fields entry ${i}`
          : `missing fieldsType in managed fields entry ${i}`,
      );
    }
    const identity = managerIdentity({
      manager: entry.manager ?? '',
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      ...(entry.subresource ? { subresource: entry.subresource } : {}),
    });
    const set = isObject(entry.fieldsV1) ? fromFieldsV1(entry.fieldsV1) : new FieldSet();
    managed.fields.set(identity, { set, apiVersion: entry.apiVersion, applied: entry.operation === 'Apply' });
    managed.times.set(identity, entry.time);
  }
  return managed;
}

/** `encodeManagedFields`: entries in upstream's order; empty sets are dropped. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const [identity, vs] of managed.fields) {
    if (vs.set.empty()) continue;
    const info = parseIdentity(identity);
    const time = managed.times.get(identity);
    out.push({
      manager: info.manager,
      operation: vs.applied ? 'Apply' : 'Update',
      apiVersion: vs.apiVersion,
      ...(time ? { time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(vs.set),
      ...(info.subresource ? { subresource: info.subresource } : {}),
    });
  }
  return out.sort(compareEntries);
}

const seconds = (t: string | undefined) => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** `sortEncodedManagedFields`: Apply before Update, then oldest first, then by name, version, subresource. */
function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  return (
    compareStrings(p.operation ?? '', q.operation ?? '') ||
    seconds(p.time) - seconds(q.time) ||
    compareStrings(p.manager ?? '', q.manager ?? '') ||
    compareStrings(p.apiVersion ?? '', q.apiVersion ?? '') ||
    compareStrings(p.subresource ?? '', q.subresource ?? '')
  );
}

/** `metav1.Time` on the wire: RFC 3339 in UTC, whole seconds. */
export function formatTime(time: Date | string): string {
  return new Date(time).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** `DefaultMaxUpdateManagers` in fieldmanager.go. */
export const maxUpdateManagers = 10;
const ancientChanges = 'ancient-changes';

/**
 * `capUpdateManagers`: past 10 update entries, the oldest are merged into one
 * `ancient-changes` entry per API version.
 */
export function capUpdateManagers(managed: Managed, max = maxUpdateManagers): Managed {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= max) return managed;
  updaters.sort(
    (a, b) => seconds(managed.times.get(a)) - seconds(managed.times.get(b)) || compareStrings(a, b),
  );
  const out = copyManaged(managed);
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (const id of updaters) {
    if (length <= max) break;
    const vs = out.fields.get(id)!;
    const bucket = managerIdentity({
      manager: ancientChanges,
      operation: 'Update',
      apiVersion: vs.apiVersion,
    });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!out.fields.has(bucket)) {
      out.fields.set(bucket, out.fields.get(first)!);
      out.fields.delete(first);
      out.times.delete(first);
    }
    out.fields.set(bucket, { ...vs, set: vs.set.union(out.fields.get(bucket)!.set) });
    out.fields.delete(id);
    out.times.set(bucket, out.times.get(id));
    out.times.delete(id);
    length--;
  }
  return out;
}

/** One conflicting field and the manager that owns it. */
export interface Conflict {
  manager: string;
  path: Path;
}

/** `printManager`: `"kubectl"`, or `"kube-controller-manager" using apps/v1` for updaters. */
export function describeManager(identity: string): string {
  const info = parseIdentity(identity);
  let text = goQuote(info.manager);
  if (info.subresource) text += ` with subresource ${goQuote(info.subresource)}`;
  if (info.operation === 'Update') text += ` using ${info.apiVersion ?? ''}`;
  return text;
}

/**
 * `NewConflictError`: 409 Conflict, `Apply failed with 1 conflict: conflict with
 * "kubectl-edit" using apps/v1: .spec.replicas`, one `FieldManagerConflict`
 * cause per field.
 */
export function conflictError(conflicts: readonly Conflict[]): StatusError {
  const sorted = [...conflicts].sort((a, b) => compareStrings(a.manager, b.manager));
  const causes: StatusCause[] = sorted.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (sorted.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(sorted[0]!.manager)}: ${pathString(sorted[0]!.path)}`;
  } else {
    const lines: string[] = [];
    let current: string | undefined;
    for (const c of sorted) {
      if (c.manager !== current) {
        current = c.manager;
        lines.push(`conflicts with ${describeManager(c.manager)}:`);
      }
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`;
  }
  return applyConflict(message, causes);
}
