/**
 * kube-proxy's kernel mode on real Docker: from a pod, a Service's cluster IP reaches both
 * backends (busybox httpd answering its hostname) over many requests, a pod reaches itself through
 * its own Service (hairpin), ClientIP affinity sticks, a pod turning unready stops getting traffic,
 * UDP is DNATed too, a Service without endpoints refuses at once, the cluster IP answers no ping,
 * the host reaches the NodePort and the cluster IP, and after stop nothing of ours is left in
 * iptables. Then the userspace mode (what a kube-proxy without root gets) on the same pods:
 * NodePort and LoadBalancer from the host, nothing in the kernel.
 */
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { request } from 'node:http';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { KubeProxy } from '../../embedded-cluster/proxy/kube-proxy.js';
import { PROXY_MODE_ANNOTATION } from '../../embedded-cluster/proxy/mode.js';
import { dockerUnavailable, removeNodeContainers } from '../support/docker.js';
import { kubectl } from '../support/kubectl.js';
import { acquireHostLock } from '../support/host-lock.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const skip =
  (await dockerUnavailable()) ??
  (process.getuid?.() !== 0 ? 'kube-proxy’s kernel mode needs root: skipping' : undefined);
if (skip) console.warn(skip);

const iptablesSave = () => execFileSync('iptables-save', { encoding: 'utf8' });
const WAIT = { timeout: 30_000, interval: 250 };

