import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, RecordType } from 'dns-packet';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { ClusterDns } from '../../embedded-cluster/dns/cluster-dns.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const NS = 'dns-test';
const WAIT = { timeout: 8000, interval: 50 };

/**
 * A stand-in for the host's resolver on 127.0.0.1: `example.com` and `api.example.com` have A
 * records, `big.example.com` has 60 (too many for 512 bytes: over UDP it answers truncated, over
 * TCP in full), `slow.example.com` never answers. It counts the questions it gets by transport.
 */
class FakeUpstream {
  readonly asked: { name: string; transport: 'udp' | 'tcp' }[] = [];
  private udp!: UdpSocket;
  private tcp!: Server;
  port = 0;

  async start(): Promise<void> {
    this.tcp = createServer((socket) => {
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
        const reply = this.answer(buffered.subarray(2), 'tcp');
        if (reply) socket.write(packet.streamEncode(reply));
      });
    });
    await new Promise<void>((resolve) => this.tcp.listen(0, '127.0.0.1', resolve));
    this.port = (this.tcp.address() as { port: number }).port;
    this.udp = createSocket('udp4');
    this.udp.on('message', (message, remote) => {
      const reply = this.answer(message, 'udp');
      if (reply) this.udp.send(packet.encode(reply), remote.port, remote.address);
    });
    await new Promise<void>((resolve) => this.udp.bind(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.udp.close();
    await new Promise((resolve) => this.tcp.close(resolve));
  }

  private answer(message: Buffer, transport: 'udp' | 'tcp'): packet.Packet | undefined {
    const query = packet.decode(message);
    const question = query.questions![0]!;
    this.asked.push({ name: question.name, transport });
    if (question.name === 'slow.example.com') return undefined;
    const reply: packet.Packet = {
      type: 'response',
      id: query.id!,
      flags: packet.RECURSION_AVAILABLE,
      questions: [question],
    };
    const a = (name: string, ip: string): Answer => ({ type: 'A', name, ttl: 300, data: ip });
    if (question.name === 'example.com' && question.type === 'A')
      reply.answers = [a('example.com', '93.184.215.14')];
    else if (question.name === 'api.example.com' && question.type === 'A') {
      reply.answers = [a('api.example.com', '203.0.113.7')];
    } else if (question.name === 'big.example.com') {
      if (transport === 'udp') reply.flags! |= packet.TRUNCATED_RESPONSE;
      else reply.answers = Array.from({ length: 60 }, (_, i) => a('big.example.com', `198.51.100.${i + 1}`));
    } else reply.flags! |= 3; // NXDOMAIN
    return reply;
  }
}

let cluster: TestCluster;
let upstream: FakeUpstream;
let dns: ClusterDns;
let port: number;

beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['endpointslice', 'statefulset'],
    // This test runs its own ClusterDns (fake upstream); the cluster's would fight it over kube-dns.
    dns: false,
  });
  await cluster.client.resource(resources.namespaces).create({ metadata: { name: NS } });
  upstream = new FakeUpstream();
  await upstream.start();
  dns = new ClusterDns({
    client: cluster.client,
    listen: { host: '127.0.0.1', port: 0 },
    upstream: [`127.0.0.1:${upstream.port}`],
    upstreamTimeoutMs: 300,
  });
  ({ port } = await dns.run());
});
afterAll(async () => {
  await dns?.stop();
  await upstream?.stop();
  await cluster?.destroy();
});

let nextId = 1;

/** One question over UDP to the cluster DNS. */
async function udp(name: string, type: RecordType, options: { edns?: boolean } = {}): Promise<DecodedPacket> {
  const socket = createSocket('udp4');
  try {
    const query = packet.encode({
      type: 'query',
      id: nextId++,
      flags: packet.RECURSION_DESIRED,
      questions: [{ name, type, class: 'IN' }],
      ...(options.edns
        ? {
            additionals: [
              {
                type: 'OPT',
                name: '.',
                udpPayloadSize: 4096,
                extendedRcode: 0,
                ednsVersion: 0,
                flags: 0,
                flag_do: false,
                options: [],
              },
            ],
          }
        : {}),
    });
    const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    socket.send(query, port, '127.0.0.1');
    return packet.decode(await reply);
  } finally {
    socket.close();
  }
}

/** One question over TCP (2-byte length framing). */
async function tcp(name: string, type: RecordType): Promise<DecodedPacket> {
  const socket = connect({ host: '127.0.0.1', port });
  try {
    socket.write(
      packet.streamEncode({
        type: 'query',
        id: nextId++,
        flags: packet.RECURSION_DESIRED,
        questions: [{ name, type }],
      }),
    );
    let buffered = Buffer.alloc(0);
    for await (const chunk of socket) {
      buffered = Buffer.concat([buffered, chunk as Buffer]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) break;
    }
    return packet.decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
  } finally {
    socket.destroy();
  }
}

