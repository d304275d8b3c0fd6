/**
 * The Metrics API on real Docker: a pod that burns CPU shows up in `kubectl top pods --containers`
 * and the node in `kubectl top nodes`, as with metrics-server installed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { dockerUnavailable, removeNodeContainers } from '../support/docker.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const skip = await dockerUnavailable();
if (skip) console.warn(skip);

describe.skipIf(skip)('kubectl top on the Docker kubelet', () => {
  const node = `metrics-${process.pid}`;
  let cluster: TestCluster;
  const k = (...args: string[]) => kubectl(cluster.kubeconfigPath, args, { timeoutMs: 60_000 });

  beforeAll(async () => {
    cluster = await startTestCluster({ controlPlane: true, runtime: 'docker', nodeName: node });
    const pod = {
      apiVersion: 'v1' as const,
      kind: 'Pod' as const,
      metadata: { name: 'burner', namespace: 'default', labels: { app: 'burner' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          // A light, steady load: a short busy loop, then a sleep, over and over.
          {
            name: 'burn',
            image: 'busybox',
            command: [
              'sh',
              '-c',
              'while :; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 0.2; done',
            ],
          },
          { name: 'idle', image: 'busybox', command: ['sleep', '3600'] },
        ],
      },
    };
    await cluster.client.resource(resources.pods).create(pod);
    await vi.waitFor(
      async () =>
        expect((await cluster.client.resource(resources.pods).get('burner', 'default')).status?.phase).toBe(
          'Running',
        ),
      { timeout: 30_000, interval: 200 },
    );
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
    removeNodeContainers(node);
  }, 60_000);

  it('lists metrics.k8s.io in discovery', async () => {
    const out = await k('api-resources', '--api-group=metrics.k8s.io', '--no-headers');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics/m);
    expect(out.stdout).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics/m);
  });

  it('shows each container’s CPU and memory with kubectl top pods --containers', async () => {
    const out = await k('top', 'pods', '--containers', '-l', 'app=burner');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(out.stdout).toMatch(/^burner\s+burn\s+\d+m\s+\d+Mi/m);
    expect(out.stdout).toMatch(/^burner\s+idle\s+\d+m\s+\d+Mi/m);
    const burn = Number(/^burner\s+burn\s+(\d+)m/m.exec(out.stdout)![1]);
    expect(burn).toBeGreaterThan(0);
  });

  it('shows the node with kubectl top nodes', async () => {
    const out = await k('top', 'nodes');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^${node}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`, 'm'));
  });

  it('answers get and list as metrics-server does', async () => {
    const pod = JSON.parse(
      (await k('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burner')).stdout,
    );
    expect(pod).toMatchObject({
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'burner', namespace: 'default', labels: { app: 'burner' } },
    });
    expect(pod.window).toMatch(/^[\d.]+s$/);
    expect(pod.containers.map((c: { name: string }) => c.name).sort()).toEqual(['burn', 'idle']);
    const missing = await k('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope');
    expect(missing.stderr).toContain('podmetrics.metrics.k8s.io "nope" not found');
    const none = JSON.parse(
      (await k('get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dother')).stdout,
    );
    expect(none).toEqual({
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {},
      items: [],
    });
  });
});
