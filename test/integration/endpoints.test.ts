import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1, type DiscoveryV1 } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['endpoints', 'endpointslice', 'serviceaccount', 'root-ca-cert-publisher'],
  });
  await cluster.client.resource(resources.namespaces).create({ metadata: { name: 'ep' } });
});
afterAll(async () => {
  await cluster?.destroy();
});

const NS = 'ep';
const WAIT = { timeout: 8000, interval: 50 };
const pods = () => cluster.client.resource(resources.pods);
const services = () => cluster.client.resource(resources.services);
const endpoints = () => cluster.client.resource(resources.endpoints);
const slices = () => cluster.client.resource(resources.endpointSlices);
const k = (args: string[]) => kubectl(cluster.kubeconfigPath, args);

function pod(
  name: string,
  labels: Record<string, string>,
  options: { ready?: boolean; ports?: CoreV1.ContainerPort[]; hostname?: string; subdomain?: string } = {},
): CoreV1.Pod {
  return {
    metadata: {
      name,
      namespace: NS,
      labels,
      ...(options.ready === false ? { annotations: { 'simulation.kubedesk.dev/ready': 'false' } } : {}),
    },
    spec: {
      ...(options.hostname ? { hostname: options.hostname } : {}),
      ...(options.subdomain ? { subdomain: options.subdomain } : {}),
      containers: [{ name: 'c', image: 'nginx', ...(options.ports ? { ports: options.ports } : {}) }],
    },
  };
}

async function running(name: string): Promise<CoreV1.Pod> {
  let found: CoreV1.Pod | undefined;
  await vi.waitFor(async () => {
    found = await pods().get(name, NS);
    expect(found.status?.podIP).toMatch(/^10\.244\./);
  }, WAIT);
  return found!;
}

async function slicesOf(service: string): Promise<DiscoveryV1.EndpointSlice[]> {
  const list = await slices().list({ namespace: NS, labelSelector: `kubernetes.io/service-name=${service}` });
  return list.items;
}

const ips = (addresses: CoreV1.EndpointAddress[] | undefined) => (addresses ?? []).map((a) => a.ip).sort();

