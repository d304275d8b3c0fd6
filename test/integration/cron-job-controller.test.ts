import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type BatchV1, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { ManualClock } from '../../embedded-cluster/util/clock.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

// The whole cluster runs on a clock the tests move: CronJobs fire when it passes their times.
// Start half-way through a real minute, so every `* * * * *` run is 30 s away.
const clock = new ManualClock(Math.floor(Date.now() / 60_000) * 60_000 + 30_000);
let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['job', 'cronjob'],
    clock,
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

const NS = 'default';
const cronJobs = () => cluster.client.resource(resources.cronJobs);
const jobs = () => cluster.client.resource(resources.jobs);

/** Move the cluster's clock forward in one-second steps, letting the components act on each. */
async function advance(seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/**
 * Wait until `check` passes, moving the clock one second per try when `tick` is set (pods run on
 * the cluster's clock).
 */
function eventually(check: () => Promise<void>, tick = false): Promise<void> {
  return vi.waitFor(
    async () => {
      if (tick) await advance(1);
      await check();
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** Advance to 30 s past the next minute: just after the next `* * * * *` run. */
async function toNextRun(): Promise<number> {
  const nextMinute = Math.floor(clock.now() / 60_000) * 60_000 + 60_000;
  await advance(Math.round((nextMinute + 30_000 - clock.now()) / 1000));
  return nextMinute;
}

function cronJob(name: string, spec: Partial<BatchV1.CronJobSpec>, runSeconds = 1): BatchV1.CronJob {
  return {
    metadata: { name, namespace: NS },
    spec: {
      schedule: '* * * * *',
      ...spec,
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: {
          template: {
            metadata: { annotations: { 'simulation.kubedesk.dev/run-seconds': String(runSeconds) } },
            spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
          },
        },
      },
    },
  };
}

async function jobsOf(name: string): Promise<BatchV1.Job[]> {
  return (await jobs().list({ namespace: NS, labelSelector: `app=${name}` })).items;
}

async function eventsFor(name: string): Promise<string[]> {
  const list = await cluster.client
    .resource(resources.events)
    .list({ namespace: NS, fieldSelector: `involvedObject.name=${name},involvedObject.kind=CronJob` });
  return list.items.map((e: CoreV1.Event) => `${e.reason}: ${e.message}`);
}

const finished = (job: BatchV1.Job) =>
  job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

describe('the CronJob controller', () => {
  it('creates a Job at each scheduled time and notices when it completes', async () => {
    await cronJobs().create(cronJob('tick', {}));
    await advance(5);
    expect(await jobsOf('tick')).toHaveLength(0);

    const scheduled = await toNextRun();
    const name = `tick-${scheduled / 60_000}`;
    await eventually(async () => expect((await jobsOf('tick')).map((j) => j.metadata?.name)).toEqual([name]));
    const created = await jobs().get(name, NS);
    const cron = await cronJobs().get('tick', NS);
    expect(created.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(
      new Date(scheduled).toISOString().replace('.000Z', 'Z'),
    );
    expect(created.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'CronJob',
      name: 'tick',
      uid: cron.metadata?.uid,
      controller: true,
    });
    expect(cron.status?.lastScheduleTime).toBe(new Date(scheduled).toISOString().replace('.000Z', 'Z'));

    // The Job's pod runs one (simulated) second; the CronJob then drops it from status.active.
    await eventually(async () => {
      const now = await cronJobs().get('tick', NS);
      expect(now.status?.active ?? []).toHaveLength(0);
      expect(now.status?.lastSuccessfulTime).toBeTruthy();
    }, true);
    await eventually(async () => {
      const events = await eventsFor('tick');
      expect(events).toContain(`SuccessfulCreate: Created job ${name}`);
      expect(events).toContain(`SawCompletedJob: Saw completed job: ${name}, condition: Complete`);
    });
  });

  it('keeps successfulJobsHistoryLimit finished Jobs and deletes older ones', async () => {
    await cronJobs().create(cronJob('history', { successfulJobsHistoryLimit: 1 }));
    const names: string[] = [];
    for (let run = 0; run < 3; run++) {
      const scheduled = await toNextRun();
      names.push(`history-${scheduled / 60_000}`);
      await eventually(async () => expect(finished(await jobs().get(names[run]!, NS))).toBe(true), true);
    }
    await toNextRun();
    await eventually(async () => {
      const left = (await jobsOf('history')).filter((j) => !j.metadata?.deletionTimestamp && finished(j));
      expect(left.map((j) => j.metadata?.name)).toEqual([expect.any(String)]);
    }, true);
    const events = await eventsFor('history');
    expect(events).toContain(`SuccessfulDelete: Deleted job ${names[0]}`);
  }, 30_000);

  it('with concurrencyPolicy Forbid skips a run while the last Job is active', async () => {
    await cronJobs().create(cronJob('forbid', { concurrencyPolicy: 'Forbid' }, 600));
    await toNextRun();
    await eventually(async () => expect(await jobsOf('forbid')).toHaveLength(1));
    await toNextRun();
    await eventually(async () =>
      expect(await eventsFor('forbid')).toContain(
        'JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid',
      ),
    );
    expect(await jobsOf('forbid')).toHaveLength(1);
    await cronJobs().patch('forbid', { spec: { suspend: true } }, { namespace: NS });
  }, 30_000);

  it('with concurrencyPolicy Replace deletes the running Job and starts a new one', async () => {
    await cronJobs().create(cronJob('replace', { concurrencyPolicy: 'Replace' }, 600));
    const first = `replace-${(await toNextRun()) / 60_000}`;
    await eventually(async () =>
      expect((await cronJobs().get('replace', NS)).status?.active).toHaveLength(1),
    );
    const second = `replace-${(await toNextRun()) / 60_000}`;
    await eventually(async () => {
      const active = (await cronJobs().get('replace', NS)).status?.active ?? [];
      expect(active.map((ref) => ref.name)).toEqual([second]);
    });
    expect(await eventsFor('replace')).toContain(`SuccessfulDelete: Deleted job ${first}`);
    await cronJobs().patch('replace', { spec: { suspend: true } }, { namespace: NS });
  }, 30_000);

  it('creates nothing while suspended, then starts only the most recent missed run', async () => {
    await cronJobs().create(cronJob('missed', { suspend: true }));
    await toNextRun();
    await toNextRun();
    const latest = await toNextRun();
    expect(await jobsOf('missed')).toHaveLength(0);
    await cronJobs().patch('missed', { spec: { suspend: false } }, { namespace: NS });
    await eventually(async () =>
      expect((await jobsOf('missed')).map((j) => j.metadata?.name)).toEqual([`missed-${latest / 60_000}`]),
    );
  }, 30_000);

  it('does not start a run older than startingDeadlineSeconds, but the next one', async () => {
    await cronJobs().create(cronJob('late', { suspend: true, startingDeadlineSeconds: 10 }));
    await toNextRun(); // 30 s past that run: later than its 10 s deadline
    await cronJobs().patch('late', { spec: { suspend: false } }, { namespace: NS });
    await eventually(async () => expect((await cronJobs().get('late', NS)).spec?.suspend).toBe(false));
    await advance(2);
    expect(await jobsOf('late')).toHaveLength(0);
    const next = await toNextRun();
    await eventually(async () =>
      expect((await jobsOf('late')).map((j) => j.metadata?.name)).toEqual([`late-${next / 60_000}`]),
    );
  }, 30_000);

  it('works with kubectl create cronjob and kubectl create job --from=cronjob', async () => {
    const created = await kubectl(cluster.kubeconfigPath, [
      'create',
      'cronjob',
      'hello',
      '--image=busybox',
      '--schedule=*/5 * * * *',
      '--',
      'echo',
      'hi',
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('cronjob.batch/hello created');
    const fromCron = await kubectl(cluster.kubeconfigPath, [
      'create',
      'job',
      'hello-now',
      '--from=cronjob/hello',
    ]);
    expect(fromCron.stderr).toBe('');
    expect(fromCron.stdout).toContain('job.batch/hello-now created');
    const job = await jobs().get('hello-now', NS);
    expect(job.metadata?.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'hello' });
    await eventually(async () => {
      expect(finished(await jobs().get('hello-now', NS))).toBe(true);
    }, true);
    // A manual Job is not one the CronJob started: it is not listed as active.
    const listed = await kubectl(cluster.kubeconfigPath, ['get', 'cronjob', 'hello']);
    expect(listed.stdout).toMatch(/hello\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0/);
  });
});
