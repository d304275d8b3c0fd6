/**
 * kube-proxy without root's powers: the same kernel rules, applied through a helper container on
 * Docker's host network (`mode: 'helper'`, what `auto` chooses when this process cannot program
 * the kernel: not root, rootless Docker, Docker Desktop). With the offline stand-in image
 * kubedesk/net-helper:test (`npm run images`: this machine's iptables). From a pod the cluster IP
 * reaches the backend, and names resolve through 10.96.0.10 (kube-dns's cluster IP, itself carried
 * by those rules); after stop the rules and the helper are gone.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { DockerRuntime } from '../../embedded-cluster/kubelet/docker/docker-runtime.js';
import { NET_HELPER_LABEL } from '../../embedded-cluster/kubelet/docker/host-network-helper.js';
import { KubeProxy, PROXY_MODE_REASON_ANNOTATION } from '../../embedded-cluster/proxy/kube-proxy.js';
import { dockerUnavailable, removeNodeContainers } from '../support/docker.js';
import { acquireHostLock } from '../support/host-lock.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const HELPER_IMAGE = 'kubedesk/net-helper:test';
const imageMissing = () => {
  try {
    execFileSync('docker', ['image', 'inspect', HELPER_IMAGE], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${HELPER_IMAGE} is not built (npm run images; it needs iptables on this machine): skipping`;
  }
};
const skip =
  (await dockerUnavailable()) ??
  (process.platform !== 'linux'
    ? 'the helper’s rules are checked with this host’s iptables-save: skipping'
    : undefined) ??
  imageMissing();
if (skip) console.warn(skip);

const WAIT = { timeout: 30_000, interval: 250 };
const iptablesSave = () => execFileSync('iptables-save', { encoding: 'utf8' });
const helpers = (node: string) =>
  execFileSync('docker', ['ps', '-aq', '--filter', `label=${NET_HELPER_LABEL}=${node}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

describe.skipIf(skip)('kube-proxy through its helper container on Docker', { timeout: 90_000 }, () => {
  const node = `proxy-helper-${process.pid}`;
  let cluster: TestCluster;
  let proxy: KubeProxy;
  let releaseIptables: (() => void) | undefined;
  const sh = async (pod: string, script: string) => {
    const result = await kubectl(cluster.kubeconfigPath, ['exec', pod, '--', 'sh', '-c', script], {
      timeoutMs: 60_000,
    });
    return result.stdout + result.stderr;
  };
  const pod = (name: string, command: string, labels: Record<string, string> = {}): CoreV1.Pod => ({
    metadata: { name, namespace: 'default', labels },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        { name: 'main', image: 'busybox:1.36', imagePullPolicy: 'Never', command: ['sh', '-c', command] },
      ],
    },
  });

  beforeAll(async () => {
    releaseIptables = await acquireHostLock('iptables');
    cluster = await startTestCluster({ controlPlane: true, runtime: 'docker', nodeName: node });
    const pods = cluster.client.resource(resources.pods);
    await pods.create(
      pod('web', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www', {
        app: 'web',
      }),
    );
    await pods.create(pod('client', 'exec sleep 3600'));
    await cluster.client.resource(resources.services).create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await vi.waitFor(
      async () => {
        const list = await pods.list({ namespace: 'default' });
        expect(list.items.filter((p) => p.status?.phase === 'Running')).toHaveLength(2);
      },
      { timeout: 60_000, interval: 250 },
    );
    const runtime = new DockerRuntime({ nodeName: node });
    const network = await runtime.podNetwork();
    proxy = new KubeProxy({
      client: cluster.client,
      nodeName: node,
      mode: 'helper',
      kernelHelper: runtime.hostNetworkHelper(HELPER_IMAGE),
      ...(network ? { podCidr: network.subnet, gatewayIp: network.gateway } : {}),
    });
    await proxy.start();
  }, 90_000);

  afterAll(async () => {
    // A proxy that fails to stop must not leave the pods or the helper running, or the lock held.
    try {
      await proxy?.stop();
    } finally {
      await cluster?.destroy();
      removeNodeContainers(node);
      const left = helpers(node);
      if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
      releaseIptables?.();
    }
  }, 60_000);

  it('programs the kernel through the helper and says so on the node', async () => {
    expect(proxy.mode).toBe('iptables');
    expect(helpers(node)).toHaveLength(1);
    await vi.waitFor(async () => {
      const current = await cluster.client.resource(resources.nodes).get(node);
      expect(current.metadata?.annotations?.[PROXY_MODE_REASON_ANNOTATION]).toContain('helper container');
    }, WAIT);
    expect(iptablesSave()).toContain('KUBEDESK-SERVICES');
  });

  it('carries a pod to the cluster IP, and its names through kube-dns’s cluster IP', async () => {
    const web = await cluster.client.resource(resources.services).get('web', 'default');
    await vi.waitFor(async () => {
      expect((await sh('client', `timeout 3 wget -qO- http://${web.spec!.clusterIP}/`)).trim()).toBe('web');
    }, WAIT);
    expect((await sh('client', 'timeout 3 wget -qO- http://web/')).trim()).toBe('web');
    expect(await sh('client', 'nslookup web.default.svc.cluster.local')).toContain(web.spec!.clusterIP!);
  });

  it('takes its rules and the helper away on stop', async () => {
    await proxy.stop();
    expect(iptablesSave()).not.toContain('KUBEDESK');
    expect(helpers(node)).toEqual([]);
  });
});
