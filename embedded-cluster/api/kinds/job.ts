import type { FieldProblem } from '../catalog.js';
import {
  child,
  deepEqual,
  ensureObj,
  GoSyntax,
  goLabels,
  goLabelSelector,
  invalid,
  isDNS1123Label,
  isObj,
  labelSelectorConvertible,
  nameIsDNSSubdomain,
  notSupported,
  num,
  obj,
  required,
  selectorMatches,
  str,
  strMap,
  validateImmutable,
  validateLabelSelector,
  validateNonnegative,
  type Obj,
} from '../validation/index.js';
import { defineKind, metaOf } from './common.js';
import { defaultPodTemplateSpec } from './pod-spec-defaults.js';
import { validatePodTemplateSpec } from './pod-spec-validation.js';

/**
 * Jobs (batch/v1): SetDefaults_Job, the strategy's generated selector
 * (`batch.kubernetes.io/controller-uid`, `…/job-name` and their legacy twins)
 * and ValidateJob / ValidateJobUpdate.
 */

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

const MAX_PARALLELISM_INDEXED = 100000;

export function defaultJob(job: Obj): void {
  const spec = ensureObj(job, 'spec');
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism == null) spec.parallelism = 1;
  if (spec.backoffLimit == null) spec.backoffLimit = spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  const template = obj(spec.template);
  const labels = template && obj(obj(template.metadata)?.labels);
  const meta = metaOf(job);
  if (labels && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...labels };
  if (spec.completionMode == null) spec.completionMode = 'NonIndexed';
  if (spec.suspend == null) spec.suspend = false;
  const pfp = obj(spec.podFailurePolicy);
  if (pfp)
    for (const rule of Array.isArray(pfp.rules) ? pfp.rules : [])
      for (const pattern of Array.isArray(obj(rule)?.onPodConditions)
        ? (obj(rule)!.onPodConditions as unknown[])
        : [])
        if (isObj(pattern) && !str(pattern.status)) pattern.status = 'True';
  if (spec.podReplacementPolicy == null) spec.podReplacementPolicy = pfp ? 'Failed' : 'TerminatingOrFailed';
  if (spec.manualSelector == null) spec.manualSelector = false;
  defaultPodTemplateSpec(spec.template);
}

/** generateSelector: label the template with the job's name and uid, and select on the uid. */
function generateSelector(job: Obj): void {
  const spec = ensureObj(job, 'spec');
  const template = ensureObj(spec, 'template');
  const tmeta = ensureObj(template, 'metadata');
  const labels = ensureObj(tmeta, 'labels');
  const meta = metaOf(job);
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = str(meta.name);
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL])
    if (!(k in labels)) labels[k] = str(meta.uid);
  const selector = ensureObj(spec, 'selector');
  const matchLabels = ensureObj(selector, 'matchLabels');
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = str(meta.uid);
}

function prepareJobForCreate(job: Obj): void {
  const spec = ensureObj(job, 'spec');
  if (spec.manualSelector !== true) generateSelector(job);
  // Kubernetes defaults objects again when reading them back, so a Job without labels shows its template's.
  const meta = metaOf(job);
  const labels = obj(obj(obj(spec.template)?.metadata)?.labels);
  if (labels && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...labels };
}

function validateHasLabel(template: Obj, k: string, expected: string): FieldProblem[] {
  const labels = obj(obj(template.metadata)?.labels) ?? {};
  if (!(k in labels)) return [required(`spec.template.metadata.labels[${k}]`, `must be '${expected}'`)];
  if (labels[k] !== expected)
    return [invalid(`spec.template.metadata.labels[${k}]`, goLabels(labels), `must be '${expected}'`)];
  return [];
}

