import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { KubeletNodeStreams } from '../../embedded-cluster/kubelet/node-streams.js';
import { systemClock } from '../../embedded-cluster/util/clock.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';
import { NODE, pod, startKubelet, waitForPod } from './kubelet-harness.js';

let cluster: TestCluster;
let node: Awaited<ReturnType<typeof startKubelet>>;
const runtime = new FakeRuntime();
const pods = () => cluster.client.resource(resources.pods);
let dataDir: string;

beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, controllers: ['serviceaccount'] });
  dataDir = join(cluster.dataDir, 'kubelet');
  node = await startKubelet(cluster, { runtime, dataDir });
});
afterAll(async () => {
  await node?.stop();
  await cluster?.destroy();
});

describe('kubelet node behaviour', () => {
  it('registers its node, Ready, with the runtime it runs on', async () => {
    const n = await cluster.client.resource(resources.nodes).get(NODE);
    expect(n.status?.nodeInfo?.containerRuntimeVersion).toBe('fake://1.0.0');
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('runs static pods from <dataDir>/manifests as mirror pods, recreates a deleted mirror, removes it with the file', async () => {
    await mkdir(join(dataDir, 'manifests'), { recursive: true });
    const manifest = join(dataDir, 'manifests', 'static-web.yaml');
    await writeFile(
      manifest,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: static-web\n  labels: {role: web}\nspec:\n  containers:\n  - name: web\n    image: busybox:1.36\n',
    );
    const name = `static-web-${NODE}`;
    const p = await waitForPod(cluster, name, (p) => expect(p.status?.phase).toBe('Running'));
    expect(p.metadata?.annotations?.['kubernetes.io/config.mirror']).toMatch(/^[0-9a-f]{32}$/);
    expect(p.metadata?.annotations?.['kubernetes.io/config.source']).toBe('file');
    expect(p.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: NODE, controller: true });
    await pods().delete(name, { namespace: 'default' });
    await vi.waitFor(
      async () => {
        const again = await pods().get(name, 'default');
        expect(again.metadata?.uid).not.toBe(p.metadata?.uid);
      },
      { timeout: 15_000, interval: 100 },
    );
    await rm(manifest);
    await vi.waitFor(
      async () =>
        expect(
          (await pods().list({ namespace: 'default', fieldSelector: `metadata.name=${name}` })).items,
        ).toEqual([]),
      { timeout: 15_000, interval: 100 },
    );
  });

  it('serves logs, previous logs, exec and port-forward through NodeStreams', async () => {
    runtime.script = (c) =>
      c.labels['io.kubernetes.pod.name'] === 'streams' && c.attempt === 0 ? { exitCode: 1 } : {};
    await pods().create(pod('streams', { restartPolicy: 'Always' }));
    const p = await waitForPod(cluster, 'streams', (p) => {
      expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(1);
      expect(p.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    });
    const streams = new KubeletNodeStreams(runtime, systemClock);
    const ref = { namespace: 'default', pod: 'streams', podUid: p.metadata!.uid!, container: 'app' };
    const signal = new AbortController().signal;
    const opts = { follow: false, timestamps: false };
    expect(await text(await streams.logs({ ...ref, ...opts, previous: false }, signal))).toBe(
      'log of app attempt 1\n',
    );
    expect(await text(await streams.logs({ ...ref, ...opts, previous: true }, signal))).toBe(
      'log of app attempt 0\n',
    );
    // Only the pod's own containers are listed (on Docker each listed container costs an inspect).
    const listed = vi.spyOn(runtime, 'listContainers');
    const session = await streams.exec({
      ...ref,
      command: ['ls'],
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
    });
    expect(await session.done).toEqual({ exitCode: 0 });
    expect(listed).toHaveBeenCalledWith({ podUid: ref.podUid });
    expect(listed).not.toHaveBeenCalledWith();
    await streams.portForward({ namespace: 'default', pod: 'streams', podUid: ref.podUid, port: 8080 });
    expect(runtime.calls.at(-1)).toMatch(/^portforward sandbox\d+ 8080$/);
    await expect(
      streams.exec({
        ...ref,
        container: 'nope',
        command: ['ls'],
        stdin: false,
        stdout: true,
        stderr: true,
        tty: false,
      }),
    ).rejects.toThrow('container not found ("nope")');
  });

  it('adopts running containers after a restart instead of starting them again, and removes orphans', async () => {
    runtime.script = () => ({});
    await pods().create(pod('keep', {}));
    const before = await waitForPod(cluster, 'keep', (p) => expect(p.status?.phase).toBe('Running'));
    await node.stop();
    // While the kubelet is down, a pod is force-deleted: its containers are orphans.
    await pods().create(pod('orphan', {}));
    const orphanUid = (await pods().get('orphan', 'default')).metadata!.uid!;
    await pods().delete('orphan', { namespace: 'default', gracePeriodSeconds: 0 });
    const sandbox = await runtime.runSandbox({
      podUid: orphanUid,
      namespace: 'default',
      name: 'orphan',
      hostname: 'orphan',
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      shareProcessNamespace: false,
      portMappings: [],
      labels: { 'io.kubernetes.pod.uid': orphanUid, 'dev.kubedesk.node': NODE },
    });
    const creates = runtime.calls.filter((c) => c.startsWith('create ')).length;
    node = await startKubelet(cluster, { runtime, dataDir });
    await vi.waitFor(() => expect(runtime.sandboxes.has(sandbox.id)).toBe(false));
    const after = await waitForPod(cluster, 'keep', (p) => expect(p.status?.phase).toBe('Running'));
    expect(after.status?.containerStatuses?.[0]?.containerID).toBe(
      before.status?.containerStatuses?.[0]?.containerID,
    );
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(runtime.calls.filter((c) => c.startsWith('create ')).length).toBe(creates);
  });

  it('reports the node NotReady, naming the socket, while the runtime is down', async () => {
    runtime.down = true;
    await pods().create(pod('while-down', {}));
    await vi.waitFor(
      async () => {
        const n = await cluster.client.resource(resources.nodes).get(NODE);
        expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
          status: 'False',
          reason: 'KubeletNotReady',
          message: expect.stringContaining('unix:///var/run/docker.sock'),
        });
      },
      { timeout: 10_000, interval: 100 },
    );
    runtime.down = false;
    await waitForPod(cluster, 'while-down', (p) => expect(p.status?.phase).toBe('Running'), 20_000);
  });
});
