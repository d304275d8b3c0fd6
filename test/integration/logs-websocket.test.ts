import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { LogRequest } from '../../embedded-cluster/api/node-streams.js';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { FakeNodeStreams } from '../kubectl/streaming-fake-node.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

/**
 * `pods/<name>/log` as a WebSocket upgrade, as kube-apiserver serves it (wsstream.Reader):
 * `binary.k8s.io` (and no subprotocol) in binary messages, `base64.binary.k8s.io` in base64 text
 * messages, an empty first message, a normal close when the log ends; errors before the stream
 * are plain HTTP Status responses. The pod's node is the in-memory fake: five lines a second
 * apart, and with `follow` two more 100 ms apart before the container "stops".
 */
class RecordingNode extends FakeNodeStreams {
  readonly signals: AbortSignal[] = [];
  override logs(request: LogRequest, signal: AbortSignal) {
    this.signals.push(signal);
    return super.logs(request, signal);
  }
}

let cluster: TestCluster;
let node: RecordingNode;

beforeAll(async () => {
  node = new RecordingNode();
  await node.start();
  cluster = await startTestCluster({
    runtime: 'simulated',
    nodeStreams: (name) => (name === 'kubedesk' ? node : undefined),
  });
  const pods = cluster.client.resource(resources.pods);
  for (const [name, containers] of [
    ['web', ['web']],
    ['two', ['a', 'b']],
  ] as const) {
    await pods.create({
      metadata: { name, namespace: 'default' },
      spec: { nodeName: 'kubedesk', containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
    });
  }
  await vi.waitFor(
    async () => {
      for (const name of ['web', 'two']) {
        const p: CoreV1.Pod = await pods.get(name, 'default');
        expect(p.status?.phase).toBe('Running');
      }
    },
    { timeout: 10_000, interval: 50 },
  );
}, 30_000);

afterAll(async () => {
  await cluster?.destroy();
  await node?.stop();
});

interface Message {
  data: Buffer;
  binary: boolean;
}

/** A log WebSocket: every message with its frame type, the close code, the protocol chosen. */
async function openLog(pod: string, query: string, protocols: string[]) {
  const ws = new WebSocket(
    `${cluster.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/${pod}/log?${query}`,
    protocols,
    { ca: cluster.caCert, headers: { Authorization: `Bearer ${cluster.token}` } },
  );
  const messages: Message[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => messages.push({ data, binary }));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

/** An upgrade the server refuses: its HTTP status and the Status it sent. */
function refusal(pod: string, query: string, protocols: string[]) {
  return new Promise<{ code: number; body: { message?: string; code?: number } }>((resolve, reject) => {
    const ws = new WebSocket(
      `${cluster.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/${pod}/log?${query}`,
      protocols,
      { ca: cluster.caCert, headers: { Authorization: `Bearer ${cluster.token}` } },
    );
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('error', () => {});
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () =>
        resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) as { message?: string } }),
      );
    });
  });
}

describe('pods/log over WebSocket', () => {
  it('binary.k8s.io: an empty first message, the log as raw binary messages, a normal close', async () => {
    const s = await openLog('web', '', ['binary.k8s.io']);
    expect(s.ws.protocol).toBe('binary.k8s.io');
    expect(await s.closed).toBe(1000);
    expect(s.messages[0]).toEqual({ data: Buffer.alloc(0), binary: true });
    expect(s.messages.every((m) => m.binary)).toBe(true);
    expect(Buffer.concat(s.messages.map((m) => m.data)).toString()).toBe(
      node.lines.map((l) => `${l}\n`).join(''),
    );
  });

  it('base64.binary.k8s.io: base64 text messages; the options apply (tailLines, timestamps)', async () => {
    const s = await openLog('web', 'tailLines=2&timestamps=true', ['base64.binary.k8s.io']);
    expect(s.ws.protocol).toBe('base64.binary.k8s.io');
    expect(await s.closed).toBe(1000);
    expect(s.messages[0]).toEqual({ data: Buffer.alloc(0), binary: false });
    expect(s.messages.every((m) => !m.binary)).toBe(true);
    const text = s.messages.map((m) => Buffer.from(m.data.toString(), 'base64').toString()).join('');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/healthz\n\S+Z shutting down\n$/);
    expect(node.logRequests.at(-1)).toMatchObject({ tailLines: 2, timestamps: true, follow: false });
  });

  it('takes the first offered protocol it serves; none offered means binary', async () => {
    const first = await openLog('web', 'tailLines=1', [
      'v5.channel.k8s.io',
      'base64.binary.k8s.io',
      'binary.k8s.io',
    ]);
    expect(first.ws.protocol).toBe('base64.binary.k8s.io');
    await first.closed;
    const none = await openLog('web', 'tailLines=1', []);
    expect(none.ws.protocol).toBe('');
    await none.closed;
    expect(Buffer.concat(none.messages.map((m) => m.data)).toString()).toBe('shutting down\n');
  });

  it('follow: streams lines as the container writes them, closes normally when it stops', async () => {
    const s = await openLog('two', 'container=b&follow=true&tailLines=1', ['binary.k8s.io']);
    const text = () => Buffer.concat(s.messages.map((m) => m.data)).toString();
    await vi.waitFor(() => expect(text()).toBe('shutting down\nfollow 1\n'), { timeout: 2000, interval: 10 });
    expect(await s.closed).toBe(1000);
    expect(text()).toBe('shutting down\nfollow 1\nfollow 2\n');
    expect(node.logRequests.at(-1)).toMatchObject({ container: 'b', follow: true, tailLines: 1 });
  });

  it('limitBytes cuts the stream, then closes normally', async () => {
    const s = await openLog('web', 'limitBytes=12', ['binary.k8s.io']);
    expect(await s.closed).toBe(1000);
    expect(Buffer.concat(s.messages.map((m) => m.data)).toString()).toBe('starting\nlis');
  });

  it('the client closing stops the node stream', async () => {
    const s = await openLog('web', 'follow=true', ['binary.k8s.io']);
    const signal = node.signals.at(-1)!;
    expect(signal.aborted).toBe(false);
    s.ws.close();
    await vi.waitFor(() => expect(signal.aborted).toBe(true), { timeout: 2000, interval: 10 });
  });
});

describe('errors before the upgrade stay HTTP Status responses', () => {
  it('a container must be named when there are several (400)', async () => {
    const r = await refusal('two', 'follow=true', ['binary.k8s.io']);
    expect(r.code).toBe(400);
    expect(r.body.message).toBe('a container name must be specified for pod two, choose one of: [a b]');
  });

  it('a missing pod (404), bad options (422 and 400)', async () => {
    expect((await refusal('missing', '', ['binary.k8s.io'])).code).toBe(404);
    const tail = await refusal('web', 'tailLines=-1', ['binary.k8s.io']);
    expect(tail.code).toBe(422);
    expect(tail.body.message).toBe(
      'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    );
    expect((await refusal('web', 'sinceSeconds=x', ['binary.k8s.io'])).code).toBe(400);
  });

  it('only unsupported subprotocols offered (403)', async () => {
    const r = await refusal('web', '', ['v5.channel.k8s.io']);
    expect(r.code).toBe(403);
    expect(r.body.message).toBe(
      'requested protocol(s) are not supported: [v5.channel.k8s.io]; supports [binary.k8s.io base64.binary.k8s.io]',
    );
  });
});
