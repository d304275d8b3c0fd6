import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Ingress, IngressRule } from 'kubernetes-types/networking/v1.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { resources, type DiscoveryV1 } from '../../embedded-cluster/client/index.js';
import { IngressController } from '../../embedded-cluster/ingress/ingress-controller.js';
import { DEFAULT_CERTIFICATE, selfSignedCertificate } from '../../embedded-cluster/ingress/self-signed.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const NS = 'ing';
const WAIT = { timeout: 8000, interval: 50 };
let cluster: TestCluster;
let controller: IngressController;
const backends = new Map<string, { port: number; server: Server }>();
/** Backends whose answer's client went away before it finished. */
const abandoned: string[] = [];

/** A pod stand-in on 127.0.0.1: answers `You've hit <name>`, echoes headers at /headers, echoes WebSocket messages. */
async function startBackend(name: string): Promise<number> {
  const server = createServer((req, res) => {
    if (req.url === '/headers') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.headers));
      return;
    }
    if (req.url === '/stream') {
      res.write('first\n');
      setTimeout(() => res.end('second\n'), 1500);
      return;
    }
    if (req.url === '/echo') {
      res.writeHead(201, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' });
      req.pipe(res);
      return;
    }
    if (req.url === '/events') {
      // Headers now, the first event much later: a proxy must not hold the headers back.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      const timer = setTimeout(() => res.end('data: late\n\n'), 10_000);
      res.on('close', () => {
        clearTimeout(timer);
        if (!res.writableFinished) abandoned.push(name);
      });
      return;
    }
    res.end(`You've hit ${name}\n`);
  });
  new WebSocketServer({ server }).on('connection', (socket) =>
    socket.on('message', (data) => socket.send(`${name} echoes ${String(data)}`)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  backends.set(name, { port, server });
  return port;
}

/** A Service without a selector, and one EndpointSlice per backend (each has its own port). */
async function service(name: string, endpoints: { backend: string; ready?: boolean }[], port = 80) {
  await cluster.client.resource(resources.services).create({
    metadata: { name, namespace: NS },
    spec: { ports: [{ name: 'http', port, protocol: 'TCP' }] },
  });
  for (const endpoint of endpoints)
    await cluster.client
      .resource(resources.endpointSlices)
      .create(slice(name, endpoint.backend, endpoint.ready ?? true));
}

function slice(
  serviceName: string,
  backend: string,
  ready: boolean,
  port = backends.get(backend)?.port ?? 1,
): DiscoveryV1.EndpointSlice {
  return {
    metadata: {
      name: `${serviceName}-${backend}`,
      namespace: NS,
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready } }],
  };
}

async function setReady(serviceName: string, backend: string, ready: boolean) {
  const client = cluster.client.resource(resources.endpointSlices);
  const current = await client.get(`${serviceName}-${backend}`, NS);
  await client.update({ ...current, endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready } }] });
}

const rule = (
  host: string | undefined,
  paths: [path: string, pathType: string, service: string][],
): IngressRule => ({
  ...(host ? { host } : {}),
  http: {
    paths: paths.map(([path, pathType, svc]) => ({
      path,
      pathType,
      backend: { service: { name: svc, port: { number: 80 } } },
    })),
  },
});

function createIngress(name: string, spec: Ingress['spec'], annotations: Record<string, string> = {}) {
  return cluster.client
    .resource(resources.ingresses)
    .create({ metadata: { name, namespace: NS, annotations }, spec });
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(host: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: controller.ports.httpPort,
        path,
        headers: { host, ...headers },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function getTls(servername: string, path: string, ca?: string): Promise<Answer & { subject: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: controller.ports.httpsPort,
        path,
        servername,
        headers: { host: servername },
        agent: false,
        ...(ca ? { ca } : { rejectUnauthorized: false }),
      },
      (res) => {
        const cn = (res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '';
        const subject = Array.isArray(cn) ? cn.join(',') : cn;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, subject }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Retry until the controller has caught up with what the test just wrote. */
async function eventually(
  host: string,
  path: string,
  check: (answer: Answer) => void,
  headers?: Record<string, string>,
) {
  await vi.waitFor(async () => check(await get(host, path, headers)), WAIT);
}

beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['endpointslice'],
  });
  await cluster.client.resource(resources.namespaces).create({ metadata: { name: NS } });
  for (const name of ['a-1', 'b-1', 's-1', 's-2', 's-3']) await startBackend(name);
  await service('svc-a', [{ backend: 'a-1' }]);
  await service('svc-b', [{ backend: 'b-1' }]);
  await service('svc-sticky', [{ backend: 's-1' }, { backend: 's-2' }, { backend: 's-3' }]);
  controller = new IngressController({
    client: cluster.client,
    httpPort: 0,
    httpsPort: 0,
    fallbackHttpPort: 0,
    fallbackHttpsPort: 0,
  });
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  for (const { server } of backends.values()) server.close();
  await cluster?.destroy();
});