/** validateGeneratedSelector. */
function validateGeneratedSelector(job: Obj, requirePrefixed: boolean): FieldProblem[] {
  const spec = obj(job.spec) ?? {};
  if (spec.manualSelector === true || !obj(spec.selector)) return [];
  const meta = metaOf(job);
  const uid = str(meta.uid);
  const name = str(meta.name);
  const template = obj(spec.template) ?? {};
  const out: FieldProblem[] = [];
  if (!uid) out.push(required('metadata.uid'));
  out.push(...validateHasLabel(template, LEGACY_CONTROLLER_UID_LABEL, uid));
  out.push(...validateHasLabel(template, LEGACY_JOB_NAME_LABEL, name));
  const expected: Record<string, string> = {
    [LEGACY_CONTROLLER_UID_LABEL]: uid,
    [LEGACY_JOB_NAME_LABEL]: name,
  };
  if (requirePrefixed) {
    out.push(...validateHasLabel(template, CONTROLLER_UID_LABEL, uid));
    out.push(...validateHasLabel(template, JOB_NAME_LABEL, name));
    expected[CONTROLLER_UID_LABEL] = uid;
    expected[JOB_NAME_LABEL] = name;
  }
  if (labelSelectorConvertible(spec.selector) && !selectorMatches(spec.selector, expected))
    out.push(invalid('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
  return out;
}

/** validateJobSpec: counts, completion mode, replacement policy, the pod template and its restart policy. */
export function validateJobSpecCommon(spec: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const f of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
  ])
    if (spec[f] != null) out.push(...validateNonnegative(spec[f], child(fldPath, f)));
  if (spec.completionMode != null) {
    const mode = str(spec.completionMode);
    if (mode !== 'NonIndexed' && mode !== 'Indexed')
      out.push(notSupported(child(fldPath, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec.completions == null)
        out.push(required(child(fldPath, 'completions'), 'when completion mode is Indexed'));
      const parallelism = num(spec.parallelism);
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_INDEXED)
        out.push(
          invalid(
            child(fldPath, 'parallelism'),
            parallelism,
            `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`,
          ),
        );
    }
  }
  if (spec.podReplacementPolicy != null) {
    const prp = str(spec.podReplacementPolicy);
    if (spec.podFailurePolicy != null) {
      if (prp !== 'Failed') out.push(notSupported(child(fldPath, 'podReplacementPolicy'), prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed')
      out.push(notSupported(child(fldPath, 'podReplacementPolicy'), prp, ['Failed', 'TerminatingOrFailed']));
  }
  const templatePath = child(fldPath, 'template');
  out.push(...validatePodTemplateSpec(spec.template, templatePath));
  const rp = str(obj(obj(spec.template)?.spec)?.restartPolicy);
  const rpPath = child(templatePath, 'spec', 'restartPolicy');
  if (rp === 'Always' || rp === '') out.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') out.push(notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy != null && rp !== 'Never')
    out.push(invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return out;
}

function validateJob(job: Obj, requirePrefixed = true): FieldProblem[] {
  const spec = obj(job.spec) ?? {};
  const out = validateGeneratedSelector(job, requirePrefixed);
  out.push(...validateJobSpecCommon(spec, 'spec'));
  if (spec.selector == null) out.push(required('spec.selector'));
  else out.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (obj(spec.selector) && labelSelectorConvertible(spec.selector)) {
    const labels = obj(obj(obj(spec.template)?.metadata)?.labels);
    if (!selectorMatches(spec.selector, labels ? strMap(labels) : {}))
      out.push(
        invalid(
          'spec.template.metadata.labels',
          goLabels(labels),
          '`selector` does not match template `labels`',
        ),
      );
  }
  const name = str(metaOf(job).name);
  const completions = num(spec.completions);
  if (str(spec.completionMode) === 'Indexed' && completions !== undefined && completions > 0) {
    const host = `${name}-${completions - 1}`;
    if (isDNS1123Label(host).length)
      out.push(invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${host}`));
  }
  return out;
}

function validateJobUpdate(job: Obj, old: Obj): FieldProblem[] {
  const spec = obj(job.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const out: FieldProblem[] = [];
  out.push(
    ...validateImmutable(
      spec.selector ?? null,
      oldSpec.selector ?? null,
      'spec.selector',
      goLabelSelector(spec.selector),
    ),
  );
  const indexed = str(spec.completionMode) === 'Indexed' && str(oldSpec.completionMode) === 'Indexed';
  if (!indexed)
    out.push(...validateImmutable(spec.completions ?? null, oldSpec.completions ?? null, 'spec.completions'));
  else if (
    !deepEqual(spec.completions, oldSpec.completions) &&
    !deepEqual(spec.completions, spec.parallelism)
  )
    out.push(
      invalid(
        'spec.completions',
        spec.completions ?? null,
        `can only be modified in tandem with spec.parallelism`,
      ),
    );
  const suspendedNotStarted = oldSpec.suspend === true && !obj(old.status)?.startTime;
  let template = spec.template;
  if (suspendedNotStarted) {
    // Scheduling directives may change for a suspended Job that never started.
    const t = structuredClone(obj(spec.template) ?? {});
    const ts = obj(t.spec) ?? {};
    const os = obj(obj(oldSpec.template)?.spec) ?? {};
    for (const f of ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates']) ts[f] = os[f];
    const tm = obj(t.metadata) ?? {};
    const om = obj(obj(oldSpec.template)?.metadata) ?? {};
    tm.labels = om.labels;
    tm.annotations = om.annotations;
    template = t;
  }
  out.push(
    ...validateImmutable(
      template,
      oldSpec.template,
      'spec.template',
      new GoSyntax('core.PodTemplateSpec{…}'),
    ),
  );
  for (const f of [
    'completionMode',
    'podFailurePolicy',
    'backoffLimitPerIndex',
    'managedBy',
    'successPolicy',
  ])
    out.push(...validateImmutable(spec[f] ?? null, oldSpec[f] ?? null, `spec.${f}`));
  return out;
}

export const jobStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  hasStatus: true,
  default: defaultJob,
  prepareForCreate: prepareJobForCreate,
  validate: (job) => validateJob(job),
  // The update re-validates the job itself, requiring the prefixed labels only where the old job had them.
  revalidate: () => [],
  validateUpdate: (job, old) => {
    const oldLabels = obj(obj(obj(obj(old.spec)?.template)?.metadata)?.labels) ?? {};
    const requirePrefixed = JOB_NAME_LABEL in oldLabels && CONTROLLER_UID_LABEL in oldLabels;
    return [...validateJob(job, requirePrefixed), ...validateJobUpdate(job, old)];
  },
});
