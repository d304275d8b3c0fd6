/**
 * The kubelet on real Docker, driven by the real kubectl: pods run as containers, their logs,
 * exec and port-forward stream through the API server, and nothing is left behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { dockerUnavailable } from '../support/docker.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const skip = await dockerUnavailable();
if (skip) console.warn(skip);

/** Containers the node made, by its label. */
const containersOf = (node: string) =>
  execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.kubedesk.node=${node}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

describe.skipIf(skip)('the kubelet on Docker, through kubectl', () => {
  const node = `e2e-${process.pid}`;
  let cluster: TestCluster;
  const k = (...args: string[]) => kubectl(cluster.kubeconfigPath, args, { timeoutMs: 60_000 });

  beforeAll(async () => {
    cluster = await startTestCluster({ controlPlane: true, runtime: 'docker', nodeName: node });
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
    for (const id of containersOf(node)) execFileSync('docker', ['rm', '-f', id]);
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
      const port = await forward.port;
      const body = await new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/group' }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(body).toContain('root:x:0:');
    } finally {
      forward.stop();
    }
  });

  it('deletes a pod and leaves none of its containers behind', async () => {
    expect((await k('delete', 'pod', 'pair', 'once', '--wait=true')).code).toBe(0);
    await vi.waitFor(() => expect(containersOf(node)).toEqual([]), { timeout: 30_000, interval: 250 });
  });
});

/** `kubectl port-forward pod :remote`, resolving with the local port it chose. */
function kubectlPortForward(kubeconfig: string, pod: string, remote: number) {
  const child = spawn('kubectl', ['port-forward', `pod/${pod}`, `:${remote}`], {
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
