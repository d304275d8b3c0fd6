import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { resources, type CoreV1 } from '../../../../embedded-cluster/client/index.js';
import { CORE_TYPES, KubeApi, StatusError } from '../../../../src-renderer/kube/index.js';
import { toWebSocketUrl, type WebSocketLike } from '../../../../src-renderer/streams/exec-session.js';
import { LogFollower } from '../../../../src-renderer/streams/log-follower.js';
import type { LogLine } from '../../../../src-renderer/streams/log-line.js';
import { streamPodLog } from '../../../../src-renderer/streams/log-request.js';
import type { LogSocketTransport } from '../../../../src-renderer/streams/log-socket.js';
import { FakeNodeStreams } from '../../../kubectl/streaming-fake-node.js';
import { kubeFetch, type KubeFetch } from '../../../support/kube-fetch.js';
import { startTestCluster, type TestCluster } from '../../../support/test-cluster.js';

/**
 * The renderer's log client over WebSocket against a real API server (`ws` standing in for the
 * browser's WebSocket; the gateway's part, the credentials, is the bearer token here), with the
 * pod's streams from the in-memory fake node: five lines, then two more followed.
 */
let cluster: TestCluster;
let node: FakeNodeStreams;
let fetchImpl: KubeFetch;
let api: KubeApi;
let transport: LogSocketTransport;
const protocols: string[] = [];

beforeAll(async () => {
  node = new FakeNodeStreams();
  await node.start();
  cluster = await startTestCluster({
    runtime: 'simulated',
    nodeStreams: (name) => (name === 'kubedesk' ? node : undefined),
  });
  fetchImpl = kubeFetch(cluster);
  api = new KubeApi({ baseUrl: cluster.url, fetch: fetchImpl });
  transport = {
    root: toWebSocketUrl(cluster.url),
    createSocket: (url, offered) => {
      const ws = new WebSocket(url, offered, {
        ca: cluster.caCert,
        headers: { Authorization: `Bearer ${cluster.token}` },
      });
      ws.once('open', () => protocols.push(ws.protocol));
      return ws as unknown as WebSocketLike;
    },
  };
  await cluster.client.resource(resources.pods).create({
    metadata: { name: 'web', namespace: 'default' },
    spec: { nodeName: 'kubedesk', containers: [{ name: 'app', image: 'busybox' }] },
  });
  await vi.waitFor(
    async () => {
      const p: CoreV1.Pod = await cluster.client.resource(resources.pods).get('web', 'default');
      expect(p.status?.phase).toBe('Running');
    },
    { timeout: 10_000, interval: 50 },
  );
}, 30_000);

afterAll(async () => {
  fetchImpl?.close();
  await cluster?.destroy();
  await node?.stop();
});

describe('logs over WebSocket against the API server', () => {
  it('the follower follows a pod over binary.k8s.io: the tail, new lines, the end', async () => {
    const lines: LogLine[] = [];
    const follower = new LogFollower({
      api,
      namespace: 'default',
      settings: { tailLines: 2 },
      onLines: (batch) => lines.push(...batch),
      socket: transport,
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
    expect(protocols.at(-1)).toBe('binary.k8s.io');
    expect(node.logRequests.at(-1)).toMatchObject({ follow: true, timestamps: true, tailLines: 2 });
    follower.stop();
  });

  it('a refused upgrade rejects with the server’s Status', async () => {
    const missing = streamPodLog(api, 'default', 'missing', { follow: true }, () => {}, undefined, transport);
    await expect(missing).rejects.toBeInstanceOf(StatusError);
    await expect(missing).rejects.toMatchObject({ code: 404, message: 'pods "missing" not found' });
    const invalid = streamPodLog(api, 'default', 'web', { tailLines: -1 }, () => {}, undefined, transport);
    await expect(invalid).rejects.toMatchObject({ code: 422 });
  });
});
