import type { FieldProblem } from '../catalog.js';
import {
  child,
  forbidden,
  goLabels,
  GoSyntax,
  goLabelSelector,
  invalid,
  isEmptySelector,
  isValidPercent,
  labelSelectorConvertible,
  notSupported,
  obj,
  required,
  selectorMatches,
  str,
  strMap,
  validateLabelSelector,
  validateNonnegative,
  type Obj,
} from '../validation/index.js';
import { validatePodTemplateSpec } from './pod-spec-validation.js';

/** Pieces shared by the apps/v1 workloads' validation (pkg/apis/apps/validation). */

/** The `spec.selector` checks of Deployments, ReplicaSets, StatefulSets: required, valid, non-empty. */
export function validateWorkloadSelector(spec: Obj, fldPath: string, emptyMsg: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (spec.selector === undefined || spec.selector === null) out.push(required(child(fldPath, 'selector')));
  else {
    out.push(...validateLabelSelector(spec.selector, child(fldPath, 'selector')));
    if (isEmptySelector(spec.selector))
      out.push(invalid(child(fldPath, 'selector'), goLabelSelector(spec.selector), emptyMsg));
  }
  return out;
}

/** The template's labels must match the selector: `` `selector` does not match template `labels` ``. */
export function validateSelectorMatchesTemplate(
  selector: unknown,
  template: Obj,
  templatePath: string,
): FieldProblem[] {
  if (!obj(selector) || isEmptySelector(selector)) return [];
  const labels = obj(obj(template.metadata)?.labels);
  if (selectorMatches(selector, labels ? strMap(labels) : {})) return [];
  return [
    invalid(
      child(templatePath, 'metadata', 'labels'),
      goLabels(labels),
      '`selector` does not match template `labels`',
    ),
  ];
}

/** ValidatePodTemplateSpecForReplicaSet (also Deployments): selector match, pod template, restartPolicy Always. */
export function validateTemplateForReplicaSet(spec: Obj, fldPath: string, kindName: string): FieldProblem[] {
  const templatePath = child(fldPath, 'template');
  const template = obj(spec.template);
  if (!template) return [required(templatePath)];
  if (!labelSelectorConvertible(spec.selector))
    return [invalid(child(fldPath, 'selector'), goLabelSelector(spec.selector), 'invalid label selector')];
  const out = validateSelectorMatchesTemplate(spec.selector, template, templatePath);
  out.push(...validatePodTemplateSpec(template, templatePath));
  out.push(...validateTemplateRestartAlways(template, templatePath, kindName));
  return out;
}

/** Workload pods always restart, and may not carry a deadline. */
export function validateTemplateRestartAlways(
  template: Obj,
  templatePath: string,
  kindName: string,
  forbidDeadline = true,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const spec = obj(template.spec) ?? {};
  const rp = str(spec.restartPolicy);
  if (rp !== 'Always') out.push(notSupported(child(templatePath, 'spec', 'restartPolicy'), rp, ['Always']));
  if (forbidDeadline && spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null)
    out.push(
      forbidden(
        child(templatePath, 'spec', 'activeDeadlineSeconds'),
        `activeDeadlineSeconds in ${kindName} is not Supported`,
      ),
    );
  return out;
}

/** An intstr.IntOrString as Go's `%#v` prints it in messages. */
export function goIntOrString(v: unknown): GoSyntax {
  if (typeof v === 'number') return new GoSyntax(`intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`);
  return new GoSyntax(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(str(v))}}`);
}

/** ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(v: unknown, fldPath: string): FieldProblem[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(fldPath, goIntOrString(v), m));
  if (typeof v === 'number') return validateNonnegative(v, fldPath);
  return [invalid(fldPath, goIntOrString(v), "must be an integer or percentage (e.g '5%%')")];
}

export function percentOrInt(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return Number(v.slice(0, -1));
  return 0;
}

/** IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: unknown, fldPath: string): FieldProblem[] {
  if (typeof v === 'string' && /^[0-9]+%$/.test(v) && Number(v.slice(0, -1)) > 100)
    return [invalid(fldPath, goIntOrString(v), 'must not be greater than 100%')];
  return [];
}

/** The replicas / minReadySeconds / revisionHistoryLimit non-negativity checks. */
export function validateCounts(spec: Obj, fldPath: string, fields: readonly string[]): FieldProblem[] {
  return fields.flatMap((f) => validateNonnegative(spec[f], child(fldPath, f)));
}

/** `spec.selector` is immutable in apps/v1 (checked by the strategies' ValidateUpdate). */
export function validateSelectorImmutable(spec: Obj, oldSpec: Obj, fldPath: string): FieldProblem[] {
  if (
    JSON.stringify(normalizeSelector(spec.selector)) === JSON.stringify(normalizeSelector(oldSpec.selector))
  )
    return [];
  return [invalid(child(fldPath, 'selector'), goLabelSelector(spec.selector), 'field is immutable')];
}

function normalizeSelector(s: unknown): unknown {
  const o = obj(s);
  if (!o) return null;
  const ml = obj(o.matchLabels) ?? {};
  return {
    matchLabels: Object.fromEntries(Object.entries(ml).sort(([a], [b]) => (a < b ? -1 : 1))),
    matchExpressions: Array.isArray(o.matchExpressions) ? o.matchExpressions : [],
  };
}