describe('the Endpoints and EndpointSlice controllers', () => {
  it('list the running pods a service selects, with their ports', async () => {
    await pods().create(pod('web-1', { app: 'web' }));
    await pods().create(pod('web-2', { app: 'web' }));
    await pods().create(pod('other', { app: 'other' }));
    const [a, b] = [await running('web-1'), await running('web-2')];
    const service = await services().create({
      metadata: { name: 'web', namespace: NS, labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });

    await vi.waitFor(async () => {
      const ep = await endpoints().get('web', NS);
      expect(ep.subsets).toHaveLength(1);
      expect(ips(ep.subsets![0]!.addresses)).toEqual([a.status!.podIP, b.status!.podIP].sort());
      expect(ep.subsets![0]!.notReadyAddresses ?? []).toEqual([]);
      expect(ep.subsets![0]!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    }, WAIT);
    const ep = await endpoints().get('web', NS);
    expect(ep.metadata?.labels).toEqual({ tier: 'front' });
    expect(ep.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/^\d{4}-/);
    const address = ep.subsets![0]!.addresses!.find((x) => x.ip === a.status!.podIP)!;
    expect(address.nodeName).toBe('kubedesk');
    expect(address.targetRef).toMatchObject({
      kind: 'Pod',
      name: 'web-1',
      namespace: NS,
      uid: a.metadata!.uid,
    });

    await vi.waitFor(async () => {
      const list = await slicesOf('web');
      expect(list).toHaveLength(1);
      expect(list[0]!.endpoints.map((e) => e.addresses[0]).sort()).toEqual(
        [a.status!.podIP, b.status!.podIP].sort(),
      );
    }, WAIT);
    const [slice] = await slicesOf('web');
    expect(slice!.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice!.addressType).toBe('IPv4');
    expect(slice!.metadata?.labels).toEqual({
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice!.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'web',
        uid: service.metadata!.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(slice!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const endpoint = slice!.endpoints.find((e) => e.targetRef?.name === 'web-1')!;
    expect(endpoint.conditions).toEqual({ ready: true, serving: true, terminating: false });
    expect(endpoint.nodeName).toBe('kubedesk');
    expect(endpoint.targetRef).toMatchObject({ kind: 'Pod', namespace: NS, uid: a.metadata!.uid });
  });

  it('shows them to kubectl get and describe', async () => {
    await vi.waitFor(async () => {
      const get = await k(['get', 'endpoints', 'web', '-n', NS]);
      expect(get.code, get.stderr).toBe(0);
      expect(get.stdout).toMatch(/web\s+10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080/);
    }, WAIT);
    const slicesOut = await k(['get', 'endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=web']);
    expect(slicesOut.code, slicesOut.stderr).toBe(0);
    expect(slicesOut.stdout).toMatch(/web-\w{5}\s+IPv4\s+8080\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+/);
    const describe = await k(['describe', 'service', 'web', '-n', NS]);
    expect(describe.code, describe.stderr).toBe(0);
    expect(describe.stdout).toMatch(/Endpoints:\s+10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080/);
  });

  it('drops a deleted pod and adds a new one', async () => {
    const gone = await pods().get('web-2', NS);
    await pods().delete('web-2', { namespace: NS });
    await pods().create(pod('web-3', { app: 'web' }));
    const fresh = await running('web-3');
    await vi.waitFor(async () => {
      const ep = await endpoints().get('web', NS);
      const listed = ips(ep.subsets?.[0]?.addresses);
      expect(listed).not.toContain(gone.status!.podIP);
      expect(listed).toContain(fresh.status!.podIP);
      expect(listed).toHaveLength(2);
      const names = (await slicesOf('web')).flatMap((s) => s.endpoints.map((e) => e.targetRef?.name)).sort();
      expect(names).toEqual(['web-1', 'web-3']);
    }, WAIT);
  });

  it('puts an un-ready pod in notReadyAddresses, or in addresses with publishNotReadyAddresses', async () => {
    await pods().create(pod('slow-1', { app: 'slow' }));
    await pods().create(pod('slow-2', { app: 'slow' }, { ready: false }));
    const [ready, unready] = [await running('slow-1'), await running('slow-2')];
    await services().create({
      metadata: { name: 'slow', namespace: NS },
      spec: { selector: { app: 'slow' }, ports: [{ port: 80 }] },
    });
    await vi.waitFor(async () => {
      const ep = await endpoints().get('slow', NS);
      expect(ep.subsets).toHaveLength(1);
      expect(ips(ep.subsets![0]!.addresses)).toEqual([ready.status!.podIP]);
      expect(ips(ep.subsets![0]!.notReadyAddresses)).toEqual([unready.status!.podIP]);
      expect(ep.subsets![0]!.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
      const endpoint = (await slicesOf('slow'))
        .flatMap((s) => s.endpoints)
        .find((e) => e.targetRef?.name === 'slow-2');
      expect(endpoint?.conditions).toEqual({ ready: false, serving: false, terminating: false });
    }, WAIT);

    await services().patch('slow', { spec: { publishNotReadyAddresses: true } }, { namespace: NS });
    await vi.waitFor(async () => {
      const ep = await endpoints().get('slow', NS);
      expect(ips(ep.subsets![0]!.addresses)).toEqual([ready.status!.podIP, unready.status!.podIP].sort());
      expect(ep.subsets![0]!.notReadyAddresses ?? []).toEqual([]);
      const endpoint = (await slicesOf('slow'))
        .flatMap((s) => s.endpoints)
        .find((e) => e.targetRef?.name === 'slow-2');
      expect(endpoint?.conditions).toEqual({ ready: true, serving: false, terminating: false });
    }, WAIT);
  });

  it('resolves a named targetPort per pod, leaving out pods without it', async () => {
    await pods().create(pod('named-a', { app: 'named' }, { ports: [{ name: 'web', containerPort: 8080 }] }));
    await pods().create(pod('named-b', { app: 'named' }, { ports: [{ name: 'web', containerPort: 9090 }] }));
    await pods().create(pod('named-c', { app: 'named' }));
    const [a, b] = [await running('named-a'), await running('named-b')];
    await running('named-c');
    await services().create({
      metadata: { name: 'named', namespace: NS },
      spec: { selector: { app: 'named' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
    });
    await vi.waitFor(async () => {
      const ep = await endpoints().get('named', NS);
      const byPort = new Map(ep.subsets!.map((s) => [s.ports![0]!.port, ips(s.addresses)]));
      expect(byPort).toEqual(
        new Map([
          [8080, [a.status!.podIP]],
          [9090, [b.status!.podIP]],
        ]),
      );
      const list = await slicesOf('named');
      const ports = list.map((s) => ({
        port: s.ports?.[0]?.port,
        pods: s.endpoints.map((e) => e.targetRef?.name),
      }));
      expect(ports.sort((x, y) => (x.port ?? 1e6) - (y.port ?? 1e6))).toEqual([
        { port: 8080, pods: ['named-a'] },
        { port: 9090, pods: ['named-b'] },
        // named-c offers no `web` port: its own slice has no ports.
        { port: undefined, pods: ['named-c'] },
      ]);
    }, WAIT);
  });

  it('publishes the hostname of a pod whose subdomain names a headless service', async () => {
    await pods().create(pod('db-0', { app: 'db' }, { hostname: 'db-0', subdomain: 'db' }));
    const db = await running('db-0');
    await services().create({
      metadata: { name: 'db', namespace: NS },
      spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] },
    });
    await vi.waitFor(async () => {
      const ep = await endpoints().get('db', NS);
      expect(ep.metadata?.labels).toEqual({ 'service.kubernetes.io/headless': '' });
      expect(ep.subsets?.[0]?.addresses?.[0]).toMatchObject({ ip: db.status!.podIP, hostname: 'db-0' });
      const endpoint = (await slicesOf('db')).flatMap((s) => s.endpoints)[0];
      expect(endpoint?.hostname).toBe('db-0');
    }, WAIT);
  });

  it('keeps an empty placeholder slice for a service with no pods, and no Endpoints subsets', async () => {
    await services().create({
      metadata: { name: 'empty', namespace: NS },
      spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] },
    });
    await vi.waitFor(async () => {
      const ep = await endpoints().get('empty', NS);
      expect(ep.subsets ?? []).toEqual([]);
      const list = await slicesOf('empty');
      expect(list).toHaveLength(1);
      expect(list[0]!.endpoints ?? []).toEqual([]);
    }, WAIT);
  });

  it('leaves the Endpoints of a service without selector to its user, and deletes Endpoints with their service', async () => {
    await services().create({ metadata: { name: 'manual', namespace: NS }, spec: { ports: [{ port: 80 }] } });
    await endpoints().create({
      metadata: { name: 'manual', namespace: NS },
      subsets: [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ port: 80 }] }],
    });
    await services().delete('web', { namespace: NS });
    await vi.waitFor(async () => {
      await expect(endpoints().get('web', NS)).rejects.toMatchObject({ reason: 'NotFound' });
    }, WAIT);
    const manual = await endpoints().get('manual', NS);
    expect(manual.subsets?.[0]?.addresses?.[0]?.ip).toBe('192.168.1.10');
    expect(await slicesOf('manual')).toEqual([]);
  });

  it('recreates a managed slice someone deletes, and restores Endpoints someone deletes', async () => {
    const [slice] = await slicesOf('slow');
    await slices().delete(slice!.metadata!.name!, { namespace: NS });
    await endpoints().delete('slow', { namespace: NS });
    await vi.waitFor(async () => {
      const list = await slicesOf('slow');
      expect(list).toHaveLength(1);
      expect(list[0]!.metadata?.name).not.toBe(slice!.metadata!.name);
      expect(list[0]!.endpoints).toHaveLength(2);
      expect((await endpoints().get('slow', NS)).subsets?.[0]?.addresses).toHaveLength(2);
    }, WAIT);
  });

  it('does not rewrite Endpoints or slices when nothing they show changed', async () => {
    const before = await endpoints().get('slow', NS);
    const slicesBefore = await slicesOf('slow');
    // An annotation on a pod changes nothing endpoints show.
    await pods().patch('slow-1', { metadata: { annotations: { touched: 'yes' } } }, { namespace: NS });
    await services().patch('slow', { metadata: { annotations: { touched: 'yes' } } }, { namespace: NS });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await endpoints().get('slow', NS)).metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );
    expect((await slicesOf('slow')).map((s) => s.metadata?.resourceVersion)).toEqual(
      slicesBefore.map((s) => s.metadata?.resourceVersion),
    );
  });
});