describe('the ingress controller', () => {
  it('ensures the default IngressClass kubedesk', async () => {
    const ingressClass = await cluster.client.resource(resources.ingressClasses).get('kubedesk');
    expect(ingressClass.spec?.controller).toBe('kubedesk.dev/ingress');
    expect(ingressClass.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class']).toBe('true');
  });

  it('routes by host and path, Exact before Prefix, wildcards one label deep, and sets status.loadBalancer', async () => {
    await createIngress('web', {
      ingressClassName: 'kubedesk',
      rules: [
        rule('app.localhost', [
          ['/', 'Prefix', 'svc-a'],
          ['/b', 'Prefix', 'svc-b'],
          ['/api', 'Prefix', 'svc-a'],
          ['/api', 'Exact', 'svc-b'],
        ]),
        rule('*.wild.localhost', [['/', 'Prefix', 'svc-b']]),
      ],
    });
    await eventually('app.localhost', '/', (a) => expect(a.body).toBe("You've hit a-1\n"));
    expect((await get('app.localhost:1234', '/b/c')).body).toBe("You've hit b-1\n");
    expect((await get('app.localhost', '/bc')).body).toBe("You've hit a-1\n"); // element-wise
    expect((await get('app.localhost', '/api')).body).toBe("You've hit b-1\n"); // Exact wins
    expect((await get('app.localhost', '/api/x')).body).toBe("You've hit a-1\n");
    expect((await get('x.wild.localhost', '/')).body).toBe("You've hit b-1\n");
    expect((await get('y.x.wild.localhost', '/')).status).toBe(404);

    const { httpPort, httpsPort } = controller.ports;
    await vi.waitFor(async () => {
      const ingress = await cluster.client.resource(resources.ingresses).get('web', NS);
      expect(ingress.status?.loadBalancer?.ingress).toEqual([
        {
          ip: '127.0.0.1',
          ports: [
            { port: httpPort, protocol: 'TCP' },
            { port: httpsPort, protocol: 'TCP' },
          ],
        },
      ]);
    }, WAIT);
  });

  it('answers 404 naming the host and path and the hosts served', async () => {
    const answer = await get('nowhere.localhost', '/some/path');
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body).toBe(
      '404 Not Found: no Ingress rule matches host "nowhere.localhost" and path "/some/path".\n' +
        'Hosts served: *.wild.localhost, app.localhost.\n',
    );
  });

  it('answers 503 naming the Ingress, service and port, and why', async () => {
    await cluster.client.resource(resources.services).create({
      metadata: { name: 'svc-empty', namespace: NS },
      spec: { ports: [{ name: 'http', port: 80 }] },
    });
    await createIngress('broken', {
      rules: [
        rule('broken.localhost', [
          ['/missing', 'Prefix', 'svc-missing'],
          ['/empty', 'Prefix', 'svc-empty'],
        ]),
        {
          host: 'broken.localhost',
          http: {
            paths: [
              {
                path: '/port',
                pathType: 'Prefix',
                backend: { service: { name: 'svc-a', port: { number: 81 } } },
              },
            ],
          },
        },
      ],
    }); // no class: served, kubedesk being the default
    await eventually('broken.localhost', '/missing', (a) =>
      expect(a.body).toBe(
        '503 Service Unavailable: Ingress ing/broken (backend service "svc-missing" port 80): service "svc-missing" does not exist in namespace "ing".\n',
      ),
    );
    const empty = await get('broken.localhost', '/empty');
    expect(empty.status).toBe(503);
    expect(empty.body).toContain('service "svc-empty" has no ready endpoints for port 80');
    expect((await get('broken.localhost', '/port')).body).toContain(
      'service "svc-a" has no port 81 (it has http (80))',
    );
  });

  it('answers 502 when the endpoint refuses the connection', async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await cluster.client.resource(resources.services).create({
      metadata: { name: 'svc-dead', namespace: NS },
      spec: { ports: [{ name: 'http', port: 80 }] },
    });
    await cluster.client.resource(resources.endpointSlices).create(slice('svc-dead', 'dead', true, port));
    await createIngress('dead', { rules: [rule('dead.localhost', [['/', 'Prefix', 'svc-dead']])] });
    await eventually('dead.localhost', '/', (a) => {
      expect(a.status).toBe(502);
      expect(a.body).toBe(
        `502 Bad Gateway: the upstream endpoint 127.0.0.1:${port} refused the connection.\n`,
      );
    });
  });

  it('sends unmatched requests to the default backend', async () => {
    await createIngress('fallback', {
      ingressClassName: 'kubedesk',
      defaultBackend: { service: { name: 'svc-b', port: { name: 'http' } } },
    });
    await eventually('nowhere.localhost', '/x', (a) => expect(a.body).toBe("You've hit b-1\n"));
    await cluster.client.resource(resources.ingresses).delete('fallback', { namespace: NS });
    await eventually('nowhere.localhost', '/x', (a) => expect(a.status).toBe(404));
  });

  it('ignores Ingresses of other classes', async () => {
    await createIngress('other', {
      ingressClassName: 'nginx',
      rules: [rule('other.localhost', [['/', 'Prefix', 'svc-a']])],
    });
    await createIngress(
      'legacy',
      { rules: [rule('legacy.localhost', [['/', 'Prefix', 'svc-a']])] },
      { 'kubernetes.io/ingress.class': 'kubedesk' },
    );
    await eventually('legacy.localhost', '/', (a) => expect(a.body).toBe("You've hit a-1\n"));
    expect((await get('other.localhost', '/')).status).toBe(404);
    expect(
      (await cluster.client.resource(resources.ingresses).get('other', NS)).status?.loadBalancer?.ingress ??
        [],
    ).toEqual([]);
  });

  it('forwards with X-Forwarded-* and X-Real-IP, without hop-by-hop headers, streaming the answer', async () => {
    const answer = await get('app.localhost', '/headers', {
      connection: 'keep-alive, x-hop',
      'x-hop': '1',
      'x-forwarded-for': '6.6.6.6',
    });
    const seen = JSON.parse(answer.body) as Record<string, string>;
    expect(seen).toMatchObject({
      host: 'app.localhost',
      'x-forwarded-for': '127.0.0.1',
      'x-real-ip': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'app.localhost',
    });
    expect(seen['x-hop']).toBeUndefined();

    const started = Date.now();
    const first = await new Promise<number>((resolve, reject) => {
      request(
        {
          host: '127.0.0.1',
          port: controller.ports.httpPort,
          path: '/stream',
          headers: { host: 'app.localhost' },
          agent: false,
        },
        (res) =>
          res.once('data', () => {
            resolve(Date.now() - started);
            res.resume();
          }),
      )
        .on('error', reject)
        .end();
    });
    expect(first).toBeLessThan(1200); // the first chunk came before the backend finished (1.5 s)
  });

  it('streams request bodies to the endpoint: with a length, chunked, and after Expect: 100-continue', async () => {
    const payload = Buffer.alloc(1 << 20, 'kubedesk ');
    const post = (headers: Record<string, string>, chunks: Buffer[]) =>
      new Promise<Answer & { continued: boolean }>((resolve, reject) => {
        let continued = false;
        const req = request(
          {
            host: '127.0.0.1',
            port: controller.ports.httpPort,
            method: 'POST',
            path: '/echo',
            headers: { host: 'app.localhost', 'content-type': 'text/plain', ...headers },
            agent: false,
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (chunk: Buffer) => parts.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(parts).toString(),
                continued,
              }),
            );
          },
        );
        req.on('error', reject);
        const send = () => {
          for (const chunk of chunks) req.write(chunk);
          req.end();
        };
        if (headers.expect) {
          req.on('continue', () => {
            continued = true;
            send();
          });
        } else send();
      });

    const sized = await post({ 'content-length': String(payload.length) }, [payload]);
    expect(sized.status).toBe(201);
    expect(sized.body).toBe(payload.toString());
    const chunked = await post({}, [payload.subarray(0, 1000), payload.subarray(1000)]);
    expect(chunked.body.length).toBe(payload.length);
    const continued = await post({ expect: '100-continue', 'content-length': '5' }, [Buffer.from('hello')]);
    expect(continued).toMatchObject({ status: 201, body: 'hello', continued: true });
  });

  it('sends an answer’s headers before its body has started, and abandons it when the client leaves', async () => {
    const events = await new Promise<{ type: string | undefined; close: () => void }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: controller.ports.httpPort,
          path: '/events',
          headers: { host: 'app.localhost' },
          agent: false,
        },
        (res) => resolve({ type: res.headers['content-type'], close: () => req.destroy() }),
      );
      req.on('error', () => {});
      setTimeout(() => reject(new Error('no headers within 2 s')), 2000);
      req.end();
    });
    expect(events.type).toBe('text/event-stream');
    events.close();
    await vi.waitFor(() => expect(abandoned).toContain('a-1'), { timeout: 5000, interval: 50 });
  });

  it('spreads requests round-robin over the ready endpoints', async () => {
    await createIngress('spread', { rules: [rule('spread.localhost', [['/', 'Prefix', 'svc-sticky']])] });
    await eventually('spread.localhost', '/', (a) => expect(a.status).toBe(200));
    const hits = new Set<string>();
    for (let i = 0; i < 6; i++) hits.add((await get('spread.localhost', '/')).body);
    expect([...hits].sort()).toEqual(["You've hit s-1\n", "You've hit s-2\n", "You've hit s-3\n"]);
  });

  it('keeps cookie affinity across 20 requests, and moves the session when its endpoint turns unready', async () => {
    await createIngress(
      'sticky',
      { rules: [rule('sticky.localhost', [['/', 'Prefix', 'svc-sticky']])] },
      {
        'nginx.ingress.kubernetes.io/affinity': 'cookie',
        'nginx.ingress.kubernetes.io/session-cookie-max-age': '172800',
      },
    );
    let first: Answer | undefined;
    await eventually('sticky.localhost', '/', (a) => {
      expect(a.headers['set-cookie']).toBeDefined();
      first = a;
    });
    const setCookie = first!.headers['set-cookie']![0]!;
    expect(setCookie).toMatch(/^INGRESSCOOKIE=[^;|]+\|[0-9a-f]{32}; Max-Age=172800; Path=\/; HttpOnly$/);
    expect(setCookie).not.toContain('127.0.0.1');
    const cookie = setCookie.split(';')[0]!;
    const pinned = first!.body;
    for (let i = 0; i < 20; i++) {
      const again = await get('sticky.localhost', '/', { cookie });
      expect(again.body).toBe(pinned);
      expect(again.headers['set-cookie']).toBeUndefined();
    }

    const name = pinned.trim().replace("You've hit ", '');
    await setReady('svc-sticky', name, false);
    await eventually('sticky.localhost', '/', (a) => expect(a.body).not.toBe(pinned), { cookie });
    const moved = (await get('sticky.localhost', '/', { cookie })).body;
    for (let i = 0; i < 5; i++) expect((await get('sticky.localhost', '/', { cookie })).body).toBe(moved);
    await setReady('svc-sticky', name, true);
  });

  it('serves TLS by SNI from the Ingress Secret, the default certificate otherwise, and redirects HTTP to HTTPS', async () => {
    const pair = await selfSignedCertificate({
      commonName: 'secure.localhost',
      dnsNames: ['secure.localhost'],
    });
    await cluster.client.resource(resources.secrets).create({
      metadata: { name: 'secure-tls', namespace: NS },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(pair.cert).toString('base64'),
        'tls.key': Buffer.from(pair.key).toString('base64'),
      },
    });
    await createIngress('secure', {
      tls: [{ hosts: ['secure.localhost'], secretName: 'secure-tls' }],
      rules: [rule('secure.localhost', [['/', 'Prefix', 'svc-a']])],
    });
    await vi.waitFor(async () => {
      const answer = await getTls('secure.localhost', '/', pair.cert); // verified against the Secret's certificate
      expect(answer.subject).toBe('secure.localhost');
      expect(answer.body).toBe("You've hit a-1\n");
    }, WAIT);
    const headers = JSON.parse((await getTls('secure.localhost', '/headers', pair.cert)).body) as Record<
      string,
      string
    >;
    expect(headers['x-forwarded-proto']).toBe('https');

    const unknown = await getTls('unknown.localhost', '/');
    expect(unknown.subject).toBe(DEFAULT_CERTIFICATE.commonName);
    expect(unknown.status).toBe(404);

    const plain = await get('secure.localhost', '/x?y=1');
    expect(plain.status).toBe(308);
    expect(plain.headers.location).toBe(`https://secure.localhost:${controller.ports.httpsPort}/x?y=1`);
  });

  it('pipes WebSocket upgrades both ways', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${controller.ports.httpPort}/ws`, {
      headers: { host: 'app.localhost' },
    });
    const reply = await new Promise<string>((resolve, reject) => {
      socket.on('open', () => socket.send('hello'));
      socket.on('message', (data) => resolve(String(data)));
      socket.on('error', reject);
    });
    expect(reply).toBe('a-1 echoes hello');
    socket.close();
  });

  it('falls back from a port in use, with a Warning event on the IngressClass', async () => {
    const busy = createNetServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as { port: number }).port;
    const second = new IngressController({
      client: cluster.client,
      httpPort: busyPort,
      httpsPort: 0,
      fallbackHttpPort: 0,
      fallbackHttpsPort: 0,
    });
    try {
      await second.start();
      expect(second.ports.httpPort).not.toBe(busyPort);
      await vi.waitFor(async () => {
        const events = await cluster.client.resource(resources.events).list({ namespace: 'default' });
        const warning = events.items.find(
          (e) => e.involvedObject.kind === 'IngressClass' && e.reason === 'PortUnavailable',
        );
        expect(warning?.type).toBe('Warning');
        expect(warning?.message).toBe(
          `HTTP is served on 127.0.0.1:${second.ports.httpPort} because port ${busyPort} is in use by another program`,
        );
      }, WAIT);
    } finally {
      await second.stop();
      busy.close();
    }
  });
});
