/**
 * The kubelet on real Docker, driven by the real kubectl: pods run as containers, their logs,
 * exec and port-forward stream through the API server, and nothing is left behind.
 */
import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { dockerUnavailable, nodeContainers, removeNodeContainers } from '../support/docker.js';
import { kubectl, kubectlBinary } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);

const skip = await dockerUnavailable();
if (skip) console.warn(skip);

/** Containers the node made, by its label. */
describe.skipIf(skip)('the kubelet on Docker, through kubectl', { timeout: 60_000 }, () => {
  const node = `e2e-${process.pid}`;
  let cluster: TestCluster;
  const k = (...args: string[]) => kubectl(cluster.kubeconfigPath, args, { timeoutMs: 60_000 });

  beforeAll(async () => {
    cluster = await startTestCluster({ controlPlane: true, runtime: 'docker', nodeName: node });
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
    removeNodeContainers(node);
  }, 60_000);

  it('runs a pod to completion and shows its log', async () => {
    expect(
      (
        await k(
          'run',
          'once',
          '--image=busybox',
          '--restart=Never',
          '--',
          'sh',
          '-c',
          'echo hello from $(hostname)',
        )
      ).code,
    ).toBe(0);
    await vi.waitFor(
      async () =>
        expect((await cluster.client.resource(resources.pods).get('once', 'default')).status?.phase).toBe(
          'Succeeded',
        ),
      { timeout: 30_000, interval: 200 },
    );
    const pod = await cluster.client.resource(resources.pods).get('once', 'default');
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect((await k('logs', 'once')).stdout).toBe('hello from once\n');
  });

  it('runs two containers that share the pod’s network, with exec and its exit code', async () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pair' },
      spec: {
        containers: [
          { name: 'web', image: 'busybox', command: ['httpd', '-f', '-p', '8080', '-h', '/etc'] },
          { name: 'client', image: 'busybox', command: ['sleep', '3600'] },
        ],
        terminationGracePeriodSeconds: 1,
      },
    };
    expect(
      (await kubectl(cluster.kubeconfigPath, ['apply', '-f', '-'], { input: JSON.stringify(manifest) })).code,
    ).toBe(0);
    expect((await k('wait', '--for=condition=Ready', 'pod/pair', '--timeout=60s')).code).toBe(0);
    const fetched = await k(
      'exec',
      'pair',
      '-c',
      'client',
      '--',
      'wget',
      '-qO-',
      'http://localhost:8080/passwd',
    );
    expect(fetched.stdout).toContain('root:x:0:0');
    const failed = await k('exec', 'pair', '-c', 'client', '--', 'sh', '-c', 'exit 3');
    expect(failed.code).toBe(3);
  });

  it('forwards a local port to the pod', async () => {
    const forward = kubectlPortForward(cluster.kubeconfigPath, 'pair', 8080);
    try {
      expect(await httpGet(await forward.port, '/group')).toContain('root:x:0:');
    } finally {
      forward.stop();
    }
  });

  describe.each(['1.27', '1.32', '1.33'])('kubectl %s', (version) => {
    const kv = (args: string[], input?: string) =>
      kubectl(cluster.kubeconfigPath, args, { version, timeoutMs: 60_000, ...(input ? { input } : {}) });

    beforeAll(async () => {
      if ((await k('get', 'pod', 'tools')).code === 0) return;
      const manifest = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'tools' },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: 'main', image: 'busybox', command: ['sleep', '3600'] },
            {
              name: 'talker',
              image: 'busybox',
              stdin: true,
              command: ['sh', '-c', 'while read line; do echo "got $line"; done'],
            },
            {
              name: 'ticker',
              image: 'busybox',
              command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done'],
            },
            { name: 'web', image: 'busybox', command: ['httpd', '-f', '-p', '8080', '-h', '/etc'] },
          ],
        },
      };
      const applied = await kubectl(cluster.kubeconfigPath, ['apply', '-f', '-'], {
        input: JSON.stringify(manifest),
      });
      expect(applied.code).toBe(0);
      expect((await k('wait', '--for=condition=Ready', 'pod/tools', '--timeout=60s')).code).toBe(0);
    }, 90_000);

    it('exec -i passes stdin and the exit code', async () => {
      const result = await kv(['exec', '-i', 'tools', '-c', 'main', '--', 'sh', '-c', 'cat; exit 7'], 'abc');
      expect(result.stdout).toBe('abc');
      expect(result.code).toBe(7);
    });

    it('exec -it gets a terminal of the size kubectl’s own terminal has', async () => {
      // `script` gives kubectl a real terminal (123×45), so kubectl asks for a TTY and sends its
      // size. The size is a resize after the start (Docker 20.10's exec takes none up front, as
      // with `docker exec -it`), so the command waits a moment before reading it.
      const command = `stty cols 123 rows 45; ${kubectlBinary(version)} exec -it tools -c main -- sh -c 'tty; sleep 0.5; stty size'`;
      const result = await run('script', ['-qec', command, '/dev/null'], {
        env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
        timeout: 60_000,
      });
      expect(result.stdout).toMatch(/\/dev\/pts\/\d+\r\n45 123\r\n/);
    });

    it('attach -i sends stdin to the container and shows its output', async () => {
      const child = spawn(kubectlBinary(version), ['attach', '-i', 'tools', '-c', 'talker'], {
        env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
      });
      try {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        await vi.waitFor(
          () => {
            // Until the attach is up, lines may be lost: send until one comes back.
            child.stdin.write(`hello ${version}\n`);
            expect(out).toContain(`got hello ${version}`);
          },
          { timeout: 20_000, interval: 500 },
        );
      } finally {
        child.kill();
      }
    });

    it('cp copies a file in and back out', async () => {
      const dir = await tempDir('cp');
      try {
        const original = join(dir.path, 'in.txt');
        await writeFile(original, `copied by kubectl ${version}\n`.repeat(1000));
        expect((await kv(['cp', original, 'tools:/tmp/in.txt', '-c', 'main'])).code).toBe(0);
        const back = join(dir.path, 'back.txt');
        expect((await kv(['cp', 'tools:/tmp/in.txt', back, '-c', 'main'])).code).toBe(0);
        expect(await readFile(back, 'utf8')).toBe(await readFile(original, 'utf8'));
      } finally {
        await dir.remove();
      }
    });

    it('logs -f follows the container', async () => {
      const child = spawn(kubectlBinary(version), ['logs', '-f', '--tail=1', 'tools', '-c', 'ticker'], {
        env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
      });
      try {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        await vi.waitFor(() => expect(out.match(/^tick \d+$/gm)?.length ?? 0).toBeGreaterThanOrEqual(3), {
          timeout: 20_000,
          interval: 100,
        });
      } finally {
        child.kill();
      }
    });

    it('port-forward reaches the pod', async () => {
      const forward = kubectlPortForward(cluster.kubeconfigPath, 'tools', 8080, version);
      try {
        expect(await httpGet(await forward.port, '/group')).toContain('root:x:0:');
      } finally {
        forward.stop();
      }
    });
  });

  it('deletes a pod and leaves none of its containers behind', async () => {
    expect((await k('delete', 'pod', 'pair', 'once', 'tools', '--wait=true')).code).toBe(0);
    await vi.waitFor(() => expect(nodeContainers(node)).toEqual([]), { timeout: 30_000, interval: 250 });
  });
});

/** `kubectl port-forward pod :remote`, resolving with the local port it chose. */
function kubectlPortForward(kubeconfig: string, pod: string, remote: number, version?: string) {
  const child = spawn(kubectlBinary(version), ['port-forward', `pod/${pod}`, `:${remote}`], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
  });
  const port = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${out}`)));
  });
  return { port, stop: () => child.kill() };
}

/** GET http://127.0.0.1:<port><path>; resolves to the body. */
function httpGet(port: number, path: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}
