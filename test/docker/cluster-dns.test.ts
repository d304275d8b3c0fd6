/**
 * The cluster DNS on real Docker: it listens on the `kubedesk` network's gateway (where pods reach
 * it), keeps kube-dns (10.96.0.10) as kubectl shows it, answers cluster names from the host and
 * from a pod asking the gateway directly, and the kubelet gives pods the resolver settings of
 * their dnsPolicy. Through 10.96.0.10 itself pods need kube-proxy (its own suite).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { answerData, queryUdp } from '../support/dns-query.js';
import { dockerUnavailable, removeNodeContainers } from '../support/docker.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const skip =
  (await dockerUnavailable()) ??
  (process.platform !== 'linux' ? 'the gateway address is the host’s on Linux only: skipping' : undefined);
if (skip) console.warn(skip);

const WAIT = { timeout: 30_000, interval: 250 };
const SEARCHES = 'default.svc.cluster.local svc.cluster.local cluster.local';

describe.skipIf(skip)('the cluster DNS on Docker', { timeout: 60_000 }, () => {
  const node = `dns-${process.pid}`;
  let cluster: TestCluster;
  let gateway = '';
  const k = (...args: string[]) => kubectl(cluster.kubeconfigPath, args, { timeoutMs: 60_000 });
  const sh = async (pod: string, script: string) => {
    const result = await k('exec', pod, '--', 'sh', '-c', script);
    return { code: result.code, out: result.stdout + result.stderr };
  };
  const pod = (name: string, spec: Partial<CoreV1.PodSpec> = {}): CoreV1.Pod => ({
    metadata: { name, namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        { name: 'sh', image: 'busybox:1.36', imagePullPolicy: 'Never', command: ['sleep', '3600'] },
      ],
      ...spec,
    },
  });
  const running = (name: string) =>
    vi.waitFor(async () => {
      const current = await cluster.client.resource(resources.pods).get(name, 'default');
      expect(current.status?.phase).toBe('Running');
    }, WAIT);

  beforeAll(async () => {
    cluster = await startTestCluster({ controlPlane: true, runtime: 'docker', nodeName: node });
    const [ipam] = JSON.parse(
      execFileSync('docker', ['network', 'inspect', 'kubedesk', '--format', '{{json .IPAM.Config}}'], {
        encoding: 'utf8',
      }),
    ) as { Gateway: string }[];
    gateway = ipam!.Gateway;
    const pods = cluster.client.resource(resources.pods);
    await pods.create(pod('client'));
    await pods.create(
      pod('custom', {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['192.0.2.53'],
          searches: ['corp.example'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      }),
    );
    const sleeper = {
      name: 'sh',
      image: 'busybox:1.36',
      imagePullPolicy: 'Never' as const,
      command: ['sleep', '3600'],
    };
    await pods.create(
      pod('hostnet', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet', containers: [sleeper] }),
    );
    await pods.create(pod('hostnet-default', { hostNetwork: true, containers: [sleeper] }));
    await Promise.all(['client', 'custom', 'hostnet', 'hostnet-default'].map(running));
  }, 90_000);

  afterAll(async () => {
    await cluster?.destroy();
    removeNodeContainers(node);
  }, 60_000);

  it('listens on the pods’ gateway, on 53 when it is free, and says so in kube-dns’s EndpointSlice', async () => {
    expect(cluster.dns).toMatchObject({ host: gateway, clusterIP: '10.96.0.10' });
    const slice = await cluster.client.resource(resources.endpointSlices).get('kube-dns', 'kube-system');
    expect(slice.endpoints[0]?.addresses).toEqual([gateway]);
    expect(slice.ports?.map((p) => [p.name, p.protocol, p.port])).toEqual([
      ['dns', 'UDP', cluster.dns!.port],
      ['dns-tcp', 'TCP', cluster.dns!.port],
    ]);
    console.log(`cluster DNS on ${gateway}:${cluster.dns!.port}`);
  });

  it('shows kube-dns to the real kubectl as in any cluster', async () => {
    const result = await k('get', 'svc', '-n', 'kube-system', 'kube-dns');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP\s/m);
  });

  it('answers cluster names from the host at the gateway address', async () => {
    const web = await cluster.client.resource(resources.services).create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { ports: [{ port: 80 }] },
    });
    await vi.waitFor(async () => {
      const reply = await queryUdp(gateway, cluster.dns!.port, 'web.default.svc.cluster.local', 'A');
      expect(answerData(reply, 'A')).toEqual([web.spec!.clusterIP]);
    }, WAIT);
    const self = await queryUdp(gateway, cluster.dns!.port, 'kube-dns.kube-system.svc.cluster.local', 'A');
    expect(answerData(self, 'A')).toEqual(['10.96.0.10']);
  });

  it('gives a ClusterFirst pod the cluster DNS, search paths and ndots:5, as any cluster does', async () => {
    const { code, out } = await sh('client', 'cat /etc/resolv.conf');
    expect(code).toBe(0);
    // The kubelet's file, not Docker's (which names its embedded resolver, 127.0.0.11).
    expect(out.match(/^nameserver .*$/gm)).toEqual(['nameserver 10.96.0.10']);
    expect(out).toMatch(new RegExp(`^search ${SEARCHES.replaceAll('.', '\\.')}(\\s|$)`, 'm'));
    expect(out).toMatch(/^options .*\bndots:5\b/m);
  });

  it('gives a hostNetwork pod the cluster DNS with ClusterFirstWithHostNet, the host’s without', async () => {
    const withHostNet = await sh('hostnet', 'cat /etc/resolv.conf');
    expect(withHostNet.out.match(/^nameserver .*$/gm)).toEqual(['nameserver 10.96.0.10']);
    expect(withHostNet.out).toMatch(/^options .*\bndots:5\b/m);
    const plain = await sh('hostnet-default', 'cat /etc/resolv.conf');
    expect(plain.out).not.toContain('10.96.0.10');
    expect(plain.out).not.toContain('svc.cluster.local');
  });

  it('gives a dnsPolicy None pod exactly its dnsConfig', async () => {
    const { out } = await sh('custom', 'cat /etc/resolv.conf');
    expect(out).toMatch(/^search corp\.example$/m);
    expect(out).toMatch(/^options .*\bndots:2\b/m);
    expect(out).toMatch(/^options .*\bedns0\b/m);
    expect(out.match(/^nameserver .*$/gm)).toEqual(['nameserver 192.0.2.53']);
    expect(out).not.toContain('svc.cluster.local');
  });

  it('answers a pod asking the gateway directly: a name in the zone, and NXDOMAIN for one that is not', async () => {
    const port = cluster.dns!.port;
    const server = port === 53 ? gateway : `-port=${port} ${gateway}`;
    // Asked with the server given, busybox's nslookup does not use the search paths: the full name.
    const full = await sh('client', `nslookup kube-dns.kube-system.svc.cluster.local ${server}`);
    expect(full.out).toContain('10.96.0.10');
    const missing = await sh('client', `nslookup nothing.default.svc.cluster.local ${server}`);
    expect(missing.out).toMatch(/NXDOMAIN|can't find/);
  });
});
