import type { FieldProblem } from '../catalog.js';
import {
  child,
  deepEqual,
  ensureObj,
  forbidden,
  GoSyntax,
  goLabelSelector,
  invalid,
  labelSelectorConvertible,
  nameIsDNSLabel,
  notSupported,
  obj,
  objs,
  required,
  str,
  validateAnnotations,
  validateLabels,
  validateNonnegative,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { defaultPodTemplateSpec, defaultPVCSpec } from './pod-spec-defaults.js';
import { validatePodSpecificAnnotations } from './pod-spec-validation.js';
import {
  goIntOrString,
  isNotMoreThan100Percent,
  percentOrInt,
  validatePositiveIntOrPercent,
  validateSelectorMatchesTemplate,
  validateWorkloadSelector,
} from './workload-validation.js';

/**
 * StatefulSets (apps/v1): SetDefaults_StatefulSet (with the volumeClaimTemplates'
 * PVC defaults) and ValidateStatefulSet, whose pod template — as in
 * Kubernetes — is checked for labels and restart policy but not as a full PodSpec.
 */

function defaultStatefulSet(sts: Obj): void {
  const spec = ensureObj(sts, 'spec');
  if (!str(spec.podManagementPolicy)) spec.podManagementPolicy = 'OrderedReady';
  const us = ensureObj(spec, 'updateStrategy');
  if (!str(us.type)) {
    us.type = 'RollingUpdate';
    if (!obj(us.rollingUpdate)) us.rollingUpdate = {};
  }
  const ru = obj(us.rollingUpdate);
  if (us.type === 'RollingUpdate' && ru && (ru.partition === undefined || ru.partition === null))
    ru.partition = 0;
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  if (!str(retention.whenDeleted)) retention.whenDeleted = 'Retain';
  if (!str(retention.whenScaled)) retention.whenScaled = 'Retain';
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null)
    spec.revisionHistoryLimit = 10;
  defaultPodTemplateSpec(spec.template);
  for (const pvc of objs(spec.volumeClaimTemplates)) {
    // The apps/v1 conversion writes the embedded PVCs' type; the PVC defaults apply to them.
    if (!str(pvc.apiVersion)) pvc.apiVersion = 'v1';
    if (!str(pvc.kind)) pvc.kind = 'PersistentVolumeClaim';
    defaultPVCSpec(ensureObj(pvc, 'spec'));
    const status = ensureObj(pvc, 'status');
    if (!str(status.phase)) status.phase = 'Pending';
  }
}

const RETENTION = ['Retain', 'Delete'];

function validateStatefulSetSpec(sts: Obj): FieldProblem[] {
  const spec = obj(sts.spec) ?? {};
  const out: FieldProblem[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (!pmp) out.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel')
    out.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = obj(spec.updateStrategy) ?? {};
  const ru = obj(us.rollingUpdate);
  switch (str(us.type)) {
    case '':
      out.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (ru)
        out.push(
          invalid(
            'spec.updateStrategy.rollingUpdate',
            new GoSyntax('&apps.RollingUpdateStatefulSetStrategy{…}'),
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      break;
    case 'RollingUpdate':
      if (ru) {
        const p = 'spec.updateStrategy.rollingUpdate';
        out.push(...validateNonnegative(ru.partition, child(p, 'partition')));
        if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
          out.push(...validatePositiveIntOrPercent(ru.maxUnavailable, child(p, 'maxUnavailable')));
          if (percentOrInt(ru.maxUnavailable) === 0)
            out.push(invalid(child(p, 'maxUnavailable'), goIntOrString(ru.maxUnavailable), 'cannot be 0'));
          out.push(...isNotMoreThan100Percent(ru.maxUnavailable, child(p, 'maxUnavailable')));
        }
      }
      break;
    default:
      out.push(
        invalid(
          'spec.updateStrategy',
          new GoSyntax(
            `apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(str(us.type))}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}`,
          ),
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      );
  }
  const retention = obj(spec.persistentVolumeClaimRetentionPolicy);
  if (retention)
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(retention[f]);
      if (!RETENTION.includes(v))
        out.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, RETENTION));
    }
  out.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  out.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const ordinals = obj(spec.ordinals);
  if (ordinals) out.push(...validateNonnegative(ordinals.start, 'spec.ordinals.start'));
  out.push(...validateWorkloadSelector(spec, 'spec', 'empty selector is invalid for statefulset'));
  const template = obj(spec.template) ?? {};
  if (!labelSelectorConvertible(spec.selector))
    out.push(invalid('spec.selector', goLabelSelector(spec.selector), ''));
  else {
    out.push(...validateSelectorMatchesTemplate(spec.selector, template, 'spec.template'));
    const meta = obj(template.metadata) ?? {};
    out.push(...validateLabels(meta.labels, 'spec.template.labels'));
    out.push(...validateAnnotations(meta.annotations, 'spec.template.annotations'));
    out.push(
      ...validatePodSpecificAnnotations(
        meta.annotations,
        obj(template.spec) ?? {},
        'spec.template.annotations',
      ),
    );
  }
  const podSpec = obj(template.spec) ?? {};
  const rp = str(podSpec.restartPolicy);
  if (rp !== 'Always') out.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null)
    out.push(
      forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        'activeDeadlineSeconds in StatefulSet is not Supported',
      ),
    );
  return out;
}

const MUTABLE = [
  'replicas',
  'template',
  'updateStrategy',
  'minReadySeconds',
  'ordinals',
  'persistentVolumeClaimRetentionPolicy',
];

function validateStatefulSetUpdate(sts: Obj, old: Obj): FieldProblem[] {
  const spec = { ...(obj(sts.spec) ?? {}) };
  const oldSpec = obj(old.spec) ?? {};
  for (const f of MUTABLE) spec[f] = oldSpec[f];
  if (deepEqual(spec, oldSpec)) return [];
  return [
    forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export const statefulSetStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSLabel,
  hasGeneration: true,
  hasStatus: true,
  default: defaultStatefulSet,
  validate: validateStatefulSetSpec,
  // The update does not re-check the name (older clusters allowed DNS subdomains), only the spec.
  revalidateOnUpdate: false,
  validateUpdate: (sts, old) => [...validateStatefulSetSpec(sts), ...validateStatefulSetUpdate(sts, old)],
});
