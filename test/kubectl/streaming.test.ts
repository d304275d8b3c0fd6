import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubectl, kubectlBinary } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';
import { FakeNodeStreams } from './streaming-fake-node.js';

let cluster: TestCluster;
let node: FakeNodeStreams;
let files: string;

beforeAll(async () => {
  node = new FakeNodeStreams();
  await node.start();
  cluster = await startTestCluster({
    runtime: 'simulated',
    nodeStreams: (name) => (name === 'kubedesk' ? node : undefined),
  });
  files = await mkdtemp(join(tmpdir(), 'kubedesk-streaming-'));
  const pods = cluster.client.resource(resources.pods);
  const pod = (name: string, containers: string[], annotations: Record<string, string> = {}) =>
    pods.create({
      metadata: { name, namespace: 'default', annotations },
      spec: {
        nodeName: 'kubedesk',
        containers: containers.map((c) => ({ name: c, image: 'busybox', stdin: true })),
      },
    });
  await pod('web', ['web']);
  await pod('two', ['a', 'b']);
  await pod('annotated', ['a', 'b'], { 'kubectl.kubernetes.io/default-container': 'b' });
  await vi.waitFor(
    async () => {
      for (const name of ['web', 'two', 'annotated']) {
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
  if (files) await rm(files, { recursive: true, force: true });
});

/** Free a local port for port-forward (bind to 0, read it, close). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(['1.27', '1.32', '1.33'])('kubectl %s streaming', (version) => {
  const k = (args: string[], options: Parameters<typeof kubectl>[2] = {}) =>
    kubectl(cluster.kubeconfigPath, args, { version, ...options });

  it('exec prints output and propagates exit codes', async () => {
    const out = await k(['exec', 'web', '--', 'sh', '-c', 'echo hello; echo oops >&2']);
    expect(out).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect(out.stderr).toContain('oops');
    const failed = await k(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    expect(failed.code).toBe(3);
  });

  it('speaks WebSocket from 1.30 on (GET upgrade), SPDY before (POST upgrade)', async () => {
    const out = await k(['exec', 'web', '-v=6', '--', 'true']);
    expect(out.code).toBe(0);
    // 1.27 and 1.32 log `POST https://…/exec?… 101 Switching Protocols`; 1.33 logs key="value" pairs.
    const upgrade =
      /(?:verb=")?(GET|POST)"? (?:url=")?https:\/\/\S+\/exec\?\S*"? (?:status=")?101 Switching/.exec(
        out.stderr,
      );
    expect(upgrade?.[1], out.stderr).toBe(version === '1.27' ? 'POST' : 'GET');
  });

  it('exec -i passes stdin', async () => {
    const out = await k(['exec', '-i', 'web', '--', 'cat'], { input: 'from stdin\nline 2\n' });
    expect(out).toMatchObject({ code: 0, stdout: 'from stdin\nline 2\n' });
  });

  it('exec names the container, or says which to choose', async () => {
    const chosen = await k(['exec', 'two', '-c', 'b', '--', 'echo', 'in b']);
    expect(chosen).toMatchObject({ code: 0, stdout: 'in b\n' });
    expect(node.execs.at(-1)?.container).toBe('b');
    const annotated = await k(['exec', 'annotated', '--', 'echo', 'x']);
    expect(annotated.code).toBe(0);
    expect(node.execs.at(-1)?.container).toBe('b');
  });

  it('attach -i echoes stdin until it ends', async () => {
    const out = await k(['attach', '-i', 'web'], { input: 'hi\n' });
    expect(out.stdout).toContain('echo: hi');
    expect(out.code).toBe(0);
  });

  it('cp copies files in and out over exec (tar)', async () => {
    const source = join(files, `in-${version}.txt`);
    await writeFile(source, `hello from ${version}\n`);
    const inPod = join(files, `pod-${version}`);
    await rm(inPod, { recursive: true, force: true });
    // The fake node's "container" is this machine, so pod paths are local paths.
    const up = await k(['cp', source, `web:${inPod}`]);
    expect(up.stderr).toBe('');
    expect(await readFile(inPod, 'utf8')).toBe(`hello from ${version}\n`);
    const back = join(files, `back-${version}.txt`);
    const down = await k(['cp', `web:${inPod}`, back]);
    expect(down.code).toBe(0);
    expect(await readFile(back, 'utf8')).toBe(`hello from ${version}\n`);
  });

  it('logs with each flag, and -f until the container stops', async () => {
    expect((await k(['logs', 'web'])).stdout).toBe(node.lines.map((l) => `${l}\n`).join(''));
    expect((await k(['logs', 'web', '--tail=2'])).stdout).toBe('GET /healthz\nshutting down\n');
    expect((await k(['logs', 'web', '--timestamps', '--tail=1'])).stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z shutting down\n$/,
    );
    expect((await k(['logs', 'web', '--limit-bytes=5'])).stdout).toBe('start');
    expect((await k(['logs', 'web', '--since=2s'])).stdout.split('\n').length).toBeLessThanOrEqual(4);
    const sinceTime = new Date(Date.now() - 1500).toISOString();
    expect((await k(['logs', 'web', `--since-time=${sinceTime}`])).stdout).not.toContain('starting');
    // kubectl sends metav1.Time: whole seconds.
    expect(node.logRequests.at(-1)?.sinceTime).toBe(sinceTime.replace(/\.\d+Z$/, 'Z'));
    const previous = await k(['logs', 'web', '--previous']);
    expect(previous.code).not.toBe(0);
    expect(previous.stderr).toContain('previous terminated container "web" in pod "web" not found');
    const followed = await k(['logs', '-f', 'web', '--tail=1']);
    expect(followed).toMatchObject({ code: 0, stdout: 'shutting down\nfollow 1\nfollow 2\n' });
    // kubectl picks a container itself (the API's own message is tested in test/integration).
    const other = await k(['logs', 'two', '-c', 'b', '--tail=1']);
    expect(other).toMatchObject({ code: 0, stdout: 'shutting down\n' });
    expect(node.logRequests.at(-1)?.container).toBe('b');
  });

  it('port-forward reaches the pod port', async () => {
    const port = await freePort();
    const child = spawn(kubectlBinary(version), ['port-forward', 'pod/web', `${port}:80`], {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await vi.waitFor(() => expect(output).toContain('Forwarding from 127.0.0.1'), { timeout: 10_000 });
      for (const message of ['ping 1', 'ping 2']) {
        const echoed = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => socket.write(message));
          socket.once('data', (d: Buffer) => {
            resolve(d.toString());
            socket.end();
          });
          socket.once('error', reject);
        });
        expect(echoed).toBe(message);
      }
    } finally {
      child.kill();
    }
  });
});
