/**
 * kube-proxy's host side against a real API server (simulated node): NodePort and LoadBalancer
 * Services answering on 127.0.0.1, forwarding TCP and UDP to endpoints (127.0.0.1 servers standing
 * in for pods, behind selector-less Services with hand-written EndpointSlices), ClientIP
 * affinity, status.loadBalancer, a taken port reported as a Warning event, listeners closed when
 * Services go, and the mode reported on the Node. Userspace mode: no kernel rules here (the
 * Docker suite proves those).
 */
import { createSocket } from 'node:dgram';
import { createServer, request, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1, type DiscoveryV1 } from '../../embedded-cluster/client/index.js';
import { KubeProxy } from '../../embedded-cluster/proxy/kube-proxy.js';
import { PROXY_MODE_ANNOTATION } from '../../embedded-cluster/proxy/mode.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const NS = 'proxy';
const NODE = 'proxy-node';
const WAIT = { timeout: 8000, interval: 50 };
let cluster: TestCluster;
let proxy: KubeProxy;
const servers: (Server | NetServer)[] = [];
const backends = new Map<string, number>();

/** A pod stand-in: answers its name over HTTP. */
async function startBackend(name: string): Promise<number> {
  const server = createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const port = (server.address() as { port: number }).port;
  backends.set(name, port);
  return port;
}

/** A free TCP port on 127.0.0.1 (bound then released). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const services = () => cluster.client.resource(resources.services);

async function createService(name: string, spec: CoreV1.ServiceSpec, endpointsOf: string[] = []) {
  const created = await services().create({ metadata: { name, namespace: NS }, spec });
  for (const backend of endpointsOf)
    await cluster.client.resource(resources.endpointSlices).create(slice(name, backend));
  return created;
}

function slice(
  service: string,
  backend: string,
  protocol = 'TCP',
  port = backends.get(backend)!,
): DiscoveryV1.EndpointSlice {
  return {
    metadata: {
      name: `${service}-${backend}`,
      namespace: NS,
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol }],
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true }, nodeName: NODE }],
  };
}

/** GET http://127.0.0.1:<port>/ with a fresh connection; resolves to the body. */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

const nodePortOf = (service: CoreV1.Service) => service.spec!.ports![0]!.nodePort!;

beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    nodeName: NODE,
    controllers: [],
  });
  await cluster.client.resource(resources.namespaces).create({ metadata: { name: NS } });
  for (const name of ['a', 'b', 'c']) await startBackend(name);
  proxy = new KubeProxy({ client: cluster.client, nodeName: NODE, mode: 'userspace' });
  await proxy.start();
});

afterAll(async () => {
  await proxy?.stop();
  for (const server of servers) server.close();
  await cluster?.destroy();
});

