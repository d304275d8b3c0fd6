import { writeFileSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';
import { events, expectEvent, pod, startKubelet, waitForPod } from './kubelet-harness.js';

let cluster: TestCluster;
let node: Awaited<ReturnType<typeof startKubelet>>;
const pods = () => cluster.client.resource(resources.pods);
/** `<reason> <fieldPath>` of a pod's events: the SUBOBJECT column of `kubectl get events -o wide`. */
const subobjects = async (podName: string) =>
  (
    await cluster.client
      .resource(resources.events)
      .list({ namespace: 'default', fieldSelector: `involvedObject.name=${podName}` })
  ).items.map((e) => `${e.reason} ${e.involvedObject.fieldPath ?? ''}`.trim());

beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    controllers: ['serviceaccount', 'root-ca-cert-publisher'],
  });
  node = await startKubelet(cluster);
});
afterAll(async () => {
  await node?.stop();
  await cluster?.destroy();
});

describe('kubelet on a container runtime', () => {
  it('runs a pod: sandbox, then its container; Running and Ready, with addresses and events', async () => {
    await pods().create(pod('web', {}));
    const p = await waitForPod(cluster, 'web', (p) => {
      expect(p.status?.phase).toBe('Running');
      expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    });
    expect(p.status?.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(p.status?.hostIP).toBe('192.168.1.10');
    expect(p.status?.qosClass).toBe('BestEffort');
    expect(p.status?.conditions?.map((c) => c.type)).toEqual([
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ]);
    const status = p.status!.containerStatuses![0]!;
    expect(status).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0 });
    expect(status.state?.running?.startedAt).toBeDefined();
    expect(status.containerID).toMatch(/^fake:\/\/c\d+$/);
    await vi.waitFor(async () => {
      const list = await events(cluster, 'web');
      expectEvent(list, 'Pulled: Container image "busybox:1.36" already present on machine');
      expectEvent(list, 'Created: Created container: app');
      expectEvent(list, 'Started: Started container app');
    });
    // Container events name the container (pkg/kubelet/container/ref.go), as the real kubelet's.
    expect(await subobjects('web')).toEqual(
      expect.arrayContaining([
        'Pulled spec.containers{app}',
        'Created spec.containers{app}',
        'Started spec.containers{app}',
      ]),
    );
  });

  it('reports Pending / ContainerCreating while the image is pulled, then Running', async () => {
    let release!: () => void;
    node.runtime.pullGate = new Promise((resolve) => (release = resolve));
    try {
      await pods().create(pod('creating', {}));
      const p = await waitForPod(cluster, 'creating', (p) => {
        expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
      });
      expect(p.status?.phase).toBe('Pending');
      // Posted, as the kubelet's SyncPod does, from what ran before this sync: no sandbox yet.
      expect(p.status?.conditions?.find((c) => c.type === 'PodReadyToStartContainers')?.status).toBe('False');
      expect(p.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [app]',
      });
    } finally {
      node.runtime.pullGate = undefined;
      release();
    }
    const running = await waitForPod(cluster, 'creating', (p) => expect(p.status?.phase).toBe('Running'));
    expect(running.status?.conditions?.find((c) => c.type === 'PodReadyToStartContainers')?.status).toBe(
      'True',
    );
  });

  it('reports ContainerCreating while the image cannot be pulled, then ErrImagePull / ImagePullBackOff', async () => {
    node.runtime.unpullable.add('nothere:1');
    await pods().create(pod('pull', { containers: [{ name: 'app', image: 'nothere:1' }] }));
    const p = await waitForPod(cluster, 'pull', (p) => {
      expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toMatch(
        /ErrImagePull|ImagePullBackOff/,
      );
    });
    expect(p.status?.phase).toBe('Pending');
    await vi.waitFor(async () =>
      expectEvent(await events(cluster, 'pull'), 'Failed to pull image "nothere:1"'),
    );
  });

  it.each([
    ['Never', 0, 'Succeeded', 'Completed'],
    ['Never', 1, 'Failed', 'Error'],
    ['OnFailure', 0, 'Succeeded', 'Completed'],
  ] as const)('restartPolicy %s, exit %d: the pod is %s (%s)', async (policy, code, phase, reason) => {
    const name = `exit-${policy.toLowerCase()}-${code}`;
    node.runtime.script = (c) =>
      c.podUid && c.labels['io.kubernetes.pod.name'] === name ? { exitCode: code } : {};
    await pods().create(pod(name, { restartPolicy: policy }));
    const p = await waitForPod(cluster, name, (p) => expect(p.status?.phase).toBe(phase));
    const s = p.status!.containerStatuses![0]!;
    expect(s.state?.terminated).toMatchObject({ exitCode: code, reason });
    expect(s.restartCount).toBe(0);
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted',
    });
  });

  it('Always restarts at once, then backs off (CrashLoopBackOff)', async () => {
    node.runtime.script = (c) => (c.labels['io.kubernetes.pod.name'] === 'crash' ? { exitCode: 2 } : {});
    await pods().create(pod('crash', { restartPolicy: 'Always' }));
    const p = await waitForPod(cluster, 'crash', (p) => {
      expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    });
    const s = p.status!.containerStatuses![0]!;
    expect(s.restartCount).toBe(1);
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(s.state?.waiting?.message).toMatch(
      /^back-off 10s restarting failed container=app pod=crash_default\(/,
    );
    expect(p.status?.phase).toBe('Running');
    await vi.waitFor(async () =>
      expectEvent(
        await events(cluster, 'crash'),
        'BackOff: Back-off restarting failed container app in pod crash_default(',
      ),
    );
    expect(await subobjects('crash')).toContain('BackOff spec.containers{app}');
  });

  it('OnFailure restarts a container that failed', async () => {
    node.runtime.script = (c) =>
      c.labels['io.kubernetes.pod.name'] === 'onfail' && c.attempt === 0 ? { exitCode: 4 } : {};
    await pods().create(pod('onfail', { restartPolicy: 'OnFailure' }));
    const p = await waitForPod(cluster, 'onfail', (p) => {
      expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(1);
      expect(p.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    });
    expect(p.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 4,
      reason: 'Error',
    });
    expect(p.status?.phase).toBe('Running');
  });

  it('reports the termination message file, or the log tail with FallbackToLogsOnError', async () => {
    node.runtime.script = (c) => {
      if (c.labels['io.kubernetes.pod.name'] !== 'msg') return {};
      // What the process writes to /dev/termination-log before it exits.
      if (c.name === 'app' && c.terminationMessageHostPath)
        writeFileSync(c.terminationMessageHostPath, 'disk full');
      return { exitCode: 1 };
    };
    await pods().create(
      pod('msg', {
        restartPolicy: 'Never',
        containers: [
          { name: 'app', image: 'busybox:1.36' },
          { name: 'logs', image: 'busybox:1.36', terminationMessagePolicy: 'FallbackToLogsOnError' },
        ],
      }),
    );
    const p = await waitForPod(cluster, 'msg', (p) => expect(p.status?.phase).toBe('Failed'));
    const byName = Object.fromEntries(
      p.status!.containerStatuses!.map((s) => [s.name, s.state?.terminated?.message]),
    );
    expect(byName).toEqual({ app: 'disk full', logs: 'log of logs attempt 0\n' });
  });

  it('reports OOMKilled', async () => {
    node.runtime.script = (c) => (c.labels['io.kubernetes.pod.name'] === 'oom' ? { oom: true } : {});
    await pods().create(pod('oom', { restartPolicy: 'Never' }));
    const p = await waitForPod(cluster, 'oom', (p) => expect(p.status?.phase).toBe('Failed'));
    expect(p.status!.containerStatuses![0]!.state?.terminated).toMatchObject({
      exitCode: 137,
      reason: 'OOMKilled',
    });
  });

  it('runs a sidecar (restartPolicy Always init container) beside the app, then stops it last', async () => {
    node.runtime.script = (c) => (c.name === 'setup' ? { exitCode: 0 } : {});
    await pods().create(
      pod('sidecar', {
        restartPolicy: 'Never',
        initContainers: [
          { name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always' },
          { name: 'setup', image: 'busybox:1.36' },
        ],
      }),
    );
    const running = await waitForPod(cluster, 'sidecar', (p) => expect(p.status?.phase).toBe('Running'));
    const uid = running.metadata!.uid!;
    // The next init container waits only for the sidecar to start, not to finish.
    const order = node.runtime.calls.filter((c) => /^start (proxy|setup|app)$/.test(c));
    expect(order.slice(-3)).toEqual(['start proxy', 'start setup', 'start app']);
    expect(
      running.status?.initContainerStatuses?.map((s) => [s.name, Object.keys(s.state ?? {})[0]]),
    ).toEqual([
      ['proxy', 'running'],
      ['setup', 'terminated'],
    ]);
    expect(running.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');

    // The app finishes: the sidecar is stopped, and its exit code does not fail the pod.
    node.runtime.exit(node.runtime.latest('app', uid)!.id, 0);
    const done = await waitForPod(cluster, 'sidecar', (p) => expect(p.status?.phase).toBe('Succeeded'));
    expect(done.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode).toBe(143);
    expect(node.runtime.calls.filter((c) => c.startsWith('stop proxy'))).toHaveLength(1);
  });

  it('runs init containers one at a time, in order, before the app containers', async () => {
    node.runtime.script = (c) => (c.name.startsWith('init') ? { exitCode: 0 } : {});
    await pods().create(
      pod('inits', {
        initContainers: [
          { name: 'init-1', image: 'busybox:1.36' },
          { name: 'init-2', image: 'busybox:1.36' },
        ],
      }),
    );
    const p = await waitForPod(cluster, 'inits', (p) => expect(p.status?.phase).toBe('Running'));
    expect(p.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual([
      'Completed',
      'Completed',
    ]);
    const uid = p.metadata!.uid!;
    const order = node.runtime.calls.filter((c) => /^start (init-1|init-2|app)$/.test(c));
    expect(order.slice(-3)).toEqual(['start init-1', 'start init-2', 'start app']);
    expect(
      node.runtime.latest('init-2', uid)!.finishedAt! <= node.runtime.latest('app', uid)!.startedAt!,
    ).toBe(true);
    await vi.waitFor(async () =>
      expect(await subobjects('inits')).toEqual(
        expect.arrayContaining([
          'Started spec.initContainers{init-1}',
          'Started spec.initContainers{init-2}',
          'Started spec.containers{app}',
        ]),
      ),
    );
  });

  it('fails a restartPolicy Never pod whose init container fails; app containers never start', async () => {
    node.runtime.script = (c) => (c.name === 'setup' ? { exitCode: 3 } : {});
    await pods().create(
      pod('badinit', { restartPolicy: 'Never', initContainers: [{ name: 'setup', image: 'busybox:1.36' }] }),
    );
    const p = await waitForPod(cluster, 'badinit', (p) => expect(p.status?.phase).toBe('Failed'));
    expect(p.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
    });
    expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    expect(node.runtime.latest('app', p.metadata!.uid)).toBeUndefined();
  });

  it('maps command/args and resolves env with $(VAR), fieldRef and configMapKeyRef', async () => {
    node.runtime.script = () => ({});
    await cluster.client
      .resource(resources.configMaps)
      .create({ metadata: { name: 'settings', namespace: 'default' }, data: { color: 'blue' } });
    await pods().create(
      pod('envs', {
        containers: [
          {
            name: 'app',
            image: 'busybox:1.36',
            command: ['/bin/sh', '-c'],
            args: ['echo $(GREETING) from $(POD_NAME)'],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
              { name: 'GREETING', value: 'hello $(COLOR)' },
            ],
          },
        ],
      }),
    );
    const p = await waitForPod(cluster, 'envs', (p) => expect(p.status?.phase).toBe('Running'));
    const config = node.runtime.latest('app', p.metadata!.uid)!.config;
    expect(config.entrypoint).toEqual(['/bin/sh', '-c']);
    expect(config.cmd).toEqual(['echo hello blue from envs']);
    expect(config.env).toEqual([
      { name: 'POD_NAME', value: 'envs' },
      { name: 'COLOR', value: 'blue' },
      { name: 'GREETING', value: 'hello blue' },
    ]);
  });

  it('waits with CreateContainerConfigError for a missing ConfigMap, and starts once it exists', async () => {
    await pods().create(
      pod('needs-cm', {
        containers: [{ name: 'app', image: 'busybox:1.36', envFrom: [{ configMapRef: { name: 'later' } }] }],
      }),
    );
    await waitForPod(cluster, 'needs-cm', (p) =>
      expect(p.status?.containerStatuses?.[0]?.state?.waiting).toMatchObject({
        reason: 'CreateContainerConfigError',
        message: 'configmap "later" not found',
      }),
    );
    await cluster.client
      .resource(resources.configMaps)
      .create({ metadata: { name: 'later', namespace: 'default' }, data: { K: 'v' } });
    await waitForPod(cluster, 'needs-cm', (p) => expect(p.status?.phase).toBe('Running'));
  });

  it('writes configMap volumes atomically (..data) and refreshes them when the ConfigMap changes', async () => {
    const cms = cluster.client.resource(resources.configMaps);
    await cms.create({ metadata: { name: 'files', namespace: 'default' }, data: { 'app.conf': 'v1' } });
    await pods().create(
      pod('cmvol', {
        volumes: [{ name: 'conf', configMap: { name: 'files' } }],
        containers: [
          { name: 'app', image: 'busybox:1.36', volumeMounts: [{ name: 'conf', mountPath: '/etc/app' }] },
        ],
      }),
    );
    const p = await waitForPod(cluster, 'cmvol', (p) => expect(p.status?.phase).toBe('Running'));
    const mount = node.runtime
      .latest('app', p.metadata!.uid)!
      .config.mounts.find((m) => m.containerPath === '/etc/app')!;
    expect(mount.readOnly).toBe(true);
    expect(await readFile(join(mount.hostPath, 'app.conf'), 'utf8')).toBe('v1');
    expect(await readlink(join(mount.hostPath, 'app.conf'))).toBe('..data/app.conf');
    const cm = await cms.get('files', 'default');
    await cms.update({ ...cm, data: { 'app.conf': 'v2' } });
    await vi.waitFor(async () => expect(await readFile(join(mount.hostPath, 'app.conf'), 'utf8')).toBe('v2'));
  });

  it('mounts the service account token volume (projected: token, ca.crt, namespace)', async () => {
    await pods().create(pod('sa', { automountServiceAccountToken: true }));
    const p = await waitForPod(cluster, 'sa', (p) => expect(p.status?.phase).toBe('Running'), 20_000);
    const mount = node.runtime
      .latest('app', p.metadata!.uid)!
      .config.mounts.find((m) => m.containerPath === '/var/run/secrets/kubernetes.io/serviceaccount')!;
    expect(await readFile(join(mount.hostPath, 'namespace'), 'utf8')).toBe('default');
    expect(await readFile(join(mount.hostPath, 'ca.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect((await readFile(join(mount.hostPath, 'token'), 'utf8')).split('.')).toHaveLength(3);
  });

  it('deletes gracefully: preStop, then stop with the remaining grace, then removes the pod', async () => {
    await pods().create(
      pod('graceful', {
        terminationGracePeriodSeconds: 20,
        containers: [
          {
            name: 'app',
            image: 'busybox:1.36',
            lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 1'] } } },
          },
        ],
      }),
    );
    const p = await waitForPod(cluster, 'graceful', (p) => expect(p.status?.phase).toBe('Running'));
    const container = node.runtime.latest('app', p.metadata!.uid)!;
    await pods().delete('graceful', { namespace: 'default' });
    await vi.waitFor(
      async () =>
        expect(
          (await pods().list({ namespace: 'default', fieldSelector: 'metadata.name=graceful' })).items,
        ).toEqual([]),
      { timeout: 10_000 },
    );
    const calls = node.runtime.calls;
    const preStop = calls.indexOf('exec app /bin/sh -c sleep 1');
    const stop = calls.findIndex((c, i) => i > preStop && /^stop app (19|20)$/.test(c));
    expect(preStop).toBeGreaterThanOrEqual(0);
    expect(stop).toBeGreaterThan(preStop);
    expect(container.exitCode).toBe(143);
    expect(node.runtime.containers.has(container.id)).toBe(false);
    expectEvent(await events(cluster, 'graceful'), 'Killing: Stopping container app');
  });
});
