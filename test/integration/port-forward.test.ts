/**
 * Port-forwarding from the app (src-main/port-forward) against a real embedded cluster with the
 * control plane on (so the deployment and endpoint slice controllers run) and an in-memory node
 * whose port-forward says which pod and port each connection reached, then echoes.
 */
import { connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  NodeStreams,
  PortForwardRequest as NodePortForward,
} from '../../embedded-cluster/api/node-streams.js';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubeconfigDirectory } from '../../src-main/gateway/cluster-directory.js';
import { PortForwards } from '../../src-main/port-forward/index.js';
import type { PortForwardInfo, PortForwardRequest } from '../../src-main/shared/bridge.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

/** A node whose pods answer `pod=<name> port=<port>\n`, then echo; port 81 refuses. */
class WhoAmINode implements NodeStreams {
  readonly forwards: NodePortForward[] = [];
  exec(): never {
    throw new Error('no exec here');
  }
  attach(): never {
    throw new Error('no attach here');
  }
  logs(): never {
    throw new Error('no logs here');
  }
  async portForward(request: NodePortForward): Promise<Duplex> {
    this.forwards.push(request);
    if (request.port === 81) throw new Error('dial tcp 127.0.0.1:81: connect: connection refused');
    const echo = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        this.push(chunk);
        callback();
      },
      final(callback) {
        this.push(null);
        callback();
      },
    });
    echo.push(`pod=${request.pod} port=${request.port}\n`);
    return echo;
  }
}

let cluster: TestCluster;
let forwards: PortForwards;
const node = new WhoAmINode();
const wait = { timeout: 20_000, interval: 50 };

beforeAll(async () => {
  cluster = await startTestCluster({ runtime: 'simulated', controlPlane: true, nodeStreams: () => node });
  const directory = kubeconfigDirectory({
    kubeconfigPaths: [],
    embedded: () => ({ kubeconfigPath: cluster.kubeconfigPath }),
  });
  forwards = new PortForwards({ directory, settleMs: 10, retryMs: 100 });
}, 30_000);

afterAll(async () => {
  await forwards?.stopAll();
  await cluster?.destroy();
});

const pods = () => cluster.client.resource(resources.pods);
const deployments = () => cluster.client.resource(resources.deployments);

function request(target: PortForwardRequest['target'], port: number | string): PortForwardRequest {
  return { clusterId: 'embedded', namespace: 'default', target, port };
}

function info(id: string): PortForwardInfo {
  const found = forwards.list().find((f) => f.id === id);
  if (!found) throw new Error(`no forward ${id}`);
  return found;
}

/** A TCP client of a forward: what it has read so far, and whether the forward closed it. */
async function dial(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let text = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    text: () => text,
    closed: () => closed,
    /** The first line: which pod and port the connection reached. */
    greeting: async () => {
      await vi.waitFor(() => expect(text).toContain('\n'), wait);
      return text.slice(0, text.indexOf('\n'));
    },
  };
}

async function runningPod(name: string, ports: CoreV1.ContainerPort[]) {
  await pods().create({
    metadata: { name, namespace: 'default', labels: { solo: name } },
    spec: { nodeName: 'kubedesk', containers: [{ name: 'main', image: 'busybox', ports }] },
  });
  await vi.waitFor(async () => {
    const pod: CoreV1.Pod = await pods().get(name, 'default');
    expect(pod.status?.phase).toBe('Running');
  }, wait);
}

async function deployment(name: string, replicas: number) {
  await deployments().create({
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'main', image: 'busybox', ports: [{ name: 'web', containerPort: 9090 }] }],
        },
      },
    },
  });
}

