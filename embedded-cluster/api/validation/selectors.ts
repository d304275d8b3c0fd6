import type { FieldProblem } from '../catalog.js';
import { goQuote } from './format.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import {
  arr,
  child,
  forbidden,
  GoSyntax,
  index,
  invalid,
  isObj,
  obj,
  required,
  str,
  type Obj,
} from './problems.js';

/**
 * Labels and label selectors, after k8s.io/apimachinery/pkg/apis/meta/v1/validation
 * (ValidateLabels, ValidateLabelSelector) and k8s.io/apimachinery/pkg/labels
 * (selector matching).
 */

export function validateLabelName(name: string, fldPath: string): FieldProblem[] {
  return isQualifiedName(name).map((msg) => invalid(fldPath, name, msg));
}

/** Every key a qualified name, every value a label value; reported on the map's own path as Kubernetes does. */
export function validateLabels(labels: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!isObj(labels)) return out;
  for (const [k, v] of Object.entries(labels)) {
    out.push(...validateLabelName(k, fldPath));
    const value = typeof v === 'string' ? v : String(v);
    for (const msg of isValidLabelValue(value)) out.push(invalid(fldPath, value, msg));
  }
  return out;
}

export interface LabelSelectorOptions {
  allowInvalidLabelValueInSelector?: boolean;
}

export function validateLabelSelector(
  selector: unknown,
  fldPath: string,
  opts: LabelSelectorOptions = {},
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const ps = obj(selector);
  if (!ps) return out;
  out.push(...validateLabels(ps.matchLabels, child(fldPath, 'matchLabels')));
  arr(ps.matchExpressions).forEach((expr, i) =>
    out.push(
      ...validateLabelSelectorRequirement(
        obj(expr) ?? {},
        index(child(fldPath, 'matchExpressions'), i),
        opts,
      ),
    ),
  );
  return out;
}

export function validateLabelSelectorRequirement(
  sr: Obj,
  fldPath: string,
  opts: LabelSelectorOptions = {},
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const values = arr(sr.values);
  const op = str(sr.operator);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        out.push(required(child(fldPath, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        out.push(
          forbidden(
            child(fldPath, 'values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      break;
    default:
      out.push(invalid(child(fldPath, 'operator'), op, 'not a valid selector operator'));
  }
  out.push(...validateLabelName(str(sr.key), child(fldPath, 'key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      const value = str(v);
      for (const msg of isValidLabelValue(value))
        out.push(invalid(index(child(fldPath, 'values'), i), value, msg));
    });
  }
  return out;
}

/** Whether `LabelSelectorAsSelector` accepts the selector (it fails where validation would). */
export function labelSelectorConvertible(selector: unknown): boolean {
  const ps = obj(selector);
  if (!ps) return true;
  for (const [k, v] of Object.entries(obj(ps.matchLabels) ?? {})) {
    if (isQualifiedName(k).length || isValidLabelValue(str(v)).length) return false;
  }
  for (const e of arr(ps.matchExpressions)) {
    const expr = obj(e) ?? {};
    const op = str(expr.operator);
    const values = arr(expr.values);
    if (isQualifiedName(str(expr.key)).length) return false;
    if ((op === 'In' || op === 'NotIn') && values.length === 0) return false;
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) return false;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) return false;
    if (values.some((v) => isValidLabelValue(str(v)).length)) return false;
  }
  return true;
}

/** Whether a metav1.LabelSelector selects nothing at all (no terms): `selector.Empty()`. */
export function isEmptySelector(selector: unknown): boolean {
  const ps = obj(selector);
  if (!ps) return true;
  return Object.keys(obj(ps.matchLabels) ?? {}).length + arr(ps.matchExpressions).length === 0;
}

/** Whether a metav1.LabelSelector matches a set of labels (a nil selector matches nothing, an empty one everything). */
export function selectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const ps = obj(selector);
  if (!ps) return false;
  const set = labels ?? {};
  for (const [k, v] of Object.entries(obj(ps.matchLabels) ?? {})) if (set[k] !== str(v)) return false;
  for (const e of arr(ps.matchExpressions)) {
    const expr = obj(e) ?? {};
    const k = str(expr.key);
    const values = arr(expr.values).map(str);
    const has = Object.prototype.hasOwnProperty.call(set, k);
    switch (str(expr.operator)) {
      case 'In':
        if (!has || !values.includes(set[k]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(set[k]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Whether an equality-based selector map (ReplicationController, Service) matches labels. */
export function mapSelectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  const set = labels ?? {};
  return Object.entries(selector).every(([k, v]) => set[k] === v);
}

function goMap(m: unknown): string {
  if (!isObj(m)) return 'map[string]string(nil)';
  const entries = Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]string{${entries.map(([k, v]) => `${goQuote(k)}:${goQuote(str(v))}`).join(', ')}}`;
}

function goStrings(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((x) => goQuote(str(x))).join(', ')}}`;
}

/**
 * A metav1.LabelSelector as Go's `%#v` prints it in messages:
 * `v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`.
 */
export function goLabelSelector(selector: unknown): GoSyntax {
  const ps = obj(selector);
  if (!ps) return new GoSyntax('(*v1.LabelSelector)(nil)');
  const exprs = Array.isArray(ps.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${ps.matchExpressions
        .map((e) => {
          const x = obj(e) ?? {};
          return `v1.LabelSelectorRequirement{Key:${goQuote(str(x.key))}, Operator:${goQuote(str(x.operator))}, Values:${goStrings(x.values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoSyntax(`v1.LabelSelector{MatchLabels:${goMap(ps.matchLabels)}, MatchExpressions:${exprs}}`);
}

/** A label map as Go's `%#v`: `map[string]string{"app":"x"}`. */
export function goLabels(labels: unknown): GoSyntax {
  return new GoSyntax(goMap(labels));
}
