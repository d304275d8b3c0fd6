/**
 * JSON values as the patch code handles them, and the few Go formatting rules
 * Kubernetes' error messages leak (`%v` of a `map[string]interface{}`, `%q`).
 *
 * Go prints maps with sorted keys (`map[image:nginx name:web]`), slices as
 * `[a b]`, nil as `<nil>`; see https://pkg.go.dev/fmt. JSON numbers decoded by
 * k8s.io/apimachinery/pkg/util/json are int64 when integral, so they print
 * without a fraction.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of a JSON value (`structuredClone` keeps it plain). */
export function clone<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}

/** Structural equality of two JSON values; `undefined` only equals `undefined`. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** JSON with object keys sorted, as Go's encoding/json writes a `map[string]interface{}`. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort(compareStrings);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Go's encoding/json output for a decoded document: sorted keys and the HTML
 * characters `<`, `>`, `&` (and U+2028/U+2029) escaped as `\u00XX`.
 */
export function goJson(value: unknown): string {
  return sortedJson(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Byte-wise (UTF-8) comparison, as Go's `strings.Compare`. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Go's `%q` of a string: a double-quoted literal with Go escapes. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\u2028|\u2029/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/** Go's `%v` of a value decoded from JSON into `interface{}`. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort(compareStrings);
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(' ')}]`;
  }
  if (typeof value === 'number') return goNumber(value);
  return String(value);
}

/** Go's `%v` of a JSON number (int64 when integral, else float64's shortest form). */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  const text = String(n);
  // Go writes exponents with at least two digits: 1e+21, 1e-07.
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** The JSON kind name Go's decoder uses in `cannot unmarshal X into …`. */
export function goJsonKind(value: unknown): 'object' | 'array' | 'string' | 'number' | 'bool' | 'null' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'number' ? 'number' : 'string';
}
