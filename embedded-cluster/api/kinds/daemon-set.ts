import type { FieldProblem } from '../catalog.js';
import {
  child,
  ensureObj,
  GoSyntax,
  goLabelSelector,
  invalid,
  isEmptySelector,
  labelSelectorConvertible,
  nameIsDNSSubdomain,
  notSupported,
  obj,
  required,
  str,
  validateLabelSelector,
  validateNonnegative,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { defaultPodTemplateSpec } from './pod-spec-defaults.js';
import { validatePodTemplateSpec } from './pod-spec-validation.js';
import {
  goIntOrString,
  isNotMoreThan100Percent,
  percentOrInt,
  validatePositiveIntOrPercent,
  validateSelectorImmutable,
  validateSelectorMatchesTemplate,
  validateTemplateRestartAlways,
} from './workload-validation.js';

/** DaemonSets (apps/v1): SetDefaults_DaemonSet and ValidateDaemonSet. */

const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function defaultDaemonSet(ds: Obj): void {
  const spec = ensureObj(ds, 'spec');
  const us = ensureObj(spec, 'updateStrategy');
  if (!str(us.type)) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null)
    spec.revisionHistoryLimit = 10;
  defaultPodTemplateSpec(spec.template);
}

function validateUpdateStrategy(us: Obj, fldPath: string): FieldProblem[] {
  switch (str(us.type)) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru = obj(us.rollingUpdate);
      if (!ru) return [required(child(fldPath, 'rollingUpdate'))];
      const p = child(fldPath, 'rollingUpdate');
      const out = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, child(p, 'maxUnavailable')),
        ...validatePositiveIntOrPercent(ru.maxSurge, child(p, 'maxSurge')),
        ...isNotMoreThan100Percent(ru.maxUnavailable, child(p, 'maxUnavailable')),
        ...isNotMoreThan100Percent(ru.maxSurge, child(p, 'maxSurge')),
      ];
      const hasUnavailable = percentOrInt(ru.maxUnavailable) !== 0;
      const hasSurge = percentOrInt(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge)
        out.push(
          invalid(
            child(p, 'maxSurge'),
            goIntOrString(ru.maxSurge),
            'may not be set when maxUnavailable is non-zero',
          ),
        );
      else if (!hasUnavailable && !hasSurge)
        out.push(required(child(p, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
      return out;
    }
    default:
      return [
        notSupported(
          fldPath,
          new GoSyntax(
            `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(str(us.type))}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`,
          ),
          ['RollingUpdate', 'OnDelete'],
        ),
      ];
  }
}

function validateDaemonSetSpec(ds: Obj): FieldProblem[] {
  const spec = obj(ds.spec) ?? {};
  const template = obj(spec.template) ?? {};
  const out: FieldProblem[] = [];
  out.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (labelSelectorConvertible(spec.selector)) {
    if (!obj(spec.selector)) out.push(...validateSelectorMatchesNil(template));
    else out.push(...validateSelectorMatchesTemplate(spec.selector, template, 'spec.template'));
  }
  if (obj(spec.selector) && isEmptySelector(spec.selector))
    out.push(
      invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'),
    );
  out.push(...validatePodTemplateSpec(template, 'spec.template'));
  out.push(...validateTemplateRestartAlways(template, 'spec.template', 'DaemonSet'));
  out.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  out.push(...validateNonnegative(spec.templateGeneration, 'spec.templateGeneration'));
  out.push(...validateUpdateStrategy(obj(spec.updateStrategy) ?? {}, 'spec.updateStrategy'));
  out.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return out;
}

/** A nil selector converts to "nothing", which matches no labels: the template never matches. */
function validateSelectorMatchesNil(template: Obj): FieldProblem[] {
  return validateSelectorMatchesTemplate(
    { matchExpressions: [{ key: '', operator: 'In', values: [] }] },
    template,
    'spec.template',
  );
}

export const daemonSetStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  hasStatus: true,
  default: defaultDaemonSet,
  // The apps/v1 strategy counts template changes in an annotation the controller labels pods with
  // (pkg/registry/apps/daemonset/strategy.go).
  prepareForCreate: (ds) => {
    const meta = ensureObj(ds, 'metadata');
    meta.annotations = { ...obj(meta.annotations), [TEMPLATE_GENERATION]: '1' };
  },
  prepareForUpdate: (ds, old) => {
    const meta = ensureObj(ds, 'metadata');
    const previous = Number(obj(obj(old.metadata)?.annotations)?.[TEMPLATE_GENERATION] ?? '1') || 1;
    const changed = JSON.stringify(obj(ds.spec)?.template) !== JSON.stringify(obj(old.spec)?.template);
    meta.annotations = {
      ...obj(meta.annotations),
      [TEMPLATE_GENERATION]: String(changed ? previous + 1 : previous),
    };
  },
  validate: validateDaemonSetSpec,
  validateUpdate: (ds, old) => validateSelectorImmutable(obj(ds.spec) ?? {}, obj(old.spec) ?? {}, 'spec'),
});
