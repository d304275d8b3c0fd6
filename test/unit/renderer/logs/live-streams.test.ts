import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { resources, type CoreV1 } from '../../../../embedded-cluster/client/index.js';
import { CORE_TYPES, Informer, KubeApi, timerScheduler } from '../../../../src-renderer/kube/index.js';
import type { ExecExit } from '../../../../src-renderer/streams/exec-protocol.js';
import {
  ExecSession,
  execUrl,
  toWebSocketUrl,
  type WebSocketLike,
} from '../../../../src-renderer/streams/exec-session.js';
import { LogFollower } from '../../../../src-renderer/streams/log-follower.js';
import type { LogLine } from '../../../../src-renderer/streams/log-line.js';
import { FakeNodeStreams } from '../../../kubectl/streaming-fake-node.js';
import { kubeFetch, type KubeFetch } from '../../../support/kube-fetch.js';
import { startTestCluster, type TestCluster } from '../../../support/test-cluster.js';

/**
 * The renderer's stream clients against a real API server whose pod streams are served by the
 * in-memory fake node (exec runs local processes; logs are five lines, then two more followed):
 * the exec session over WebSocket (`ws` standing in for the browser's), and the log follower
 * over fetch, for one pod and for pods merged by a selector.
 */
let cluster: TestCluster;
let node: FakeNodeStreams;
let fetchImpl: KubeFetch;
let api: KubeApi;

beforeAll(async () => {
  node = new FakeNodeStreams();
  await node.start();
  cluster = await startTestCluster({
    runtime: 'simulated',
    nodeStreams: (name) => (name === 'kubedesk' ? node : undefined),
  });
  fetchImpl = kubeFetch(cluster);
  api = new KubeApi({ baseUrl: cluster.url, fetch: fetchImpl });
  const pods = cluster.client.resource(resources.pods);
  for (const [name, labels] of [
    ['web', { app: 'web' }],
    ['merge-a', { app: 'merge' }],
    ['merge-b', { app: 'merge' }],
  ] as const) {
    await pods.create({
      metadata: { name, namespace: 'default', labels },
      spec: { nodeName: 'kubedesk', containers: [{ name: 'app', image: 'busybox' }] },
    });
  }
  await vi.waitFor(
    async () => {
      for (const name of ['web', 'merge-a', 'merge-b']) {
        const p: CoreV1.Pod = await pods.get(name, 'default');
        expect(p.status?.phase).toBe('Running');
      }
    },
    { timeout: 10_000, interval: 50 },
  );
}, 30_000);

afterAll(async () => {
  fetchImpl?.close();
  await cluster?.destroy();
  await node?.stop();
});

/** Run a command in pod `web` and collect its output and end. */
function exec(
  command: string[],
): Promise<{ output: string; exit: ExecExit & { opened: boolean }; protocol: string }> {
  return new Promise((resolve) => {
    let output = '';
    let protocol = '';
    const url = execUrl(toWebSocketUrl(cluster.url), { namespace: 'default', pod: 'web', command });
    new ExecSession({
      url,
      createSocket: (u, protocols) =>
        new WebSocket(u, protocols, {
          ca: cluster.caCert,
          headers: { Authorization: `Bearer ${cluster.token}` },
        }) as unknown as WebSocketLike,
      onOpen: (p) => (protocol = p),
      onOutput: (data) => (output += new TextDecoder().decode(data)),
      onExit: (exit) => resolve({ output, exit, protocol }),
    });
  });
}

describe('exec over WebSocket', () => {
  it('runs `echo hi`: prints hi, exit code 0, on v5', async () => {
    const { output, exit, protocol } = await exec(['sh', '-c', 'echo hi']);
    expect(protocol).toBe('v5.channel.k8s.io');
    expect(output).toBe('hi\n');
    expect(exit).toMatchObject({ status: 'Success', code: 0, opened: true });
    expect(node.execs.at(-1)).toMatchObject({ tty: true, stdin: true, container: 'app' });
  });

  it('reports a non-zero exit code', async () => {
    const { exit } = await exec(['sh', '-c', 'exit 3']);
    expect(exit).toMatchObject({ status: 'Failure', code: 3, reason: 'NonZeroExitCode' });
  });
});

describe('log follower', () => {
  it('follows a pod: the tail, then new lines, then the end', async () => {
    const lines: LogLine[] = [];
    const follower = new LogFollower({
      api,
      namespace: 'default',
      settings: { tailLines: 2 },
      onLines: (batch) => lines.push(...batch),
    });
    follower.update([(await api.get(CORE_TYPES.pods, 'web', { namespace: 'default' })) as never]);
    await vi.waitFor(() => expect(follower.sources[0]?.state).toBe('ended'), { timeout: 5000 });
    expect(lines.map((l) => l.text)).toEqual([
      'GET /healthz',
      'shutting down',
      'follow 1',
      'follow 2',
      'log stream ended (the container stopped)',
    ]);
    expect(lines[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    expect(node.logRequests.at(-1)).toMatchObject({ follow: true, timestamps: true, tailLines: 2 });
    follower.stop();
  });

  it("merges a selector's pods, and ends a deleted pod's stream with a marker", async () => {
    const lines: LogLine[] = [];
    const follower = new LogFollower({
      api,
      namespace: 'default',
      settings: { tailLines: 1, follow: false },
      onLines: (batch) => lines.push(...batch),
    });
    const informer = new Informer({
      api,
      type: CORE_TYPES.pods,
      namespace: 'default',
      labelSelector: 'app=merge',
      scheduleFlush: timerScheduler(0),
    });
    informer.onChange(() => follower.update([...informer.items.values()] as never));
    informer.start();
    await vi.waitFor(() => expect(lines.filter((l) => !l.marker)).toHaveLength(2), { timeout: 5000 });
    const bySource = lines.map((l) => `${follower.sources[l.source!]!.pod}: ${l.text}`).sort();
    expect(bySource).toEqual(['merge-a: shutting down', 'merge-b: shutting down']);
    await cluster.client
      .resource(resources.pods)
      .delete('merge-b', { namespace: 'default', gracePeriodSeconds: 0 });
    await vi.waitFor(
      () => expect(lines.at(-1)).toMatchObject({ text: 'pod merge-b is gone', marker: true }),
      {
        timeout: 5000,
      },
    );
    informer.stop();
    follower.stop();
  });
});
