/**
 * A pod's life on real Docker, as a learner meets it: command and args over an image's
 * ENTRYPOINT/CMD, env and the downward API, shared emptyDir and hostPath volumes, a ConfigMap
 * update reaching its mounted file, probes (liveness restarts, CrashLoopBackOff, readiness),
 * graceful deletion (SIGTERM → 143, ignored → SIGKILL → 137), Jobs and static pods.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { dockerUnavailable, nodeContainers, removeNodeContainers } from '../support/docker.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';
import { tempDir } from '../support/temp-dir.js';

const skip = await dockerUnavailable();
if (skip) console.warn(skip);

/** An image with both ENTRYPOINT and CMD, built from the local busybox for this run. */
const ENTRY_IMAGE = `kubedesk-test/entrypoint:${process.pid}`;

describe.skipIf(skip)('a pod’s life on Docker', { timeout: 60_000 }, () => {
  const node = `life-${process.pid}`;
  let cluster: TestCluster;
  let hostDir: Awaited<ReturnType<typeof tempDir>>;
  const pods = () => cluster.client.resource(resources.pods);
  const k = (...args: string[]) => kubectl(cluster.kubeconfigPath, args, { timeoutMs: 60_000 });

  /** Create a pod (grace 1 s unless it says otherwise) in `default`. */
  const create = (name: string, spec: CoreV1.PodSpec, metadata: CoreV1.Pod['metadata'] = {}) =>
    pods().create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', ...metadata },
      spec: { terminationGracePeriodSeconds: 1, ...spec },
    });

  /** Wait until the pod satisfies `check` (a `expect`-throwing function); resolves to the pod. */
  const until = async (name: string, check: (pod: CoreV1.Pod) => void, timeout = 30_000) => {
    let last: CoreV1.Pod | undefined;
    await vi.waitFor(
      async () => {
        last = await pods().get(name, 'default');
        check(last);
      },
      { timeout, interval: 200 },
    );
    return last!;
  };
  const phase = (name: string, want: string) => until(name, (pod) => expect(pod.status?.phase).toBe(want));
  const logs = async (pod: string, container: string) => (await k('logs', pod, '-c', container)).stdout;
  const eventsOf = async (name: string) =>
    (
      await cluster.client
        .resource(resources.events)
        .list({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` })
    ).items;

  /**
   * Delete a pod and follow it to its removal: the last container state the kubelet reported
   * before the pod left the API, and how long the deletion took.
   */
  async function deleteAndFollow(name: string) {
    const list = await pods().list({ namespace: 'default', fieldSelector: `metadata.name=${name}` });
    const abort = new AbortController();
    const events = pods().watch({
      namespace: 'default',
      fieldSelector: `metadata.name=${name}`,
      resourceVersion: list.metadata.resourceVersion ?? '',
      signal: abort.signal,
    });
    const started = performance.now();
    await pods().delete(name, { namespace: 'default' });
    let terminated: CoreV1.ContainerStateTerminated | undefined;
    try {
      for await (const event of events) {
        if (event.type === 'BOOKMARK') continue;
        const state = event.object.status?.containerStatuses?.[0]?.state;
        if (state?.terminated) terminated = state.terminated;
        if (event.type === 'DELETED') break;
      }
    } finally {
      abort.abort();
    }
    return { terminated, seconds: (performance.now() - started) / 1000 };
  }

  beforeAll(async () => {
    execFileSync('docker', ['build', '-q', '-t', ENTRY_IMAGE, '-'], {
      input: 'FROM busybox:latest\nENTRYPOINT ["echo", "entrypoint"]\nCMD ["from-cmd"]\n',
    });
    hostDir = await tempDir('hostpath');
    cluster = await startTestCluster({ controlPlane: true, runtime: 'docker', nodeName: node });
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
    removeNodeContainers(node);
    execFileSync('docker', ['rmi', '-f', ENTRY_IMAGE]);
    await hostDir?.remove();
  }, 60_000);

  it('maps command and args onto the image’s ENTRYPOINT and CMD as Kubernetes does', async () => {
    await create('entry', {
      restartPolicy: 'Never',
      containers: [
        { name: 'neither', image: ENTRY_IMAGE, imagePullPolicy: 'Never' },
        { name: 'args', image: ENTRY_IMAGE, imagePullPolicy: 'Never', args: ['from-args'] },
        { name: 'command', image: ENTRY_IMAGE, imagePullPolicy: 'Never', command: ['echo', 'own'] },
        {
          name: 'both',
          image: ENTRY_IMAGE,
          imagePullPolicy: 'Never',
          command: ['echo', 'own'],
          args: ['and-args'],
        },
      ],
    });
    await phase('entry', 'Succeeded');
    expect(await logs('entry', 'neither')).toBe('entrypoint from-cmd\n');
    expect(await logs('entry', 'args')).toBe('entrypoint from-args\n');
    expect(await logs('entry', 'command')).toBe('own\n');
    expect(await logs('entry', 'both')).toBe('own and-args\n');
  });

  it('gives a container its env, downward API values and files', async () => {
    await create(
      'downward',
      {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'main',
            image: 'busybox',
            command: ['sh', '-c', 'echo "$GREETING $POD $NODE $IP $MEM $EXPANDED"; cat /info/labels'],
            resources: { limits: { memory: '64Mi' } },
            env: [
              { name: 'GREETING', value: 'hello' },
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              {
                name: 'MEM',
                valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
              },
              { name: 'EXPANDED', value: '$(GREETING)-$(POD)' },
            ],
            volumeMounts: [{ name: 'info', mountPath: '/info' }],
          },
        ],
        volumes: [
          {
            name: 'info',
            downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
          },
        ],
      },
      { labels: { app: 'demo', tier: 'web' } },
    );
    const pod = await phase('downward', 'Succeeded');
    const [line, ...labels] = (await logs('downward', 'main')).trim().split('\n');
    expect(line).toBe(`hello downward ${node} ${pod.status?.podIP} 64 hello-downward`);
    expect(labels).toEqual(['app="demo"', 'tier="web"']);
  });

  it('shares an emptyDir between containers and writes through a hostPath to the host', async () => {
    await create('volumes', {
      containers: [
        {
          name: 'writer',
          image: 'busybox',
          command: ['sh', '-c', 'echo shared > /data/note; echo host > /host/made-by-pod; sleep 3600'],
          volumeMounts: [
            { name: 'scratch', mountPath: '/data' },
            { name: 'host', mountPath: '/host' },
          ],
        },
        {
          name: 'reader',
          image: 'busybox',
          command: ['sleep', '3600'],
          volumeMounts: [{ name: 'scratch', mountPath: '/seen', readOnly: true }],
        },
      ],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'host', hostPath: { path: join(hostDir.path, 'made'), type: 'DirectoryOrCreate' } },
      ],
    });
    await until('volumes', (pod) =>
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True'),
    );
    await vi.waitFor(
      async () =>
        expect((await k('exec', 'volumes', '-c', 'reader', '--', 'cat', '/seen/note')).stdout).toBe(
          'shared\n',
        ),
      { timeout: 10_000, interval: 250 },
    );
    expect(await readFile(join(hostDir.path, 'made', 'made-by-pod'), 'utf8')).toBe('host\n');
    const readOnly = await k('exec', 'volumes', '-c', 'reader', '--', 'touch', '/seen/x');
    expect(readOnly.code).not.toBe(0);
    expect(readOnly.stderr).toContain('Read-only file system');
  });

  it('refreshes a mounted ConfigMap when it changes', async () => {
    const configMaps = cluster.client.resource(resources.configMaps);
    await configMaps.create({
      metadata: { name: 'settings', namespace: 'default' },
      data: { mode: 'first' },
    });
    await create('config', {
      containers: [
        {
          name: 'main',
          image: 'busybox',
          command: ['sleep', '3600'],
          volumeMounts: [{ name: 'settings', mountPath: '/etc/settings' }],
        },
      ],
      volumes: [{ name: 'settings', configMap: { name: 'settings' } }],
    });
    await phase('config', 'Running');
    const read = async () => (await k('exec', 'config', '--', 'cat', '/etc/settings/mode')).stdout;
    await vi.waitFor(async () => expect(await read()).toBe('first'), { timeout: 10_000, interval: 250 });
    await configMaps.patch('settings', { data: { mode: 'second' } }, { namespace: 'default', type: 'merge' });
    await vi.waitFor(async () => expect(await read()).toBe('second'), { timeout: 15_000, interval: 250 });
    // Written as the kubelet's atomic writer does: the key is a link into the current `..data`.
    expect((await k('exec', 'config', '--', 'readlink', '/etc/settings/mode')).stdout.trim()).toBe(
      '..data/mode',
    );
  });

  it('restarts a container whose liveness probe fails, with the reason in its last state', async () => {
    await create('liveness', {
      containers: [
        {
          name: 'main',
          image: 'busybox',
          command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600'],
          livenessProbe: {
            exec: { command: ['cat', '/tmp/healthy'] },
            periodSeconds: 1,
            failureThreshold: 1,
          },
        },
      ],
    });
    const pod = await until(
      'liveness',
      (p) => expect(p.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1),
      30_000,
    );
    // PID 1 ignores SIGTERM, so the kill ends in SIGKILL after the 1 s grace: 137, as kube reports it.
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 137,
      reason: 'Error',
    });
    const reasons = (await eventsOf('liveness')).map((e) => `${e.reason}: ${e.message}`);
    expect(reasons).toContain('Killing: Container main failed liveness probe, will be restarted');
    expect(
      reasons.some((r) => r.startsWith("Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy'")),
    ).toBe(true);
  });

  it('backs off a crashing container (CrashLoopBackOff)', async () => {
    await create('crash', {
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo dying; exit 3'] }],
    });
    const pod = await until('crash', (p) =>
      expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff'),
    );
    const status = pod.status!.containerStatuses![0]!;
    expect(status.state?.waiting?.message).toMatch(
      new RegExp(
        `^back-off (10|20)s restarting failed container=main pod=crash_default\\(${pod.metadata!.uid}\\)$`,
      ),
    );
    expect(status.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(status.ready).toBe(false);
    expect(pod.status?.phase).toBe('Running');
    expect((await k('logs', 'crash', '--previous')).stdout).toBe('dying\n');
  });

  it('flips Ready with the readiness probe', async () => {
    await create('readiness', {
      containers: [
        {
          name: 'main',
          image: 'busybox',
          command: ['sleep', '3600'],
          readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
        },
      ],
    });
    const ready = (want: string) =>
      until('readiness', (p) =>
        expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe(want),
      );
    await phase('readiness', 'Running');
    await ready('False');
    expect((await k('exec', 'readiness', '--', 'touch', '/tmp/ready')).code).toBe(0);
    await ready('True');
    expect((await k('exec', 'readiness', '--', 'rm', '/tmp/ready')).code).toBe(0);
    const pod = await ready('False');
    expect(pod.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status).toBe('False');
  });

  it('stops a container that handles SIGTERM at once (143) and kills one that ignores it (137)', async () => {
    // With a shared process namespace pause is PID 1, so `sleep` dies of SIGTERM's default action.
    await create('graceful', {
      shareProcessNamespace: true,
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }],
    });
    // PID 1 of its own namespace, `sleep` has no handler: the signal is ignored.
    await create('stubborn', {
      terminationGracePeriodSeconds: 3,
      containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }],
    });
    await phase('graceful', 'Running');
    await phase('stubborn', 'Running');
    const [graceful, stubborn] = await Promise.all([
      deleteAndFollow('graceful'),
      deleteAndFollow('stubborn'),
    ]);
    expect(graceful.terminated).toMatchObject({ exitCode: 143, reason: 'Error' });
    expect(graceful.seconds).toBeLessThan(10);
    expect(stubborn.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(stubborn.seconds).toBeGreaterThanOrEqual(3);
  });

  it('runs a sidecar beside the app container and stops it when the app is done', async () => {
    await create('sidecar', {
      restartPolicy: 'Never',
      initContainers: [
        {
          name: 'web',
          image: 'busybox',
          restartPolicy: 'Always',
          command: ['httpd', '-f', '-p', '8081', '-h', '/etc'],
          startupProbe: { tcpSocket: { port: 8081 }, periodSeconds: 1 },
        },
      ],
      containers: [
        {
          name: 'main',
          image: 'busybox',
          command: ['sh', '-c', 'wget -qO- http://localhost:8081/hostname && echo main done'],
        },
      ],
    });
    const pod = await phase('sidecar', 'Succeeded');
    expect(await logs('sidecar', 'main')).toBe('sidecar\nmain done\n');
    expect(pod.status?.initContainerStatuses?.[0]).toMatchObject({ name: 'web', ready: false });
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).toBeDefined();
  });

  it('runs a Job’s pod to completion', async () => {
    expect(
      (await k('create', 'job', 'once', '--image=busybox', '--', 'sh', '-c', 'echo job done')).code,
    ).toBe(0);
    expect((await k('wait', '--for=condition=Complete', 'job/once', '--timeout=60s')).code).toBe(0);
    expect((await k('logs', 'job/once')).stdout).toBe('job done\n');
  });

  it('runs a static pod from the manifests directory with its mirror pod', async () => {
    const manifests = join(cluster.dataDir, 'kubelet', 'manifests');
    await mkdir(manifests, { recursive: true });
    await writeFile(
      join(manifests, 'static-web.yaml'),
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: static-web, namespace: default}',
        'spec:',
        '  terminationGracePeriodSeconds: 1',
        '  containers:',
        '  - {name: web, image: busybox, command: [httpd, -f, -p, "8080", -h, /etc]}',
      ].join('\n'),
    );
    const mirror = `static-web-${node}`;
    const pod = await until(mirror, (p) => expect(p.status?.phase).toBe('Running'));
    expect(pod.metadata?.annotations?.['kubernetes.io/config.mirror']).toBeDefined();
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: node });
    expect((await k('exec', mirror, '--', 'wget', '-qO-', 'http://localhost:8080/hostname')).code).toBe(0);

    // Deleting the mirror pod does not stop a static pod: a new mirror (a new API uid) shows the
    // same, still-running container, as with the real kubelet.
    const before = pod.metadata!.uid;
    const container = pod.status?.containerStatuses?.[0]?.containerID;
    await pods().delete(mirror, { namespace: 'default' });
    const again = await until(mirror, (p) => {
      expect(p.metadata?.uid).not.toBe(before);
      expect(p.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    });
    expect(again.status?.containerStatuses?.[0]?.containerID).toBe(container);
    expect(again.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect((await k('exec', mirror, '--', 'true')).code).toBe(0);

    await rm(join(manifests, 'static-web.yaml'));
    await vi.waitFor(
      async () =>
        expect(
          (await pods().list({ namespace: 'default' })).items.map((p) => p.metadata?.name),
        ).not.toContain(mirror),
      { timeout: 30_000, interval: 250 },
    );
  });

  it('leaves no containers or volume directories behind once its pods are deleted', async () => {
    expect((await k('delete', 'pods', '--all', '--wait=true', '--timeout=60s')).code).toBe(0);
    expect((await k('delete', 'jobs', '--all', '--wait=true')).code).toBe(0);
    await vi.waitFor(() => expect(nodeContainers(node)).toEqual([]), { timeout: 30_000, interval: 250 });
    const podsDir = join(cluster.dataDir, 'kubelet', 'pods');
    await vi.waitFor(
      async () =>
        expect(existsSync(podsDir) ? execFileSync('ls', ['-A', podsDir], { encoding: 'utf8' }) : '').toBe(''),
      { timeout: 10_000, interval: 250 },
    );
  });
});
