import { cpus, totalmem } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, runtime: 'simulated', controllers: [] });
});
afterAll(async () => {
  await cluster?.destroy();
});

const pods = () => cluster.client.resource(resources.pods);

async function createPod(
  name: string,
  spec: Partial<CoreV1.PodSpec> = {},
  annotations: Record<string, string> = {},
): Promise<void> {
  await pods().create({
    metadata: { name, namespace: 'default', annotations },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
  });
}

/** The pod once `check` passes on it. */
async function podWhen(name: string, check: (pod: CoreV1.Pod) => void, timeout = 5000): Promise<CoreV1.Pod> {
  return vi.waitFor(
    async () => {
      const pod = await pods().get(name, 'default');
      check(pod);
      return pod;
    },
    { timeout, interval: 50 },
  );
}

/** A binary quantity (`16Gi`, `1234Ki`, `5000`) in bytes. */
function bytes(quantity: string | undefined): number {
  const match = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(quantity ?? '');
  if (!match) return NaN;
  const power = { Ki: 1, Mi: 2, Gi: 3, Ti: 4 }[match[2] as 'Ki'] ?? 0;
  return Number(match[1]) * 1024 ** power;
}

const condition = (pod: CoreV1.Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type);

describe('the simulated node', () => {
  it('registers a Ready node that says it is simulated, with the host as capacity', async () => {
    const node = await cluster.client.resource(resources.nodes).get('kubedesk');
    expect(node.metadata?.labels).toMatchObject({
      'kubedesk.dev/simulated': 'true',
      'kubernetes.io/hostname': 'kubedesk',
      'kubernetes.io/os': 'linux',
    });
    expect(node.spec?.podCIDR).toBe('10.244.0.0/16');
    const status = node.status!;
    expect(status.nodeInfo?.containerRuntimeVersion).toMatch(/^simulated:\/\//);
    expect(status.nodeInfo?.osImage).toMatch(/simulated/);
    expect(status.nodeInfo?.kubeletVersion).toMatch(/^v1\.32\./);
    expect(status.capacity).toMatchObject({ cpu: String(cpus().length), pods: '110' });
    // Allocatable leaves out the default hard eviction thresholds: memory.available<100Mi,
    // nodefs.available<10%.
    expect(bytes(status.capacity?.memory)).toBe(totalmem());
    expect(bytes(status.allocatable?.memory)).toBe(totalmem() - 100 * 1024 * 1024);
    const storage = bytes(status.capacity?.['ephemeral-storage']);
    expect(storage).toBeGreaterThan(0);
    expect(bytes(status.allocatable?.['ephemeral-storage'])).toBe(storage - Math.ceil(storage * 0.1));
    expect(status.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['MemoryPressure', 'False'],
      ['DiskPressure', 'False'],
      ['PIDPressure', 'False'],
      ['Ready', 'True'],
    ]);
    expect(status.addresses?.map((a) => a.type)).toEqual(['InternalIP', 'Hostname']);
  });

  it('heartbeats through a Lease owned by its Node', async () => {
    const node = await cluster.client.resource(resources.nodes).get('kubedesk');
    const lease = await vi.waitFor(() =>
      cluster.client.resource(resources.leases).get('kubedesk', 'kube-node-lease'),
    );
    expect(lease.spec).toMatchObject({ holderIdentity: 'kubedesk', leaseDurationSeconds: 40 });
    expect(lease.spec?.renewTime).toMatch(/\.\d{6}Z$/);
    expect(lease.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', uid: node.metadata?.uid });
  });

  it('registers its Node again when someone deletes it', async () => {
    const nodes = cluster.client.resource(resources.nodes);
    const before = await nodes.get('kubedesk');
    await nodes.delete('kubedesk');
    const after = await vi.waitFor(
      async () => {
        const node = await nodes.get('kubedesk');
        expect(node.metadata?.uid).not.toBe(before.metadata?.uid);
        expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
        return node;
      },
      { timeout: 5000, interval: 50 },
    );
    await vi.waitFor(async () => {
      const lease = await cluster.client.resource(resources.leases).get('kubedesk', 'kube-node-lease');
      expect(lease.metadata?.ownerReferences?.[0]?.uid).toBe(after.metadata?.uid);
    });
  });

  it('runs a pod as a kubelet reports it: Running, Ready, its conditions, an IP of its own', async () => {
    await createPod('web', {
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '10m' } } }],
    });
    await createPod('web2');
    const web = await podWhen('web', (pod) => expect(pod.status?.phase).toBe('Running'));
    const web2 = await podWhen('web2', (pod) => expect(pod.status?.phase).toBe('Running'));
    const node = await cluster.client.resource(resources.nodes).get('kubedesk');
    const nodeIP = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const status = web.status!;
    expect(status.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    expect(status.qosClass).toBe('Burstable');
    expect(status.hostIP).toBe(nodeIP);
    expect(status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(status.podIPs).toEqual([{ ip: status.podIP }]);
    expect(web2.status?.podIP).not.toBe(status.podIP);
    expect(status.startTime).toBeTruthy();
    expect(status.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(status.containerStatuses?.[0]).toMatchObject({
      name: 'c',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: {} },
    });
  });

  it('gives a hostNetwork pod the node address', async () => {
    await createPod('host', { hostNetwork: true });
    const pod = await podWhen('host', (p) => expect(p.status?.phase).toBe('Running'));
    expect(pod.status?.podIP).toBe(pod.status?.hostIP);
  });

  it('finishes pods that may finish: Succeeded, or Failed with the exit code', async () => {
    const quick = { 'simulation.kubedesk.dev/run-seconds': '0.2' };
    await createPod('ok', { restartPolicy: 'Never' }, quick);
    await createPod(
      'bad',
      { restartPolicy: 'Never' },
      { ...quick, 'simulation.kubedesk.dev/exit-code': '3' },
    );
    await createPod('fixed', { restartPolicy: 'OnFailure' }, quick);
    const ok = await podWhen('ok', (p) => expect(p.status?.phase).toBe('Succeeded'));
    expect(ok.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(condition(ok, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(condition(ok, 'Initialized')).toMatchObject({ status: 'True', reason: 'PodCompleted' });
    expect(condition(ok, 'PodReadyToStartContainers')?.status).toBe('False');
    const bad = await podWhen('bad', (p) => expect(p.status?.phase).toBe('Failed'));
    expect(bad.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
    });
    expect(condition(bad, 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
    await podWhen('fixed', (p) => expect(p.status?.phase).toBe('Succeeded'));
  });

  it('restarts a failing container (OnFailure or Always), then backs off: CrashLoopBackOff', async () => {
    const crash = { 'simulation.kubedesk.dev/run-seconds': '0.1', 'simulation.kubedesk.dev/exit-code': '2' };
    await createPod('retry', { restartPolicy: 'OnFailure' }, crash);
    await createPod('crash', {}, crash);
    for (const name of ['retry', 'crash']) {
      // The first restart is immediate; the second waits 10 s.
      const pod = await podWhen(name, (p) =>
        expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff'),
      );
      const status = pod.status!.containerStatuses![0]!;
      expect(pod.status?.phase).toBe('Running');
      expect(status.restartCount).toBe(1);
      expect(status.ready).toBe(false);
      expect(status.state?.waiting?.message).toMatch(/^back-off 10s restarting failed container=c pod=/);
      expect(status.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
      expect(condition(pod, 'Ready')).toMatchObject({
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [c]',
      });
    }
  });

  it('keeps a pod un-ready when told, or makes it ready after a delay', async () => {
    await createPod('unready', {}, { 'simulation.kubedesk.dev/ready': 'false' });
    await createPod('slow', {}, { 'simulation.kubedesk.dev/ready-after-seconds': '0.5' });
    const slow = await podWhen('slow', (p) => expect(p.status?.phase).toBe('Running'));
    expect(condition(slow, 'Ready')?.status).toBe('False');
    await podWhen('slow', (p) => expect(condition(p, 'Ready')?.status).toBe('True'));
    const unready = await podWhen('unready', (p) => expect(p.status?.phase).toBe('Running'));
    expect(condition(unready, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(condition(unready, 'ContainersReady')?.status).toBe('False');
  });

  it('stops a deleted pod’s containers (exit 143, as SIGTERM) and removes it from the API', async () => {
    const running = await podWhen('web2', (p) => expect(p.status?.phase).toBe('Running'));
    const seen: CoreV1.Pod[] = [];
    const abort = new AbortController();
    const watching = (async () => {
      const events = pods().watch({
        namespace: 'default',
        resourceVersion: running.metadata!.resourceVersion!,
        fieldSelector: 'metadata.name=web2',
        signal: abort.signal,
      });
      for await (const event of events) {
        seen.push(event.object);
        if (event.type === 'DELETED') return;
      }
    })().catch(() => {});
    await pods().delete('web2', { namespace: 'default' });
    await vi.waitFor(() => expect(pods().get('web2', 'default')).rejects.toThrow(/not found/), {
      timeout: 5000,
    });
    await watching;
    abort.abort();
    const stopped = seen.find((p) => p.status?.containerStatuses?.[0]?.state?.terminated);
    expect(stopped?.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 143,
      reason: 'Error',
    });
    expect(stopped?.status?.phase).toBe('Failed');
  });
});
