import type { FieldProblem } from '../catalog.js';
import { ensureObj, nameIsDNSSubdomain, obj, validateNonnegative, type Obj } from '../validation/index.js';
import { defineKind } from './common.js';
import { defaultPodTemplateSpec } from './pod-spec-defaults.js';
import {
  validateSelectorImmutable,
  validateTemplateForReplicaSet,
  validateWorkloadSelector,
} from './workload-validation.js';

/** ReplicaSets (apps/v1): SetDefaults_ReplicaSet and ValidateReplicaSet. */

function defaultReplicaSet(rs: Obj): void {
  const spec = ensureObj(rs, 'spec');
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultPodTemplateSpec(spec.template);
}

function validateReplicaSetSpec(rs: Obj): FieldProblem[] {
  const spec = obj(rs.spec) ?? {};
  return [
    ...validateNonnegative(spec.replicas, 'spec.replicas'),
    ...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    // Kubernetes says "deployment" here too.
    ...validateWorkloadSelector(spec, 'spec', 'empty selector is invalid for deployment'),
    ...validateTemplateForReplicaSet(spec, 'spec', 'ReplicaSet'),
  ];
}

export const replicaSetStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  hasStatus: true,
  default: defaultReplicaSet,
  validate: validateReplicaSetSpec,
  validateUpdate: (rs, old) => validateSelectorImmutable(obj(rs.spec) ?? {}, obj(old.spec) ?? {}, 'spec'),
});
