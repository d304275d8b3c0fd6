import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type BatchV1, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { jsonLogger } from '../../embedded-cluster/util/logger.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['job', 'ttl-after-finished', 'garbagecollector'],
    ...(process.env.JOB_TEST_LOG ? { logger: jsonLogger('test') } : {}),
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

const NS = 'default';

function job(
  name: string,
  spec: Partial<BatchV1.JobSpec>,
  annotations: Record<string, string> = {},
): BatchV1.Job {
  return {
    metadata: { name, namespace: NS },
    spec: {
      ...spec,
      template: {
        metadata: { annotations: { 'simulation.kubedesk.dev/run-seconds': '0.3', ...annotations } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox' }] },
      },
    },
  };
}

const jobs = () => cluster.client.resource(resources.jobs);
const pods = () => cluster.client.resource(resources.pods);

async function podsOf(name: string): Promise<CoreV1.Pod[]> {
  return (await pods().list({ namespace: NS, labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
}

async function eventsFor(name: string): Promise<CoreV1.Event[]> {
  const list = await cluster.client
    .resource(resources.events)
    .list({ namespace: NS, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

function condition(j: BatchV1.Job, type: string) {
  return j.status?.conditions?.find((c) => c.type === type);
}

describe('the Job controller', () => {
  it('runs completions 3 with parallelism 2 to Complete, and kubectl wait sees it', async () => {
    await jobs().create(job('pi', { completions: 3, parallelism: 2 }));
    // Never more than parallelism at once.
    await vi.waitFor(async () => expect((await jobs().get('pi', NS)).status?.active).toBe(2), {
      timeout: 5000,
    });
    const waited = await kubectl(cluster.kubeconfigPath, [
      'wait',
      '--for=condition=complete',
      'job/pi',
      '--timeout=20s',
    ]);
    expect(waited.stderr).toBe('');
    expect(waited.stdout).toContain('job.batch/pi condition met');
    const done = await jobs().get('pi', NS);
    expect(done.status?.succeeded).toBe(3);
    expect(done.status?.active ?? 0).toBe(0);
    expect(done.status?.startTime).toBeTruthy();
    expect(done.status?.completionTime).toBeTruthy();
    expect(done.status?.uncountedTerminatedPods).toEqual({});
    expect(condition(done, 'SuccessCriteriaMet')).toMatchObject({
      status: 'True',
      reason: 'CompletionsReached',
    });
    expect(condition(done, 'Complete')).toMatchObject({
      status: 'True',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
    });
    // Pods carry the job labels, the generated name, and lose the tracking finalizer once counted.
    const created = await podsOf('pi');
    expect(created).toHaveLength(3);
    for (const pod of created) {
      expect(pod.metadata?.generateName).toBe('pi-');
      expect(pod.metadata?.labels?.['job-name']).toBe('pi');
      expect(pod.metadata?.labels?.['batch.kubernetes.io/controller-uid']).toBe(done.metadata?.uid);
      expect(pod.metadata?.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'pi', controller: true });
    }
    await vi.waitFor(async () => {
      const reasons = (await eventsFor('pi')).map((e) => `${e.reason}: ${e.message}`);
      expect(reasons).toContain('Completed: Job completed');
      expect(reasons.filter((r) => r.startsWith('SuccessfulCreate: Created pod: pi-'))).toHaveLength(3);
    });
    const shown = await kubectl(cluster.kubeconfigPath, ['get', 'job', 'pi']);
    expect(shown.stdout).toMatch(/pi\s+Complete\s+3\/3/);
  });

  it('counts pods that are deleted after finishing (tracking finalizer)', async () => {
    await jobs().create(job('counted', { completions: 1 }));
    await vi.waitFor(
      async () => expect(condition(await jobs().get('counted', NS), 'Complete')).toBeTruthy(),
      {
        timeout: 10_000,
      },
    );
    for (const pod of await podsOf('counted')) await pods().delete(pod.metadata!.name!, { namespace: NS });
    await vi.waitFor(async () => expect(await podsOf('counted')).toHaveLength(0), { timeout: 5000 });
    expect((await jobs().get('counted', NS)).status?.succeeded).toBe(1);
  });

  it('fails with BackoffLimitExceeded when pods fail past backoffLimit', async () => {
    await jobs().create(job('fails', { backoffLimit: 0 }, { 'simulation.kubedesk.dev/exit-code': '1' }));
    await vi.waitFor(async () => expect(condition(await jobs().get('fails', NS), 'Failed')).toBeTruthy(), {
      timeout: 10_000,
    });
    const failed = await jobs().get('fails', NS);
    expect(failed.status?.failed).toBe(1);
    expect(condition(failed, 'FailureTarget')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
    });
    expect(condition(failed, 'Failed')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(failed.status?.completionTime).toBeUndefined();
    await vi.waitFor(async () => {
      const events = await eventsFor('fails');
      expect(events.find((e) => e.reason === 'BackoffLimitExceeded')).toMatchObject({
        type: 'Warning',
        message: 'Job has reached the specified backoff limit',
      });
    });
  });

  it('waits 10 s before replacing a failed pod', async () => {
    await jobs().create(job('retry', { backoffLimit: 1 }, { 'simulation.kubedesk.dev/exit-code': '2' }));
    await vi.waitFor(async () => expect((await podsOf('retry'))[0]?.status?.phase).toBe('Failed'), {
      timeout: 5000,
    });
    const firstFailedAt = Date.now();
    await vi.waitFor(async () => expect(await podsOf('retry')).toHaveLength(2), {
      timeout: 15_000,
      interval: 200,
    });
    expect(Date.now() - firstFailedAt).toBeGreaterThan(8_000);
    await vi.waitFor(async () => expect(condition(await jobs().get('retry', NS), 'Failed')).toBeTruthy(), {
      timeout: 5000,
    });
    expect((await jobs().get('retry', NS)).status?.failed).toBe(2);
  }, 30_000);

  it('stops a Job at activeDeadlineSeconds with DeadlineExceeded and deletes its pods', async () => {
    await jobs().create(
      job(
        'slow',
        { activeDeadlineSeconds: 1, parallelism: 2 },
        { 'simulation.kubedesk.dev/run-seconds': '60' },
      ),
    );
    await vi.waitFor(async () => expect(condition(await jobs().get('slow', NS), 'Failed')).toBeTruthy(), {
      timeout: 10_000,
    });
    const failed = await jobs().get('slow', NS);
    expect(condition(failed, 'Failed')).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
    expect(failed.status?.failed).toBe(2);
    expect(failed.status?.active ?? 0).toBe(0);
    expect(failed.status?.terminating).toBe(0);
    await vi.waitFor(async () => expect(await podsOf('slow')).toHaveLength(0), { timeout: 5000 });
  });

  it('gives an Indexed Job one pod per index and reports completedIndexes', async () => {
    await jobs().create(job('indexed', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await vi.waitFor(
      async () => expect(condition(await jobs().get('indexed', NS), 'Complete')).toBeTruthy(),
      {
        timeout: 10_000,
      },
    );
    const done = await jobs().get('indexed', NS);
    expect(done.status?.completedIndexes).toBe('0-2');
    expect(done.status?.succeeded).toBe(3);
    const created = await podsOf('indexed');
    const indexes = created.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']);
    expect(indexes.sort()).toEqual(['0', '1', '2']);
    for (const pod of created) {
      const index = pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'];
      expect(pod.metadata?.labels?.['batch.kubernetes.io/job-completion-index']).toBe(index);
      expect(pod.metadata?.name).toMatch(new RegExp(`^indexed-${index}-`));
      expect(pod.spec?.hostname).toBe(`indexed-${index}`);
      expect(pod.spec?.containers[0]?.env).toContainEqual({
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: {
          fieldRef: {
            apiVersion: 'v1',
            fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
          },
        },
      });
    }
  });

  it('runs a work queue (no completions) until one pod succeeds', async () => {
    await jobs().create(job('queue', { parallelism: 2, completions: undefined }));
    await vi.waitFor(async () => expect(condition(await jobs().get('queue', NS), 'Complete')).toBeTruthy(), {
      timeout: 10_000,
    });
    const done = await jobs().get('queue', NS);
    expect(done.spec?.completions).toBeUndefined();
    expect(done.status?.succeeded).toBe(2);
  });

  it('deletes the pods of a suspended Job and marks it Suspended, then resumes', async () => {
    await jobs().create(job('paused', { parallelism: 1 }, { 'simulation.kubedesk.dev/run-seconds': '60' }));
    await vi.waitFor(async () => expect((await jobs().get('paused', NS)).status?.active).toBe(1), {
      timeout: 5000,
    });
    await jobs().patch('paused', { spec: { suspend: true } }, { namespace: NS });
    await vi.waitFor(
      async () => {
        const suspended = await jobs().get('paused', NS);
        expect(condition(suspended, 'Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended' });
        expect(suspended.status?.active ?? 0).toBe(0);
        expect(await podsOf('paused')).toHaveLength(0);
      },
      { timeout: 5000 },
    );
    expect((await jobs().get('paused', NS)).status?.failed ?? 0).toBe(0);
    await jobs().patch('paused', { spec: { suspend: false } }, { namespace: NS });
    await vi.waitFor(
      async () => {
        const resumed = await jobs().get('paused', NS);
        expect(condition(resumed, 'Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
        expect(resumed.status?.active).toBe(1);
      },
      { timeout: 5000 },
    );
  });

  it('deletes a finished Job and its pods ttlSecondsAfterFinished later', async () => {
    await jobs().create(job('short-lived', { ttlSecondsAfterFinished: 1 }));
    await vi.waitFor(
      async () => expect(condition(await jobs().get('short-lived', NS), 'Complete')).toBeTruthy(),
      { timeout: 10_000 },
    );
    expect(await podsOf('short-lived')).toHaveLength(1);
    // Deleted in the foreground: the garbage collector removes the pods, then the Job.
    await vi.waitFor(
      async () => {
        await expect(jobs().get('short-lived', NS)).rejects.toThrow(/not found/);
        expect(await podsOf('short-lived')).toHaveLength(0);
      },
      { timeout: 10_000 },
    );
  });

  it('counts container restarts against backoffLimit under restartPolicy OnFailure', async () => {
    const onFailure = job('restarts', { backoffLimit: 1 }, { 'simulation.kubedesk.dev/exit-code': '1' });
    onFailure.spec!.template.spec!.restartPolicy = 'OnFailure';
    await jobs().create(onFailure);
    await vi.waitFor(async () => expect(condition(await jobs().get('restarts', NS), 'Failed')).toBeTruthy(), {
      timeout: 10_000,
    });
    const failed = await jobs().get('restarts', NS);
    expect(condition(failed, 'Failed')?.reason).toBe('BackoffLimitExceeded');
    // One pod, restarted in place; stopped once the limit was reached.
    expect(failed.status?.failed).toBe(1);
    const events = await eventsFor('restarts');
    expect(events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(1);
  });
});
