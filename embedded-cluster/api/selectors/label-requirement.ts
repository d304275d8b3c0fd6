import { aggregate, fieldErrorString, goCompare } from './go-format.js';
import { labelValueErrors, qualifiedNameErrors } from './label-validation.js';

/**
 * One condition of a label selector, as `labels.Requirement` models it
 * (k8s.io/apimachinery/pkg/labels/selector.go). Operators carry the strings of
 * `selection.Operator`.
 */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** As given: `labels.Parse` hands them over sorted and without repeats. */
  readonly values: readonly string[];
}

/** A label selector could not be built; `message` is Kubernetes' own text. */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

/** The operators `labels.NewRequirement` accepts, in Kubernetes' order. */
export const REQUIREMENT_OPERATORS: readonly LabelOperator[] = [
  'in',
  'notin',
  '=',
  '==',
  '!=',
  'gt',
  'lt',
  'exists',
  '!',
];

/**
 * `labels.validateLabelKey`: a field error on `path` (nil prints as `<nil>`,
 * which is what a parsed selector reports), or undefined.
 */
export function labelKeyError(key: string, path: string | null): string | undefined {
  const errs = qualifiedNameErrors(key);
  return errs.length ? fieldErrorString(path, 'Invalid value', key, errs.join('; ')) : undefined;
}

const INT64 = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `strconv.ParseInt(s, 10, 64)`, or undefined when it fails. */
export function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * `labels.NewRequirement`: checks the key, the number of values for the
 * operator and each value, and throws a {@link SelectorError} carrying the
 * aggregate of every problem, worded as Kubernetes words it.
 *
 * `nilValues` says the values came from a nil Go slice (a `metav1.LabelSelector`
 * expression without `values`), which Go prints differently from an empty one.
 */
export function newRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
  nilValues = false,
): LabelRequirement {
  const errs: string[] = [];
  const keyError = labelKeyError(key, 'key');
  if (keyError) errs.push(keyError);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errs.push(
          fieldErrorString(
            'values',
            'Invalid value',
            values,
            "for 'in', 'notin' operators, values set can't be empty",
            nilValues,
          ),
        );
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errs.push(
          fieldErrorString(
            'values',
            'Invalid value',
            values,
            'exact-match compatibility requires one single value',
            nilValues,
          ),
        );
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errs.push(
          fieldErrorString(
            'values',
            'Invalid value',
            values,
            'values set must be empty for exists and does not exist',
          ),
        );
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push(
          fieldErrorString(
            'values',
            'Invalid value',
            values,
            "for 'Gt', 'Lt' operators, exactly one value is required",
            nilValues,
          ),
        );
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(
            fieldErrorString(
              `values[${i}]`,
              'Invalid value',
              v,
              "for 'Gt', 'Lt' operators, the value must be an integer",
            ),
          );
        }
      });
      break;
    default:
      errs.push(
        fieldErrorString(
          'operator',
          'Unsupported value',
          operator,
          `supported values: ${REQUIREMENT_OPERATORS.map((o) => JSON.stringify(o)).join(', ')}`,
        ),
      );
  }
  values.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length) {
      errs.push(fieldErrorString(`values[${i}][${key}]`, 'Invalid value', v, valueErrs.join('; ')));
    }
  });
  if (errs.length) throw new SelectorError(aggregate(errs));
  return { key, operator, values: [...values] };
}

/** `Requirement.Matches`: a missing key satisfies only `!=`, `notin` and `!`. */
export function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0]!);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** `Requirement.String`: `key=v`, `key in (a,b)` (values sorted), `key`, `!key`. */
export function requirementString(r: LabelRequirement): string {
  if (r.operator === '!') return `!${r.key}`;
  if (r.operator === 'exists') return r.key;
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort(goCompare).join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${OPERATOR_TEXT[r.operator]}${set ? `(${values})` : values}`;
}
