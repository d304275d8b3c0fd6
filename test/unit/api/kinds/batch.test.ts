import { describe, expect, it } from 'vitest';
import { container, create, update } from './helpers.js';

const job = (spec: Record<string, unknown>, name = 'pi') => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec,
});
const tpl = (restartPolicy?: string) => ({
  spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [container()] },
});

describe('Jobs', () => {
  it('get completions, parallelism, backoff and a generated selector', () => {
    const { obj, problems } = create('batch', job({ template: tpl('Never') }));
    expect(problems).toEqual([]);
    expect(obj.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      manualSelector: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } },
      template: {
        metadata: {
          labels: {
            'batch.kubernetes.io/controller-uid': 'uid-1',
            'batch.kubernetes.io/job-name': 'pi',
            'controller-uid': 'uid-1',
            'job-name': 'pi',
          },
        },
      },
    });
    expect(obj.metadata.labels).toMatchObject({ 'job-name': 'pi' });
  });

  it('need a restart policy of OnFailure or Never', () => {
    expect(create('batch', job({ template: tpl() })).problems).toEqual([
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });

  it('check counts', () => {
    expect(
      create('batch', job({ template: tpl('Never'), parallelism: -1, completions: 1 })).problems,
    ).toEqual(['spec.parallelism: Invalid value: -1: must be greater than or equal to 0']);
  });

  it('refuse a manual selector that does not match', () => {
    expect(
      create(
        'batch',
        job({
          template: { metadata: { labels: { a: 'b' } }, ...tpl('Never') },
          manualSelector: true,
          selector: { matchLabels: { a: 'c' } },
        }),
      ).problems,
    ).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"a":"b"}: `selector` does not match template `labels`',
    ]);
  });

  it('keep completions, selector and template', () => {
    const old = create('batch', job({ template: tpl('Never') })).obj;
    const next = structuredClone(old) as unknown as {
      spec: { completions: number; template: { spec: { containers: { image: string }[] } } };
    };
    next.spec.completions = 3;
    next.spec.template.spec.containers[0]!.image = 'other';
    expect(update('batch', next as never, old).problems).toEqual([
      'spec.completions: Invalid value: 3: field is immutable',
      'spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable',
    ]);
  });
});

describe('CronJobs', () => {
  const cron = (spec: Record<string, unknown>, name = 'tick') => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec,
  });
  const jobTemplate = { spec: { template: tpl('OnFailure') } };

  it('get their defaults', () => {
    const { obj, problems } = create('batch', cron({ schedule: '*/5 * * * *', jobTemplate }));
    expect(problems).toEqual([]);
    expect(obj.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
  });

  it('need a valid schedule and policy', () => {
    expect(
      create('batch', cron({ schedule: '61 * * * *', concurrencyPolicy: 'Sometimes', jobTemplate })).problems,
    ).toEqual([
      'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ]);
    expect(create('batch', cron({ jobTemplate })).problems).toEqual(['spec.schedule: Required value']);
    expect(create('batch', cron({ schedule: 'CRON_TZ=UTC 0 * * * *', jobTemplate })).problems).toEqual([
      'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
    expect(
      create('batch', cron({ schedule: '0 * * * *', timeZone: 'Mars/Base', jobTemplate })).problems,
    ).toEqual(['spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base']);
  });

  it('keep names short enough for their jobs', () => {
    expect(create('batch', cron({ schedule: '@daily', jobTemplate }, 'x'.repeat(53))).problems).toEqual([
      `metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`,
    ]);
  });
});
