import { goFloat } from './go-values.js';
import { err, IN, Result, type OpenAPIError } from './openapi-result.js';
import type { JSONSchemaProps } from './schema.js';

const MAX_INT64 = 2 ** 63;

/**
 * `numberValidator.Validate`: multipleOf, minimum, maximum. Whole numbers
 * take Go's int64 path, where the bound is truncated to an integer (and
 * printed so); the others compare as float64.
 */
export function validateNumber(s: JSONSchemaProps, n: number, path: string): Result {
  const res = new Result();
  const isInt = Number.isInteger(n) && Math.abs(n) < MAX_INT64;
  const multiple = new Result();
  if (s.multipleOf !== undefined) {
    const factor = s.multipleOf;
    if (isInt && Math.trunc(factor) !== 0) {
      const f = Math.trunc(factor);
      if (f < 0) multiple.addErrors(mustBePositive(path, String(f)));
      else if (n % f !== 0) multiple.addErrors(notMultipleOf(path, String(f), n));
    } else if (factor < 0) {
      multiple.addErrors(mustBePositive(path, goFloat(factor)));
    } else if (!isFloat64AJSONInteger(factor < 1 ? (1 / factor) * n : n / factor)) {
      multiple.addErrors(notMultipleOf(path, goFloat(factor), n));
    }
  }
  const minimum = new Result();
  if (s.minimum !== undefined) {
    const bound = isInt ? Math.trunc(s.minimum) : s.minimum;
    const excl = !!s.exclusiveMinimum;
    if ((!excl && n < bound) || (excl && n <= bound)) {
      const shown = isInt ? String(bound) : goFloat(bound);
      const text = excl ? `should be greater than ${shown}` : `should be greater than or equal to ${shown}`;
      minimum.addErrors(err('min', path, `${path} in ${IN} ${text}`, { value: n }));
    }
  }
  const maximum = new Result();
  if (s.maximum !== undefined) {
    const bound = isInt ? Math.trunc(s.maximum) : s.maximum;
    const excl = !!s.exclusiveMaximum;
    if ((!excl && n > bound) || (excl && n >= bound)) {
      const shown = isInt ? String(bound) : goFloat(bound);
      const text = excl ? `should be less than ${shown}` : `should be less than or equal to ${shown}`;
      maximum.addErrors(err('max', path, `${path} in ${IN} ${text}`, { value: n }));
    }
  }
  res.merge(multiple, minimum, maximum);
  res.inc();
  return res;
}

function mustBePositive(path: string, factor: string): OpenAPIError {
  return err(
    'multipleOfMustBePositive',
    path,
    `factor MultipleOf declared for ${path} must be positive: ${factor}`,
    {
      value: Number(factor),
    },
  );
}

function notMultipleOf(path: string, factor: string, n: number): OpenAPIError {
  return err('multipleOf', path, `${path} in ${IN} should be a multiple of ${factor}`, { value: n });
}

/** go-openapi/swag `IsFloat64AJSONInteger`: compares with the value truncated, within a relative 1e-9. */
function isFloat64AJSONInteger(f: number): boolean {
  if (!Number.isFinite(f) || Math.abs(f) > 2 ** 53) return false;
  const g = Math.trunc(f);
  if (f === g) return true;
  const diff = Math.abs(f - g);
  if (g === 0) return diff < 1e-9 * Number.MIN_VALUE;
  return diff / (Math.abs(f) + Math.abs(g)) < 1e-9;
}
