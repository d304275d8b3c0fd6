import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { FakeNodeStreams } from '../kubectl/streaming-fake-node.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let node: FakeNodeStreams;

beforeAll(async () => {
  node = new FakeNodeStreams();
  await node.start();
  cluster = await startTestCluster({
    runtime: 'simulated',
    nodeStreams: (name) => (name === 'kubedesk' ? node : undefined),
  });
  const pods = cluster.client.resource(resources.pods);
  const pod = (name: string, containers: string[], nodeName?: string) =>
    pods.create({
      metadata: { name, namespace: 'default' },
      spec: {
        ...(nodeName ? { nodeName } : {}),
        containers: containers.map((c) => ({ name: c, image: 'busybox' })),
      },
    });
  await pod('web', ['web'], 'kubedesk');
  await pod('two', ['a', 'b'], 'kubedesk');
  await pod('pending', ['c']);
  await pod('elsewhere', ['c'], 'no-such-node');
  await vi.waitFor(
    async () => {
      const p: CoreV1.Pod = await pods.get('two', 'default');
      expect(p.status?.phase).toBe('Running');
    },
    { timeout: 10_000, interval: 50 },
  );
}, 30_000);

afterAll(async () => {
  await cluster?.destroy();
  await node?.stop();
});

const path = (pod: string, sub: string, query: string) =>
  `/api/v1/namespaces/default/pods/${pod}/${sub}?${query}`;

/** A plain HTTPS GET/POST; resolves with the status code and body. */
function http(method: string, url: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${cluster.url}${url}`,
      { method, ca: cluster.caCert, headers: { Authorization: `Bearer ${cluster.token}` } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Open a WebSocket to the API server; collects messages by channel. */
async function openSocket(url: string, protocols: string[]) {
  const ws = new WebSocket(`${cluster.url.replace('https', 'wss')}${url}`, protocols, {
    ca: cluster.caCert,
    headers: { Authorization: `Bearer ${cluster.token}` },
  });
  const channels = new Map<number, Buffer[]>();
  ws.on('message', (data: Buffer) => {
    channels.set(data[0]!, [...(channels.get(data[0]!) ?? []), data.subarray(1)]);
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const text = (channel: number) => Buffer.concat(channels.get(channel) ?? []).toString();
  const send = (channel: number, data: string | Buffer) =>
    ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  return { ws, text, send, closed, channels };
}

describe('exec and attach over WebSocket', () => {
  it('v5 with a TTY: stdin, resize, close signal, Success on the error channel', async () => {
    const s = await openSocket(path('web', 'exec', 'command=cat&stdin=true&stdout=true&tty=true'), [
      'v5.channel.k8s.io',
    ]);
    expect(s.ws.protocol).toBe('v5.channel.k8s.io');
    s.send(4, '{"Width":120,"Height":40}');
    s.send(0, 'typed\n');
    await vi.waitFor(() => expect(s.text(1)).toBe('typed\n'));
    s.ws.send(Buffer.from([255, 0]));
    await s.closed;
    expect(JSON.parse(s.text(3))).toEqual({ metadata: {}, status: 'Success' });
    expect(node.resizes).toContainEqual({ width: 120, height: 40 });
    expect(node.execs.at(-1)).toMatchObject({ tty: true, stdin: true, stderr: false, command: ['cat'] });
  });

  it('v4: stdout, stderr and a non-zero exit code as NonZeroExitCode', async () => {
    const query =
      'command=sh&command=-c&command=echo%20out%3B%20echo%20err%20%3E%262%3B%20exit%203&stdout=true&stderr=true';
    const s = await openSocket(path('web', 'exec', query), ['v4.channel.k8s.io']);
    await s.closed;
    expect(s.text(1)).toBe('out\n');
    expect(s.text(2)).toBe('err\n');
    expect(JSON.parse(s.text(3))).toEqual({
      metadata: {},
      status: 'Failure',
      message:
        'command terminated with non-zero exit code: error executing command [sh -c echo out; echo err >&2; exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('attach streams the main process output', async () => {
    const s = await openSocket(path('web', 'attach', 'stdout=true'), ['v5.channel.k8s.io']);
    await s.closed;
    expect(s.text(1)).toBe('attached to web\nmain process exited\n');
  });
});

describe('port-forward over plain WebSocket', () => {
  it('prefixes each channel with its port, then carries data; errors on the error channel', async () => {
    const s = await openSocket(path('web', 'portforward', 'ports=80,81'), ['v4.channel.k8s.io']);
    await vi.waitFor(() => expect(s.channels.get(3)?.length).toBe(2));
    const port = (b: Buffer | undefined) => b?.readUInt16LE(0);
    expect(port(s.channels.get(0)?.[0])).toBe(80);
    expect(port(s.channels.get(1)?.[0])).toBe(80);
    expect(port(s.channels.get(2)?.[0])).toBe(81);
    expect(s.channels.get(3)?.[1]?.toString()).toContain('error forwarding port 81 to pod web');
    s.send(0, 'echo me');
    await vi.waitFor(() => expect(Buffer.concat(s.channels.get(0)!.slice(1)).toString()).toBe('echo me'));
    s.ws.close();
  });
});

describe('API checks before streaming', () => {
  it('a container must be named when there are several', async () => {
    const res = await http('GET', path('two', 'log', ''));
    expect(res.code).toBe(400);
    expect(JSON.parse(res.body).message).toBe(
      'a container name must be specified for pod two, choose one of: [a b]',
    );
    const wrong = await http('GET', path('two', 'log', 'container=z'));
    expect(JSON.parse(wrong.body).message).toBe('container z is not valid for pod two');
  });

  it('a pod without a node, or on a node without streams', async () => {
    const pending = await http('GET', path('pending', 'log', ''));
    expect(pending).toMatchObject({ code: 400 });
    expect(JSON.parse(pending.body).message).toBe('pod pending does not have a host assigned');
    expect((await http('GET', path('elsewhere', 'log', ''))).code).toBe(503);
    expect((await http('GET', path('missing', 'log', ''))).code).toBe(404);
  });

  it('validates log options as kube does', async () => {
    const tail = await http('GET', path('web', 'log', 'tailLines=-1'));
    expect(tail.code).toBe(422);
    expect(JSON.parse(tail.body).message).toBe(
      'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    );
    const both = await http('GET', path('web', 'log', 'sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z'));
    expect(both.code).toBe(422);
    expect((await http('GET', path('web', 'log', 'limitBytes=0'))).code).toBe(422);
  });

  it('exec without an upgrade is refused', async () => {
    const res = await http('POST', path('web', 'exec', 'command=true&stdout=true'));
    expect(res.code).toBe(400);
    expect(JSON.parse(res.body).message).toBe('Upgrade request required');
  });

  it('a refused upgrade answers with a Status (what kubectl prints)', async () => {
    const ws = new WebSocket(
      `${cluster.url.replace('https', 'wss')}${path('web', 'exec', 'command=true')}`,
      ['v5.channel.k8s.io'],
      {
        ca: cluster.caCert,
        headers: { Authorization: `Bearer ${cluster.token}` },
      },
    );
    const refused = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      ws.once('open', () => reject(new Error('upgraded')));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
    });
    expect(refused.code).toBe(400);
    expect(JSON.parse(refused.body).message).toBe('you must specify at least 1 of stdin, stdout, stderr');
  });
});