const rcode = (reply: DecodedPacket) => (reply.flags ?? 0) & 0xf;
const data = (answers: Answer[] | undefined) =>
  (answers ?? []).map((a) => ('data' in a ? a.data : undefined));

async function createService(spec: CoreV1.ServiceSpec, name: string): Promise<CoreV1.Service> {
  return cluster.client.resource(resources.services).create({ metadata: { name, namespace: NS }, spec });
}

describe('the cluster DNS', () => {
  it('keeps the kube-dns Service (10.96.0.10, no selector) and an EndpointSlice pointing at itself', async () => {
    const service = await cluster.client.resource(resources.services).get('kube-dns', 'kube-system');
    expect(service.spec?.clusterIP).toBe('10.96.0.10');
    expect(service.spec?.selector).toBeUndefined();
    expect(service.metadata?.labels).toMatchObject({
      'k8s-app': 'kube-dns',
      'kubernetes.io/name': 'CoreDNS',
    });
    expect(service.spec?.ports?.map((p) => [p.name, p.port, p.protocol])).toEqual([
      ['dns', 53, 'UDP'],
      ['dns-tcp', 53, 'TCP'],
    ]);
    const slice = await cluster.client.resource(resources.endpointSlices).get('kube-dns', 'kube-system');
    expect(slice.metadata?.labels).toMatchObject({
      'kubernetes.io/service-name': 'kube-dns',
      'endpointslice.kubernetes.io/managed-by': 'dns.kubedesk.dev',
    });
    expect(slice.endpoints.map((e) => e.addresses)).toEqual([['127.0.0.1']]);
    expect(slice.ports?.map((p) => [p.name, p.port, p.protocol])).toEqual([
      ['dns', port, 'UDP'],
      ['dns-tcp', port, 'TCP'],
    ]);
    // kube-dns answers for itself, over both transports.
    expect(data((await udp('kube-dns.kube-system.svc.cluster.local', 'A')).answers)).toEqual(['10.96.0.10']);
    expect(data((await tcp('kube-dns.kube-system.svc.cluster.local', 'A')).answers)).toEqual(['10.96.0.10']);
  });

  it('puts kube-dns back when it is deleted, and adopts it unchanged across restarts', async () => {
    const services = cluster.client.resource(resources.services);
    const before = await services.get('kube-dns', 'kube-system');
    const again = new ClusterDns({
      client: cluster.client,
      listen: { host: '127.0.0.1', port },
      upstream: [],
    });
    await dns.stop();
    await again.run();
    expect((await services.get('kube-dns', 'kube-system')).metadata?.uid).toBe(before.metadata?.uid);
    await again.stop();
    dns = new ClusterDns({
      client: cluster.client,
      listen: { host: '127.0.0.1', port },
      upstream: [`127.0.0.1:${upstream.port}`],
      upstreamTimeoutMs: 300,
    });
    await dns.run();

    await cluster.client.resource(resources.endpointSlices).delete('kube-dns', { namespace: 'kube-system' });
    await vi.waitFor(async () => {
      const slice = await cluster.client.resource(resources.endpointSlices).get('kube-dns', 'kube-system');
      expect(slice.endpoints[0]?.addresses).toEqual(['127.0.0.1']);
    }, WAIT);
  });

  it('answers a service name with its cluster IP, over UDP and TCP, and SRV for its named ports', async () => {
    const service = await createService({ ports: [{ name: 'http', port: 80, targetPort: 8080 }] }, 'web');
    const ip = service.spec!.clusterIP!;
    await vi.waitFor(async () => {
      const reply = await udp('web.dns-test.svc.cluster.local', 'A');
      expect(data(reply.answers)).toEqual([ip]);
      expect(reply.flag_aa).toBe(true);
      expect(reply.answers![0]).toMatchObject({ ttl: 30 });
    }, WAIT);
    expect(data((await tcp('web.dns-test.svc.cluster.local', 'A')).answers)).toEqual([ip]);

    const srv = await udp('_http._tcp.web.dns-test.svc.cluster.local', 'SRV');
    expect(data(srv.answers)).toEqual([
      { priority: 0, weight: 100, port: 80, target: 'web.dns-test.svc.cluster.local' },
    ]);
    expect(data(srv.additionals)).toEqual([ip]);
  });

  it('answers a headless service with its pods, and a StatefulSet pod by its own name', async () => {
    await createService(
      { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] },
      'db',
    );
    await cluster.client.resource(resources.statefulSets).create({
      metadata: { name: 'db', namespace: NS },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'pg', image: 'postgres', ports: [{ containerPort: 5432 }] }] },
        },
      },
    });
    const pods = cluster.client.resource(resources.pods);
    let ips: string[] = [];
    await vi.waitFor(async () => {
      ips = await Promise.all(
        ['db-0', 'db-1'].map(async (name) => (await pods.get(name, NS)).status?.podIP ?? ''),
      );
      expect(ips.every((ip) => ip.startsWith('10.244.'))).toBe(true);
    }, WAIT);
    await vi.waitFor(async () => {
      expect(data((await udp('db.dns-test.svc.cluster.local', 'A')).answers).sort()).toEqual([...ips].sort());
    }, WAIT);
    expect(data((await udp('db-1.db.dns-test.svc.cluster.local', 'A')).answers)).toEqual([ips[1]]);
    const srv = await udp('_pg._tcp.db.dns-test.svc.cluster.local', 'SRV');
    expect(
      data(srv.answers)
        .map((d) => (d as { target: string }).target)
        .sort(),
    ).toEqual(['db-0.db.dns-test.svc.cluster.local', 'db-1.db.dns-test.svc.cluster.local']);
  });

  it('answers an ExternalName with a CNAME, followed upstream for an A question', async () => {
    await createService({ type: 'ExternalName', externalName: 'api.example.com' }, 'external');
    await vi.waitFor(async () => {
      const reply = await udp('external.dns-test.svc.cluster.local', 'A');
      expect(reply.answers?.map((a) => [a.type, 'data' in a ? a.data : undefined])).toEqual([
        ['CNAME', 'api.example.com'],
        ['A', '203.0.113.7'],
      ]);
    }, WAIT);
    expect(data((await udp('external.dns-test.svc.cluster.local', 'CNAME')).answers)).toEqual([
      'api.example.com',
    ]);
  });

  it('answers NXDOMAIN with the SOA for unknown cluster names, and a pod A record for a dashed IP', async () => {
    const reply = await udp('nothing.dns-test.svc.cluster.local', 'A');
    expect(rcode(reply)).toBe(3);
    expect(reply.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'cluster.local' });
    expect(data((await udp('10-244-3-4.dns-test.pod.cluster.local', 'A')).answers)).toEqual(['10.244.3.4']);
  });

  it('forwards other names to the host resolver; TCP clients get what UDP truncated; silence is SERVFAIL', async () => {
    const reply = await udp('example.com', 'A');
    expect(data(reply.answers)).toEqual(['93.184.215.14']);
    expect(reply.id).toBe(nextId - 1);

    const truncated = await udp('big.example.com', 'A');
    expect(truncated.flag_tc).toBe(true);
    upstream.asked.length = 0;
    const full = await tcp('big.example.com', 'A');
    expect(full.answers).toHaveLength(60);
    expect(upstream.asked.map((q) => q.transport)).toEqual(['udp', 'tcp']);

    expect(rcode(await udp('missing.example.org', 'A'))).toBe(3);
    expect(rcode(await udp('slow.example.com', 'A'))).toBe(2);
  });

  it('resolves a new Service within a second of its creation', async () => {
    const started = Date.now();
    const service = await createService({ ports: [{ port: 8080 }] }, 'fresh');
    await vi.waitFor(
      async () => {
        expect(data((await udp('fresh.dns-test.svc.cluster.local', 'A')).answers)).toEqual([
          service.spec!.clusterIP,
        ]);
      },
      { timeout: 1000, interval: 10 },
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers cluster names in a fraction of a millisecond on the loopback', async () => {
    const socket = createSocket('udp4');
    const times: number[] = [];
    try {
      // The first 200 warm up the JIT, as a running cluster's DNS is.
      for (let i = 0; i < 1200; i++) {
        const query = packet.encode({
          type: 'query',
          id: i,
          questions: [{ name: 'web.dns-test.svc.cluster.local', type: 'A' }],
        });
        const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
        const start = process.hrtime.bigint();
        socket.send(query, port, '127.0.0.1');
        await reply;
        if (i >= 200) times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    } finally {
      socket.close();
    }
    times.sort((a, b) => a - b);
    const p99 = times[Math.floor(times.length * 0.99)]!;
    const median = times[times.length >> 1]!;
    console.info(`cluster DNS over UDP: p99 ${p99.toFixed(3)} ms, median ${median.toFixed(3)} ms`);
    // The target is p99 ≤ 2 ms (measured by `npm run bench -- network`); on a machine busy with
    // other suites the tail is the scheduler's, so the test holds the median and a loose tail.
    expect(median).toBeLessThan(0.5);
    expect(p99).toBeLessThan(50);
  });
});
