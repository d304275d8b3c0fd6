import {
  child,
  ensureObj,
  goLabels,
  invalid,
  isObj,
  mapSelectorMatches,
  nameIsDNSSubdomain,
  obj,
  required,
  strMap,
  validateNonnegative,
  type Obj,
} from '../validation/index.js';
import type { FieldProblem } from '../catalog.js';
import { defineKind, metaOf } from './common.js';
import { defaultPodTemplateSpec } from './pod-spec-defaults.js';
import { validatePodTemplateSpec } from './pod-spec-validation.js';
import { validateTemplateRestartAlways } from './workload-validation.js';

/**
 * ReplicationControllers (core/v1): SetDefaults_ReplicationController (selector
 * and labels from the template, one replica) and ValidateReplicationController.
 */

function defaultRC(rc: Obj): void {
  const spec = ensureObj(rc, 'spec');
  const template = obj(spec.template);
  const labels = template && obj(obj(template.metadata)?.labels);
  if (labels) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = metaOf(rc);
    if (!isObj(meta.labels) || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (template) defaultPodTemplateSpec(template);
}

function validateRCSpec(rc: Obj): FieldProblem[] {
  const spec = obj(rc.spec) ?? {};
  const out: FieldProblem[] = [];
  out.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = strMap(spec.selector);
  if (Object.keys(selector).length === 0) out.push(required('spec.selector'));
  out.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  const template = obj(spec.template);
  if (!template) out.push(required('spec.template'));
  else {
    if (Object.keys(selector).length > 0) {
      const labels = obj(obj(template.metadata)?.labels);
      if (!mapSelectorMatches(selector, labels ? strMap(labels) : {}))
        out.push(
          invalid(
            child('spec.template', 'metadata', 'labels'),
            goLabels(labels),
            '`selector` does not match template `labels`',
          ),
        );
    }
    out.push(...validatePodTemplateSpec(template, 'spec.template'));
    out.push(...validateTemplateRestartAlways(template, 'spec.template', 'ReplicationController'));
  }
  return out;
}

export const replicationControllerStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  hasStatus: true,
  default: defaultRC,
  validate: validateRCSpec,
});
