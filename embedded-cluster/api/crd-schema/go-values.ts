import { GoSyntax, goQuote } from '../validation/index.js';
import { isObj } from './schema.js';

/**
 * How Go prints the JSON values a custom resource decodes to, so that
 * messages carry them byte for byte: `%v` of a float64 (`1.5`, `1e+06`), `%#v`
 * of an `interface{}` (`map[string]interface {}{"a":1}`), and a `field.Error`'s
 * bad value (`ErrorBody`: strings quoted, nil as `"null"`, numbers bare).
 */

/**
 * `fmt.Sprint(float64)`: `strconv.FormatFloat(x, 'g', -1, 64)`, the shortest
 * digits, in `%e` form when the exponent is < -4 or >= 6 (`1e+06`, `1.5e-05`).
 */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, e] = x.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6)
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

/** A number as Go prints the decoded value: int64 bare, float64 with `%v`. */
export function goNumber(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 2 ** 63 ? String(x) : goFloat(x);
}

/** `%#v` of a decoded JSON value held in an `interface{}`. */
export function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  if (isObj(v)) {
    const keys = Object.keys(v).sort();
    return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${goSharpV(v[k])}`).join(', ')}}`;
  }
  return String(v);
}

/**
 * A bad value for a `FieldProblem`, so that `formatProblem` prints it as
 * `field.Error.ErrorBody` does: nil becomes the string `"null"`, floats use
 * `%v`, maps and slices `%#v`.
 */
export function badValue(v: unknown): unknown {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return new GoSyntax(goNumber(v));
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof GoSyntax) return v;
  return new GoSyntax(goSharpV(v));
}
