import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { answerData, queryUdp, rcode } from '../support/dns-query.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const WAIT = { timeout: 8000, interval: 50 };

/** GET http://127.0.0.1:<port>/ with `host`; resolves to the status and body. */
function get(port: number, host: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whether a TCP port on 127.0.0.1 can be bound (nobody listens there). */
function isFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('startCluster wires the cluster DNS and the ingress controller', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({
      controlPlane: true,
      runtime: 'simulated',
      ingress: { httpPort: 0, httpsPort: 0 },
    });
  });
  afterAll(() => cluster?.destroy());

  it('runs the DNS on 127.0.0.1 with a node that is not Docker, answering for kube-dns itself', async () => {
    expect(cluster.dns).toMatchObject({ host: '127.0.0.1', clusterIP: '10.96.0.10' });
    const { host, port } = cluster.dns!;
    const reply = await queryUdp(host, port, 'kube-dns.kube-system.svc.cluster.local', 'A');
    expect(rcode(reply)).toBe(0);
    expect(answerData(reply, 'A')).toEqual(['10.96.0.10']);
    expect(rcode(await queryUdp(host, port, 'nothing.default.svc.cluster.local', 'A'))).toBe(3); // NXDOMAIN
  });

  it('keeps kube-dns in kube-system at 10.96.0.10, its EndpointSlice on the DNS’s port', async () => {
    const service = await cluster.client.resource(resources.services).get('kube-dns', 'kube-system');
    expect(service.spec?.clusterIP).toBe('10.96.0.10');
    expect(service.spec?.ports?.map((p) => [p.name, p.port, p.protocol, p.targetPort])).toEqual([
      ['dns', 53, 'UDP', cluster.dns!.port],
      ['dns-tcp', 53, 'TCP', cluster.dns!.port],
    ]);
    const slice = await cluster.client.resource(resources.endpointSlices).get('kube-dns', 'kube-system');
    expect(slice.endpoints[0]?.addresses).toEqual(['127.0.0.1']);
    expect(slice.ports?.map((p) => p.port)).toEqual([cluster.dns!.port, cluster.dns!.port]);
  });

  it('gives new Services addresses above the reserved low band (KEP-3070)', async () => {
    const created = await cluster.client.resource(resources.services).create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { ports: [{ port: 80 }] },
    });
    const [, , third] = created.spec!.clusterIP!.split('.').map(Number);
    expect(third).toBeGreaterThanOrEqual(1); // 10.96.1.1 and up; 10.96.0.x stays for fixed choices
    await vi.waitFor(async () => {
      const reply = await queryUdp(
        cluster.dns!.host,
        cluster.dns!.port,
        'web.default.svc.cluster.local',
        'A',
      );
      expect(answerData(reply, 'A')).toEqual([created.spec!.clusterIP]);
    }, WAIT);
  });

  it('runs the ingress controller when asked, with its IngressClass, explaining a 404', async () => {
    expect(cluster.ingress?.httpPort).toBeGreaterThan(0);
    expect(cluster.ingress?.httpsPort).toBeGreaterThan(0);
    const ingressClass = await cluster.client.resource(resources.ingressClasses).get('kubedesk');
    expect(ingressClass.spec?.controller).toBe('kubedesk.dev/ingress');
    const answer = await get(cluster.ingress!.httpPort, 'shop.localhost');
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('no Ingress rule matches host "shop.localhost"');
  });
});

describe('startCluster networking defaults', () => {
  it('leaves both off for an API-only cluster (runtime none), and frees every port at stop', async () => {
    const apiOnly = await startTestCluster();
    try {
      expect(apiOnly.dns).toBeUndefined();
      expect(apiOnly.ingress).toBeUndefined();
      const services = await apiOnly.client.resource(resources.services).list({ namespace: 'kube-system' });
      expect(services.items).toEqual([]);
    } finally {
      await apiOnly.destroy();
    }

    const withNode = await startTestCluster({ runtime: 'simulated', ingress: { httpPort: 0, httpsPort: 0 } });
    const { httpPort, httpsPort } = withNode.ingress!;
    const { port } = withNode.dns!;
    expect(withNode.dns).toBeDefined();
    await withNode.destroy();
    expect(await isFree(httpPort)).toBe(true);
    expect(await isFree(httpsPort)).toBe(true);
    expect(await isFree(port)).toBe(true);
  });
});