describe('a Pod target', () => {
  it('carries bytes both ways, to the named container port', async () => {
    await runningPod('web', [{ name: 'http', containerPort: 8080 }]);
    const started = await forwards.start(request({ kind: 'Pod', name: 'web' }, 'http'));
    expect(started).toMatchObject({ state: 'active', pod: 'web', podPort: 8080, connections: 0 });
    expect(started.localPort).toBeGreaterThan(0);
    expect(started.url).toBe(`http://127.0.0.1:${started.localPort}`);

    const client = await dial(started.localPort);
    expect(await client.greeting()).toBe('pod=web port=8080');
    client.socket.write('hello through the tunnel');
    await vi.waitFor(() => expect(client.text()).toContain('hello through the tunnel'), wait);
    expect(info(started.id).connections).toBe(1);
    client.socket.destroy();
    await vi.waitFor(() => expect(info(started.id).connections).toBe(0), wait);
    await forwards.stop(started.id);
  });

  it('says why when the pod refuses the port (the error channel)', async () => {
    const started = await forwards.start(request({ kind: 'Pod', name: 'web' }, 81));
    const client = await dial(started.localPort);
    await vi.waitFor(() => expect(client.closed()).toBe(true), wait);
    await vi.waitFor(() => expect(info(started.id).message).toMatch(/port 81 .*connection refused/), wait);
    expect(info(started.id).state).toBe('active');
    await forwards.stop(started.id);
  });

  it('refuses to start for a missing pod, a missing named port or a taken local port, with the reason', async () => {
    await expect(forwards.start(request({ kind: 'Pod', name: 'nope' }, 80))).rejects.toThrow(
      /pods "nope" not found/,
    );
    await expect(forwards.start(request({ kind: 'Pod', name: 'web' }, 'grpc'))).rejects.toThrow(
      /pod web does not have a named port 'grpc'/,
    );
    await expect(forwards.start(request({ kind: 'Service', name: 'nope' }, 80))).rejects.toThrow(
      /services "nope" not found/,
    );
    await expect(
      forwards.start({ ...request({ kind: 'Pod', name: 'web' }, 80), clusterId: 'context:none' }),
    ).rejects.toThrow(/cluster "context:none" not found/);
    await expect(forwards.start({ ...request({ kind: 'Job' as 'Pod', name: 'x' }, 80) })).rejects.toThrow(
      /target.kind must be one of/,
    );
    const first = await forwards.start(request({ kind: 'Pod', name: 'web' }, 8080));
    await expect(
      forwards.start({ ...request({ kind: 'Pod', name: 'web' }, 8080), localPort: first.localPort }),
    ).rejects.toThrow(/already in use/);
    await forwards.stop(first.id);
  });

  it('fails with the reason when its pod is deleted, and stop closes the listener', async () => {
    await runningPod('doomed', [{ containerPort: 80 }]);
    const started = await forwards.start(request({ kind: 'Pod', name: 'doomed' }, 80));
    const client = await dial(started.localPort);
    expect(await client.greeting()).toBe('pod=doomed port=80');
    await pods().delete('doomed', { namespace: 'default', gracePeriodSeconds: 0 });
    await vi.waitFor(() => {
      expect(info(started.id)).toMatchObject({ state: 'failed' });
      expect(info(started.id).message).toMatch(/pod doomed (was|is being) deleted/);
    }, wait);
    await vi.waitFor(() => expect(client.closed()).toBe(true), wait);
    const refused = await dial(started.localPort);
    await vi.waitFor(() => expect(refused.closed()).toBe(true), wait);

    await forwards.stop(started.id);
    expect(forwards.list().some((f) => f.id === started.id)).toBe(false);
    await expect(dial(started.localPort)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('a Service target', () => {
  it('goes to a ready pod from its EndpointSlices, on the targetPort named by the service port', async () => {
    await deployment('api', 2);
    await cluster.client.resource(resources.services).create({
      metadata: { name: 'api', namespace: 'default' },
      spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
    });
    await vi.waitFor(async () => {
      const slices = await cluster.client
        .resource(resources.endpointSlices)
        .list({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=api' });
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
      expect(ready).toHaveLength(2);
    }, wait);

    for (const port of [80, 'http']) {
      const started = await forwards.start(request({ kind: 'Service', name: 'api' }, port));
      expect(started).toMatchObject({ state: 'active', podPort: 9090 });
      expect(started.pod).toMatch(/^api-/);
      const client = await dial(started.localPort);
      expect(await client.greeting()).toBe(`pod=${started.pod} port=9090`);
      client.socket.destroy();
      await forwards.stop(started.id);
    }
    await expect(forwards.start(request({ kind: 'Service', name: 'api' }, 443))).rejects.toThrow(
      /service api does not have a service port 443/,
    );
  });

  it('follows its pods: when the current pod goes away, new connections reach another one', async () => {
    const started = await forwards.start(request({ kind: 'Service', name: 'api' }, 80));
    const first = started.pod!;
    const held = await dial(started.localPort);
    expect(await held.greeting()).toBe(`pod=${first} port=9090`);

    await pods().delete(first, { namespace: 'default' });
    await vi.waitFor(() => {
      const now = info(started.id);
      expect(now.state).toBe('active');
      expect(now.pod).toMatch(/^api-/);
      expect(now.pod).not.toBe(first);
    }, wait);
    // The connection to the old pod ended; a new one reaches the new pod.
    await vi.waitFor(() => expect(held.closed()).toBe(true), wait);
    const next = await dial(started.localPort);
    expect(await next.greeting()).toBe(`pod=${info(started.id).pod} port=9090`);
    next.socket.destroy();
    await forwards.stop(started.id);
  });
});

describe('a workload target', () => {
  it('waits while no pod is ready, and is active again when one is', async () => {
    await deployment('worker', 1);
    await vi.waitFor(async () => {
      const list = await pods().list({ namespace: 'default', labelSelector: 'app=worker' });
      expect(list.items.some((p) => p.status?.phase === 'Running')).toBe(true);
    }, wait);
    const started = await forwards.start(request({ kind: 'Deployment', name: 'worker' }, 'web'));
    expect(started).toMatchObject({ state: 'active', podPort: 9090 });
    expect(started.pod).toMatch(/^worker-/);

    await deployments().patch('worker', { spec: { replicas: 0 } }, { namespace: 'default' });
    await vi.waitFor(
      () =>
        expect(info(started.id)).toMatchObject({
          state: 'waiting',
          message: 'no ready pod of deployment worker',
        }),
      wait,
    );
    const refused = await dial(started.localPort);
    await vi.waitFor(() => expect(refused.closed()).toBe(true), wait);

    await deployments().patch('worker', { spec: { replicas: 1 } }, { namespace: 'default' });
    await vi.waitFor(() => expect(info(started.id)).toMatchObject({ state: 'active', podPort: 9090 }), wait);
    const client = await dial(started.localPort);
    expect(await client.greeting()).toBe(`pod=${info(started.id).pod} port=9090`);
    client.socket.destroy();
    await forwards.stop(started.id);
  });
});
