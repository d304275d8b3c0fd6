/**
 * The few pieces of Go formatting that Kubernetes' selector error messages are
 * built from, so that our messages match the API server's byte for byte:
 * `strconv.Quote` (`%q`), `field.Error.Error()` and `utilerrors.Aggregate`.
 *
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/field/errors.go
 */

import { goQuote } from '../validation/format.js';

/** Go's `strconv.Quote`, shared with the validation messages. */
export { goQuote };

/** How Go's `%#v` / `%q` show a bad value inside a field error. */
function goValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    // `%#v` of a []string: `[]string{"a", "b"}`; a nil slice prints as `[]string(nil)`.
    return `[]string{${value.map((v) => goQuote(String(v))).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** The Go type of a `field.Error`, as `ErrorType.String()` words it. */
export type GoFieldErrorType = 'Invalid value' | 'Unsupported value' | 'Required value' | 'Forbidden';

/**
 * `field.Error.Error()`: `<path>: <type>: <value>: <detail>`. A nil path prints
 * as `<nil>`, which is what `labels.Parse` produces for a bad key.
 */
export function fieldErrorString(
  path: string | null,
  type: GoFieldErrorType,
  value: unknown,
  detail: string,
  nilSlice = false,
): string {
  let body: string = type;
  if (type === 'Invalid value' || type === 'Unsupported value') {
    body += `: ${nilSlice ? '[]string(nil)' : goValue(value)}`;
  }
  if (detail) body += `: ${detail}`;
  return `${path ?? '<nil>'}: ${body}`;
}

/** `utilerrors.NewAggregate(errs).Error()`: one message alone, several as `[a, b]` without repeats. */
export function aggregate(messages: readonly string[]): string {
  const seen: string[] = [];
  for (const m of messages) if (!seen.includes(m)) seen.push(m);
  if (seen.length === 1) return seen[0]!;
  return `[${seen.join(', ')}]`;
}

/** Compare strings as Go does (`sort.Strings`): by UTF-8 bytes, which for our inputs is code-unit order. */
export function goCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
