/**
 * Plain-object helpers for the converters: manifests are JSON-shaped values straight from
 * `yaml`'s `toJS()`, edited in place on a clone, with key order kept so that the text edits
 * {@link ./yaml-edits.ts} derives from them stay small and land where a person would put them.
 */

/** A JSON object: a manifest or any mapping inside one. */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is an object, else undefined. */
export function record(value: unknown): JsonRecord | undefined {
  return isRecord(value) ? value : undefined;
}

/** `value` when it is an array, else an empty one (not attached to anything). */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Whether an object has at least one key. */
export function nonEmpty(value: unknown): value is JsonRecord {
  return isRecord(value) && Object.keys(value).length > 0;
}

/**
 * Set `key` on `target`, placing it just before `before` when `key` is new and `before` is
 * present (so `selector` lands above `template`, as manifests are usually written).
 */
export function setBefore(target: JsonRecord, before: string, key: string, value: unknown): void {
  if (key in target || !(before in target)) {
    target[key] = value;
    return;
  }
  const entries = Object.entries(target);
  for (const k of Object.keys(target)) delete target[k];
  for (const [k, v] of entries) {
    if (k === before) target[key] = value;
    target[k] = v;
  }
}

/** Rename `from` to `to` in place, keeping its position; `value` replaces the old value when given. */
export function renameKey(target: JsonRecord, from: string, to: string, value: unknown = target[from]): void {
  replaceKey(target, from, { [to]: value });
}

/** Replace `key` in place by the entries of `replacement` (none: just remove it), keeping its position. */
export function replaceKey(target: JsonRecord, key: string, replacement: JsonRecord): void {
  if (!(key in target)) return;
  const entries = Object.entries(target);
  for (const k of Object.keys(target)) delete target[k];
  for (const [k, v] of entries) {
    if (k === key) Object.assign(target, replacement);
    else if (!(k in replacement)) target[k] = v;
  }
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
}
