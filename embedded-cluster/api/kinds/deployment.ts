import type { FieldProblem } from '../catalog.js';
import {
  child,
  ensureObj,
  forbidden,
  invalid,
  nameIsDNSSubdomain,
  notSupported,
  num,
  obj,
  required,
  str,
  validateNonnegative,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { defaultPodTemplateSpec } from './pod-spec-defaults.js';
import {
  goIntOrString,
  isNotMoreThan100Percent,
  percentOrInt,
  validateCounts,
  validatePositiveIntOrPercent,
  validateSelectorImmutable,
  validateTemplateForReplicaSet,
  validateWorkloadSelector,
} from './workload-validation.js';

/** Deployments (apps/v1): SetDefaults_Deployment, ValidateDeployment and the strategy's selector immutability. */

function defaultDeployment(d: Obj): void {
  const spec = ensureObj(d, 'spec');
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  const strategy = ensureObj(spec, 'strategy');
  if (!str(strategy.type)) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null)
    spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null)
    spec.progressDeadlineSeconds = 600;
  defaultPodTemplateSpec(spec.template);
}

function validateStrategy(strategy: Obj, fldPath: string): FieldProblem[] {
  const type = str(strategy.type);
  const ru = obj(strategy.rollingUpdate);
  switch (type) {
    case 'Recreate':
      return ru
        ? [
            forbidden(
              child(fldPath, 'rollingUpdate'),
              "may not be specified when strategy `type` is 'Recreate'",
            ),
          ]
        : [];
    case 'RollingUpdate': {
      if (!ru)
        return [required(child(fldPath, 'rollingUpdate'), 'this should be defaulted and never be nil')];
      const p = child(fldPath, 'rollingUpdate');
      const out = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, child(p, 'maxUnavailable')),
        ...validatePositiveIntOrPercent(ru.maxSurge, child(p, 'maxSurge')),
      ];
      if (percentOrInt(ru.maxUnavailable) === 0 && percentOrInt(ru.maxSurge) === 0)
        out.push(
          invalid(
            child(p, 'maxUnavailable'),
            goIntOrString(ru.maxUnavailable),
            'may not be 0 when `maxSurge` is 0',
          ),
        );
      out.push(...isNotMoreThan100Percent(ru.maxUnavailable, child(p, 'maxUnavailable')));
      return out;
    }
    default:
      return [notSupported(fldPath, goStrategy(strategy), ['Recreate', 'RollingUpdate'])];
  }
}

function goStrategy(strategy: Obj) {
  return {
    toString: () =>
      `apps.DeploymentStrategy{Type:${JSON.stringify(str(strategy.type))}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`,
  };
}

function validateDeploymentSpec(d: Obj): FieldProblem[] {
  const spec = obj(d.spec) ?? {};
  const out: FieldProblem[] = [];
  out.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  out.push(...validateWorkloadSelector(spec, 'spec', 'empty selector is invalid for deployment'));
  out.push(...validateTemplateForReplicaSet(spec, 'spec', 'Deployment'));
  out.push(...validateStrategy(obj(spec.strategy) ?? {}, 'spec.strategy'));
  out.push(...validateCounts(spec, 'spec', ['minReadySeconds', 'revisionHistoryLimit']));
  const rollback = obj(spec.rollbackTo);
  if (rollback) out.push(...validateNonnegative(rollback.revision, 'spec.rollback.version'));
  const pds = num(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    out.push(...validateNonnegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (num(spec.minReadySeconds) ?? 0))
      out.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return out;
}

export const deploymentStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  // Annotation changes bump the generation too: they are copied to the ReplicaSets.
  generationFields: ['spec', 'metadata.annotations'],
  hasStatus: true,
  default: defaultDeployment,
  validate: validateDeploymentSpec,
  validateUpdate: (d, old) => validateSelectorImmutable(obj(d.spec) ?? {}, obj(old.spec) ?? {}, 'spec'),
});
