import type { FieldProblem } from '../catalog.js';
import {
  child,
  CronError,
  ensureObj,
  goLabelSelector,
  invalid,
  isKnownTimeZone,
  nameIsDNSSubdomain,
  notSupported,
  obj,
  parseCron,
  required,
  str,
  validateNonnegative,
  type Obj,
} from '../validation/index.js';
import { defineKind, metaOf } from './common.js';
import { defaultPodTemplateSpec } from './pod-spec-defaults.js';
import { validateJobSpecCommon } from './job.js';

/** CronJobs (batch/v1): SetDefaults_CronJob and ValidateCronJobCreate / Update. */

function defaultCronJob(cj: Obj): void {
  const spec = ensureObj(cj, 'spec');
  if (!str(spec.concurrencyPolicy)) spec.concurrencyPolicy = 'Allow';
  if (spec.suspend == null) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit == null) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit == null) spec.failedJobsHistoryLimit = 1;
  const jobTemplate = obj(spec.jobTemplate);
  const jobSpec = jobTemplate && obj(jobTemplate.spec);
  if (jobSpec) defaultPodTemplateSpec(jobSpec.template);
}

function validateSchedule(
  schedule: string,
  allowTZ: boolean,
  timeZone: unknown,
  fldPath: string,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  try {
    parseCron(schedule);
  } catch (e) {
    out.push(invalid(fldPath, schedule, e instanceof CronError ? e.message : String(e)));
  }
  if (allowTZ && schedule.includes('TZ') && timeZone != null)
    out.push(invalid(fldPath, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  else if (!allowTZ && schedule.includes('TZ'))
    out.push(invalid(fldPath, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return out;
}

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(tz: unknown, fldPath: string): FieldProblem[] {
  if (tz == null) return [];
  const zone = str(tz);
  if (zone === '') return [invalid(fldPath, zone, 'timeZone must be nil or non-empty string')];
  for (const part of zone.split('/'))
    if (part === '.' || part === '..' || part.startsWith('-') || !TZ_PART.test(part))
      return [invalid(fldPath, zone, `unknown time zone ${zone}`)];
  const out: FieldProblem[] = [];
  if (zone.toLowerCase() === 'local')
    out.push(
      invalid(
        fldPath,
        zone,
        'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      ),
    );
  if (!isKnownTimeZone(zone)) out.push(invalid(fldPath, zone, `unknown time zone ${zone}`));
  return out;
}

function validateCronJobSpec(spec: Obj, oldSpec: Obj | undefined): FieldProblem[] {
  const out: FieldProblem[] = [];
  const schedule = str(spec.schedule);
  if (!schedule) out.push(required('spec.schedule'));
  else
    out.push(
      ...validateSchedule(
        schedule,
        oldSpec ? str(oldSpec.schedule).includes('TZ') : false,
        spec.timeZone,
        'spec.schedule',
      ),
    );
  if (spec.startingDeadlineSeconds != null)
    out.push(...validateNonnegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone)
    out.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  const cp = str(spec.concurrencyPolicy);
  if (!cp) out.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp))
    out.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  const jobSpec = obj(obj(spec.jobTemplate)?.spec) ?? {};
  const jp = child('spec.jobTemplate', 'spec');
  out.push(...validateJobSpecCommon(jobSpec, jp));
  if (jobSpec.selector != null)
    out.push(
      invalid(child(jp, 'selector'), goLabelSelector(jobSpec.selector), '`selector` will be auto-generated'),
    );
  if (jobSpec.manualSelector === true)
    out.push(notSupported(child(jp, 'manualSelector'), true, ['nil', 'false']));
  for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit'])
    if (spec[f] != null) out.push(...validateNonnegative(spec[f], `spec.${f}`));
  return out;
}

export const cronJobStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  hasStatus: true,
  default: defaultCronJob,
  validate: (cj) => {
    const out = validateCronJobSpec(obj(cj.spec) ?? {}, undefined);
    const name = str(metaOf(cj).name);
    // The controller appends an 11-character suffix to name the Jobs: 63 − 11 = 52.
    if (name.length > 52) out.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
    return out;
  },
  revalidate: () => [],
  validateUpdate: (cj, old) => validateCronJobSpec(obj(cj.spec) ?? {}, obj(old.spec) ?? {}),
});
