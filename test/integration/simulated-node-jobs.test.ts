import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type BatchV1 } from '../../embedded-cluster/client/index.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, runtime: 'simulated', controllers: ['job'] });
});
afterAll(async () => {
  await cluster?.destroy();
});

function job(name: string, spec: Partial<BatchV1.JobSpec>, annotations: Record<string, string>): BatchV1.Job {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      template: {
        metadata: { annotations },
        spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox' }] },
      },
      ...spec,
    },
  };
}

describe('Jobs on the simulated node', () => {
  it('completes: its pods run, exit 0 and are Succeeded', async () => {
    const jobs = cluster.client.resource(resources.jobs);
    await jobs.create(
      job('twice', { completions: 2, parallelism: 2 }, { 'simulation.kubedesk.dev/run-seconds': '0.2' }),
    );
    await vi.waitFor(
      async () => {
        const status = (await jobs.get('twice', 'default')).status;
        expect(status?.succeeded).toBe(2);
        expect(status?.conditions?.find((c) => c.type === 'Complete')?.status).toBe('True');
      },
      { timeout: 15_000, interval: 100 },
    );
    const pods = await cluster.client
      .resource(resources.pods)
      .list({ namespace: 'default', labelSelector: 'job-name=twice' });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Succeeded', 'Succeeded']);
  });

  it('counts container restarts of an OnFailure pod toward backoffLimit', async () => {
    const jobs = cluster.client.resource(resources.jobs);
    const failing = job(
      'flaky',
      { backoffLimit: 1 },
      { 'simulation.kubedesk.dev/run-seconds': '0.1', 'simulation.kubedesk.dev/exit-code': '1' },
    );
    failing.spec!.template.spec!.restartPolicy = 'OnFailure';
    await jobs.create(failing);
    await vi.waitFor(
      async () => {
        const status = (await jobs.get('flaky', 'default')).status;
        expect(status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({
          status: 'True',
          reason: 'BackoffLimitExceeded',
        });
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});