/** GET / from this host; the answer's body, trimmed. */
function httpGet(host: string, port: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, timeout: 3_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(skip)('kube-proxy on Docker, in iptables mode then userspace', { timeout: 90_000 }, () => {
  const node = `proxy-${process.pid}`;
  let cluster: TestCluster;
  let proxy: KubeProxy;
  let gateway = '';
  const dnsServers: Socket[] = [];
  const k = (...args: string[]) => kubectl(cluster.kubeconfigPath, args, { timeoutMs: 60_000 });
  /** Run a shell script in a pod; resolves to its output (stdout and stderr) and exit code. */
  const sh = async (pod: string, script: string) => {
    const result = await k('exec', pod, '--', 'sh', '-c', script);
    return { code: result.code, out: result.stdout + result.stderr };
  };
  const clusterIP = async (name: string) =>
    (await cluster.client.resource(resources.services).get(name, 'default')).spec!.clusterIP!;
  /**
   * `n` GETs of the service from a pod, one answer (a pod's hostname) per line. (Not `wget -T`:
   * Debian's static busybox segfaults with it.)
   */
  const hits = async (pod: string, ip: string, n: number) => {
    const { out } = await sh(pod, `for i in $(seq ${n}); do timeout 3 wget -qO- http://${ip}/; done`);
    return out.split('\n').filter(Boolean);
  };

  const backend = (name: string): CoreV1.Pod => ({
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'httpd',
          image: 'busybox:1.36',
          imagePullPolicy: 'Never',
          command: [
            'sh',
            '-c',
            'mkdir -p /www && hostname > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www',
          ],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: {
            exec: { command: ['cat', '/tmp/ready'] },
            periodSeconds: 1,
            failureThreshold: 1,
          },
        },
      ],
    },
  });

  const service = (name: string, spec: CoreV1.ServiceSpec): CoreV1.Service => ({
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
  });

  /** A DNS server on the pods' gateway answering `hit.test` with `answer`: a UDP backend outside the pods. */
  async function dnsServer(answer: string): Promise<number> {
    const socket = createSocket('udp4');
    socket.on('message', (message, remote) => {
      const query = dnsPacket.decode(message);
      const reply = dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: dnsPacket.AUTHORITATIVE_ANSWER,
        questions: query.questions,
        answers: (query.questions ?? [])
          .filter((q) => q.type === 'A')
          .map((q) => ({ type: 'A' as const, name: q.name, ttl: 5, data: answer })),
      });
      socket.send(reply, remote.port, remote.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, gateway, resolve));
    dnsServers.push(socket);
    return socket.address().port;
  }

  let releaseIptables: (() => void) | undefined;

  beforeAll(async () => {
    // One kube-proxy at a time owns the host's KUBEDESK chains (the book's suite runs another).
    releaseIptables = await acquireHostLock('iptables');
    cluster = await startTestCluster({ controlPlane: true, runtime: 'docker', nodeName: node });
    const pods = cluster.client.resource(resources.pods);
    await pods.create(backend('web-1'));
    await pods.create(backend('web-2'));
    await pods.create({
      metadata: { name: 'client', namespace: 'default' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: 'sh', image: 'busybox:1.36', imagePullPolicy: 'Never', command: ['sleep', '3600'] },
        ],
      },
    });
    const svc = cluster.client.resource(resources.services);
    await svc.create(service('web', { type: 'NodePort' }));
    await svc.create(service('sticky', { sessionAffinity: 'ClientIP' }));
    await svc.create(service('nothing', { selector: { app: 'nothing' } }));
    await svc.create({
      metadata: { name: 'udp', namespace: 'default' },
      spec: { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
    });
    await vi.waitFor(
      async () => {
        const list = await pods.list({ namespace: 'default' });
        expect(
          list.items.filter((p) =>
            p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          ),
        ).toHaveLength(3);
      },
      { timeout: 60_000, interval: 250 },
    );

    // The pods' network exists now: its subnet and gateway are what the proxy needs.
    const [ipam] = JSON.parse(
      execFileSync('docker', ['network', 'inspect', 'kubedesk', '--format', '{{json .IPAM.Config}}'], {
        encoding: 'utf8',
      }),
    ) as { Subnet: string; Gateway: string }[];
    gateway = ipam!.Gateway;
    const dnsPorts = [await dnsServer('10.0.0.1'), await dnsServer('10.0.0.2')];
    await cluster.client.resource(resources.endpointSlices).create({
      metadata: { name: 'udp-host', namespace: 'default', labels: { 'kubernetes.io/service-name': 'udp' } },
      addressType: 'IPv4',
      ports: [{ name: 'dns', port: dnsPorts[0]!, protocol: 'UDP' }],
      endpoints: [{ addresses: [gateway], conditions: { ready: true } }],
    });
    await cluster.client.resource(resources.endpointSlices).create({
      metadata: { name: 'udp-host-2', namespace: 'default', labels: { 'kubernetes.io/service-name': 'udp' } },
      addressType: 'IPv4',
      ports: [{ name: 'dns', port: dnsPorts[1]!, protocol: 'UDP' }],
      endpoints: [{ addresses: [gateway], conditions: { ready: true } }],
    });

    // A crashed run's leftover: the proxy clears it at start.
    execFileSync('iptables', ['-w', '5', '-t', 'nat', '-N', 'KUBEDESK-SVC-LEFTOVER']);
    proxy = new KubeProxy({
      client: cluster.client,
      nodeName: node,
      mode: 'iptables',
      podCidr: ipam!.Subnet,
      gatewayIp: gateway,
    });
    await proxy.start();
  }, 90_000);

  afterAll(async () => {
    // A proxy that fails to stop must not leave the pods running or the host lock held.
    try {
      await proxy?.stop();
    } finally {
      for (const socket of dnsServers) socket.close();
      await cluster?.destroy();
      removeNodeContainers(node);
      releaseIptables?.();
    }
  }, 60_000);

  it('chooses the kernel, clears a crashed run’s chains and says so on the node', async () => {
    expect(proxy.mode).toBe('iptables');
    expect(iptablesSave()).not.toContain('KUBEDESK-SVC-LEFTOVER');
    await vi.waitFor(async () => {
      const current = await cluster.client.resource(resources.nodes).get(node);
      expect(current.metadata?.annotations?.[PROXY_MODE_ANNOTATION]).toBe('iptables');
    }, WAIT);
  });

  it('reaches both backends through the cluster IP from a pod', async () => {
    const ip = await clusterIP('web');
    await vi.waitFor(async () => {
      const answers = await hits('client', ip, 30);
      expect(answers).toHaveLength(30);
      expect(new Set(answers)).toEqual(new Set(['web-1', 'web-2']));
    }, WAIT);
  });

  it('lets a backend reach itself through its own service (hairpin)', async () => {
    const ip = await clusterIP('web');
    const answers = await hits('web-1', ip, 20);
    expect(answers).toHaveLength(20);
    expect(answers).toContain('web-1');
  });

  it('keeps a client on one backend with ClientIP affinity', async () => {
    const ip = await clusterIP('sticky');
    await vi.waitFor(async () => expect(await hits('client', ip, 1)).toHaveLength(1), WAIT);
    const answers = await hits('client', ip, 20);
    expect(answers).toHaveLength(20);
    expect(new Set(answers).size).toBe(1);
  });

  it('DNATs UDP to its endpoints', async () => {
    const ip = await clusterIP('udp');
    await vi.waitFor(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const { out } = await sh(
          'client',
          `for i in $(seq 8); do nslookup -type=a hit.test ${ip} 2>&1 | grep -o '10\\.0\\.0\\.[12]'; done`,
        );
        for (const line of out.split('\n').filter(Boolean)) seen.add(line);
      }
      expect(seen).toEqual(new Set(['10.0.0.1', '10.0.0.2']));
    }, WAIT);
  });

  it('refuses at once when a service has no endpoints, and answers no ping', async () => {
    const empty = await clusterIP('nothing');
    const started = performance.now();
    const { code, out } = await sh('client', `timeout 5 wget -qO- http://${empty}/`);
    expect(code).not.toBe(0);
    expect(out).toMatch(/refused/i);
    expect(performance.now() - started).toBeLessThan(4_000);
    const ping = await sh('client', `ping -c 1 -W 1 ${await clusterIP('web')}`);
    expect(ping.code).not.toBe(0);
  });

  it('answers the NodePort on 127.0.0.1 and the cluster IP from the host', async () => {
    const web = await cluster.client.resource(resources.services).get('web', 'default');
    await vi.waitFor(
      async () => expect(await httpGet('127.0.0.1', web.spec!.ports![0]!.nodePort!)).toMatch(/^web-[12]$/),
      WAIT,
    );
    expect(await httpGet(web.spec!.clusterIP!, 80)).toMatch(/^web-[12]$/);
  });

  it('stops sending to a pod that turns unready', async () => {
    const ip = await clusterIP('web');
    await sh('web-2', 'rm /tmp/ready');
    await vi.waitFor(async () => {
      const answers = await hits('client', ip, 20);
      expect(answers).toHaveLength(20);
      expect(new Set(answers)).toEqual(new Set(['web-1']));
    }, WAIT);
    await sh('web-2', 'touch /tmp/ready');
  });

  it('leaves nothing in iptables after stop', async () => {
    expect(iptablesSave()).toContain('KUBEDESK-SERVICES');
    await proxy.stop();
    expect(iptablesSave()).not.toContain('KUBEDESK');
  });

  it('in userspace mode (no root, no kernel rules) still serves NodePort and LoadBalancer to the pods', async () => {
    // What a kube-proxy without root gets: host listeners forwarding to the pod IPs, nothing in
    // the kernel. (Pods reach cluster IPs in kernel mode only: proxy/README.md.)
    const userspace = new KubeProxy({ client: cluster.client, nodeName: node, mode: 'userspace' });
    await userspace.start();
    try {
      expect(userspace.mode).toBe('userspace');
      const port = 20_000 + (process.pid % 10_000);
      await cluster.client
        .resource(resources.services)
        .create(
          service('public', { type: 'LoadBalancer', ports: [{ name: 'http', port, targetPort: 'http' }] }),
        );
      const web = await cluster.client.resource(resources.services).get('web', 'default');
      await vi.waitFor(async () => {
        const current = await cluster.client.resource(resources.nodes).get(node);
        expect(current.metadata?.annotations?.[PROXY_MODE_ANNOTATION]).toBe('userspace');
        const lb = await cluster.client.resource(resources.services).get('public', 'default');
        expect(lb.status?.loadBalancer?.ingress).toEqual([{ ip: '127.0.0.1', ipMode: 'VIP' }]);
        expect(await httpGet('127.0.0.1', web.spec!.ports![0]!.nodePort!)).toMatch(/^web-[12]$/);
        expect(await httpGet('127.0.0.1', port)).toMatch(/^web-[12]$/);
      }, WAIT);
      expect(iptablesSave()).not.toContain('KUBEDESK');
    } finally {
      await userspace.stop();
    }
  });
});