describe('kube-proxy on the host', () => {
  it('reports its mode on the node', async () => {
    await vi.waitFor(async () => {
      const node = await cluster.client.resource(resources.nodes).get(NODE);
      expect(node.metadata?.annotations?.[PROXY_MODE_ANNOTATION]).toBe('userspace');
    }, WAIT);
  });

  it('answers a NodePort on 127.0.0.1 and spreads connections over the ready endpoints', async () => {
    const service = await createService('np', { type: 'NodePort', ports: [{ name: 'http', port: 80 }] }, [
      'a',
      'b',
      'c',
    ]);
    const port = nodePortOf(service);
    await vi.waitFor(() => expect(proxy.openPorts).toContain(`TCP/${port}`), WAIT);
    await vi.waitFor(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 9; i++) seen.add(await get(port));
      expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    }, WAIT);
  });

  it('stops sending to an endpoint that turns unready', async () => {
    const service = await createService(
      'unready',
      { type: 'NodePort', ports: [{ name: 'http', port: 80 }] },
      ['a', 'b'],
    );
    const port = nodePortOf(service);
    const slices = cluster.client.resource(resources.endpointSlices);
    const current = await slices.get('unready-b', NS);
    await slices.update({
      ...current,
      endpoints: [{ ...current.endpoints[0]!, conditions: { ready: false } }],
    });
    await vi.waitFor(async () => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => get(port)));
      expect(new Set(answers)).toEqual(new Set(['a']));
    }, WAIT);
  });

  it('keeps a client on one endpoint with ClientIP affinity', async () => {
    const service = await createService(
      'sticky',
      { type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80 }] },
      ['a', 'b', 'c'],
    );
    const port = nodePortOf(service);
    await vi.waitFor(() => expect(proxy.openPorts).toContain(`TCP/${port}`), WAIT);
    await vi.waitFor(async () => expect(await get(port)).toMatch(/^[abc]$/), WAIT);
    const answers = new Set<string>();
    for (let i = 0; i < 10; i++) answers.add(await get(port));
    expect(answers.size).toBe(1);
  });

  it('serves a LoadBalancer on 127.0.0.1:<port> and sets status.loadBalancer to 127.0.0.1 (VIP)', async () => {
    const lbPort = await freePort();
    const service = await createService(
      'lb',
      { type: 'LoadBalancer', ports: [{ name: 'http', port: lbPort }] },
      ['c'],
    );
    await vi.waitFor(async () => {
      const current = await services().get('lb', NS);
      expect(current.status?.loadBalancer?.ingress).toEqual([{ ip: '127.0.0.1', ipMode: 'VIP' }]);
    }, WAIT);
    // The slice is written after the Service: until the proxy has it, connections are reset.
    await vi.waitFor(async () => expect(await get(lbPort)).toBe('c'), WAIT);
    expect(await get(nodePortOf(service))).toBe('c');
  });

  it('forwards UDP datagrams and their replies', async () => {
    const echo = createSocket('udp4');
    echo.on('message', (message, remote) =>
      echo.send(`echo ${String(message)}`, remote.port, remote.address),
    );
    await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
    const service = await createService('udp', {
      type: 'NodePort',
      ports: [{ name: 'http', port: 53, protocol: 'UDP' }],
    });
    await cluster.client
      .resource(resources.endpointSlices)
      .create(slice('udp', 'echo', 'UDP', echo.address().port));
    const port = nodePortOf(service);
    await vi.waitFor(() => expect(proxy.openPorts).toContain(`UDP/${port}`), WAIT);
    const client = createSocket('udp4');
    try {
      const reply = await vi.waitFor(
        () =>
          new Promise<string>((resolve, reject) => {
            client.once('message', (message) => resolve(String(message)));
            client.send('ping', port, '127.0.0.1');
            setTimeout(() => reject(new Error('no reply')), 300);
          }),
        WAIT,
      );
      expect(reply).toBe('echo ping');
    } finally {
      client.close();
      echo.close();
    }
  });

  it('reports a taken port as a Warning event on the Service and leaves the LoadBalancer pending', async () => {
    const squatter = createNetServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    servers.push(squatter);
    const taken = (squatter.address() as { port: number }).port;
    await createService('taken', { type: 'LoadBalancer', ports: [{ name: 'http', port: taken }] }, ['a']);
    await vi.waitFor(async () => {
      const events = await cluster.client
        .resource(resources.events)
        .list({ namespace: NS, fieldSelector: 'involvedObject.name=taken' });
      const event = events.items.find((e) => e.reason === 'PortInUse');
      expect(event?.type).toBe('Warning');
      expect(event?.message).toContain(`127.0.0.1:${taken}/TCP is in use by another program`);
    }, WAIT);
    const current = await services().get('taken', NS);
    expect(current.status?.loadBalancer?.ingress ?? []).toEqual([]);
  });

  it('closes a NodePort when its Service goes', async () => {
    const service = await createService('gone', { type: 'NodePort', ports: [{ name: 'http', port: 80 }] }, [
      'a',
    ]);
    const port = nodePortOf(service);
    await vi.waitFor(() => expect(proxy.openPorts).toContain(`TCP/${port}`), WAIT);
    await services().delete('gone', { namespace: NS });
    await vi.waitFor(() => expect(proxy.openPorts).not.toContain(`TCP/${port}`), WAIT);
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('kube-proxy’s helper container', () => {
  /** A helper whose start fails, or whose commands answer with `code`; records what happened to it. */
  const fakeHelper = (behaviour: { startFails?: string; code?: number }) => {
    const seen: string[] = [];
    return {
      seen,
      helper: {
        async start() {
          seen.push('start');
          if (behaviour.startFails) throw new Error(behaviour.startFails);
        },
        run: async (command: string, args: string[]) => {
          seen.push([command, ...args].join(' '));
          return { code: behaviour.code ?? 0, stdout: '', stderr: 'Permission denied (you must be root)' };
        },
        async stop() {
          seen.push('stop');
        },
      },
    };
  };

  const helperProxy = (kernelHelper: ReturnType<typeof fakeHelper>['helper']) =>
    new KubeProxy({ client: cluster.client, nodeName: 'other', mode: 'helper', kernelHelper });

  it('says why it cannot program the kernel when the helper does not start, and leaves nothing running', async () => {
    const { helper, seen } = fakeHelper({ startFails: 'pull access denied for rancher/klipper-lb' });
    const proxy = helperProxy(helper);
    await expect(proxy.start()).rejects.toThrow(
      'kube-proxy cannot program the kernel: the helper container chosen in the configuration; no helper container: pull access denied for rancher/klipper-lb',
    );
    expect(seen).toEqual(['start', 'stop']);
  });

  it('stops the helper when iptables in it cannot be used either', async () => {
    const { helper, seen } = fakeHelper({ code: 1 });
    const proxy = helperProxy(helper);
    await expect(proxy.start()).rejects.toThrow(
      /the helper container cannot either: iptables-restore unusable/,
    );
    expect(seen.at(-1)).toBe('stop');
  });
});
