import type { LabelSelector as LabelSelectorObject } from 'kubernetes-types/meta/v1.js';
import type { FieldProblem } from '../catalog.js';
import { errors } from '../errors.js';
import { goCompare, goQuote } from './go-format.js';
import { parseLabelRequirements } from './label-parser.js';
import {
  newRequirement,
  requirementMatches,
  requirementString,
  SelectorError,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirement.js';
import { labelValueErrors, qualifiedNameErrors } from './label-validation.js';

export type { LabelRequirement, LabelOperator };
export { SelectorError };

/**
 * A label selector: requirements that must all hold (`labels.Selector`).
 * `nothing` is the selector a nil `metav1.LabelSelector` stands for, which
 * matches no object at all.
 *
 * @example
 *   parseLabelSelector('app=web,tier in (front,back)').matches({ app: 'web', tier: 'front' }) // true
 */
export class LabelSelector {
  private constructor(
    readonly requirements: readonly LabelRequirement[],
    readonly nothing: boolean,
  ) {}

  /** Requirements sorted by key, as `Selector.Add` keeps them. */
  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    return new LabelSelector(
      [...requirements].sort((a, b) => goCompare(a.key, b.key)),
      false,
    );
  }

  static readonly everything = new LabelSelector([], false);
  static readonly nothing = new LabelSelector([], true);

  /** Whether every requirement holds for `labels` (missing labels count as absent). */
  matches(labels: Readonly<Record<string, string>> | null | undefined): boolean {
    if (this.nothing) return false;
    const set = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, set));
  }

  /** Whether the selector selects everything (the nothing-selector is not empty). */
  empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  /** The canonical string form, e.g. `app=web,tier in (back,front)`. */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }

  /** The single value the selector requires for `key` (`=`, `==` or a one-value `in`), if any. */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((req) => req.key === key);
    if (!r) return undefined;
    const exact = r.operator === '=' || r.operator === '==' || r.operator === 'in';
    return exact && r.values.length === 1 ? r.values[0] : undefined;
  }
}

/**
 * Parse `?labelSelector=` as the API server does. A malformed selector is a
 * 400 BadRequest with Kubernetes' message, e.g. for `a b`: `unable to parse
 * requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt`. An empty
 * string selects everything.
 */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    return LabelSelector.of(parseLabelRequirements(text));
  } catch (e) {
    if (e instanceof SelectorError) throw errors.badRequest(e.message);
    throw e;
  }
}

/** `labels.SelectorFromSet`: `k=v` for every entry, unvalidated. */
export function selectorFromSet(set: Readonly<Record<string, string>> | null | undefined): LabelSelector {
  return LabelSelector.of(
    Object.entries(set ?? {}).map(([key, value]): LabelRequirement => ({
      key,
      operator: '=',
      values: [value],
    })),
  );
}

const OBJECT_OPERATORS: ReadonlyMap<string, LabelOperator> = new Map([
  ['In', 'in'],
  ['NotIn', 'notin'],
  ['Exists', 'exists'],
  ['DoesNotExist', '!'],
]);

/**
 * `metav1.LabelSelectorAsSelector`: nil selects nothing, `{}` everything.
 * Throws a {@link SelectorError} with Kubernetes' message for a bad key,
 * value or operator (validation normally rejects those first).
 */
export function labelSelectorFromObject(selector: LabelSelectorObject | null | undefined): LabelSelector {
  if (!selector) return LabelSelector.nothing;
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (matchLabels.length + expressions.length === 0) return LabelSelector.everything;
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of matchLabels) requirements.push(newRequirement(key, '=', [value]));
  for (const expr of expressions) {
    const operator = String(expr?.operator ?? '');
    const op = OBJECT_OPERATORS.get(operator);
    if (!op) throw new SelectorError(`${goQuote(operator)} is not a valid label selector operator`);
    requirements.push(newRequirement(expr.key, op, expr.values ?? [], expr.values == null));
  }
  return LabelSelector.of(requirements);
}

/**
 * `metav1validation.ValidateLabelSelector` (label values checked, as for new
 * objects): problems under `path`, e.g. `spec.selector.matchExpressions[0].values`.
 */
export function validateLabelSelector(
  selector: LabelSelectorObject | null | undefined,
  path: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!selector) return problems;
  const labelsPath = `${path}.matchLabels`;
  for (const key of Object.keys(selector.matchLabels ?? {}).sort(goCompare)) {
    for (const detail of qualifiedNameErrors(key)) {
      problems.push({ type: 'Invalid', field: labelsPath, value: key, detail });
    }
    const value = selector.matchLabels![key]!;
    for (const detail of labelValueErrors(value)) {
      problems.push({ type: 'Invalid', field: labelsPath, value, detail });
    }
  }
  (Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).forEach((expr, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = Array.isArray(expr.values) ? expr.values : [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          problems.push({
            type: 'Required',
            field: `${at}.values`,
            detail: "must be specified when `operator` is 'In' or 'NotIn'",
          });
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          problems.push({
            type: 'Forbidden',
            field: `${at}.values`,
            detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          });
        }
        break;
      default:
        problems.push({
          type: 'Invalid',
          field: `${at}.operator`,
          value: expr.operator,
          detail: 'not a valid selector operator',
        });
    }
    for (const detail of qualifiedNameErrors(expr.key ?? '')) {
      problems.push({ type: 'Invalid', field: `${at}.key`, value: expr.key, detail });
    }
    values.forEach((value, j) => {
      for (const detail of labelValueErrors(value)) {
        problems.push({ type: 'Invalid', field: `${at}.values[${j}]`, value, detail });
      }
    });
  });
  return problems;
}

/** `metav1.FormatLabelSelector`: the string form, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(selector: LabelSelectorObject | null | undefined): string {
  let text: string;
  try {
    text = labelSelectorFromObject(selector).toString();
  } catch {
    return '<error>';
  }
  return text === '' ? '<none>' : text;
}

/** `labels.FormatLabels`: `k=v` pairs sorted by key, `<none>` when there are none. */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const text = Object.keys(labels ?? {})
    .sort(goCompare)
    .map((k) => `${k}=${labels![k]}`)
    .join(',');
  return text === '' ? '<none>' : text;
}
