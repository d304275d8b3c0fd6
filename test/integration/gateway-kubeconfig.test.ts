import { sessionCookieName } from '../../src-main/gateway/auth.js';
import { mkdir, readFile, writeFile, appendFile } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kubeconfigDirectory, type ClusterDirectory } from '../../src-main/gateway/cluster-directory.js';
import { startGateway, type RunningGateway } from '../../src-main/gateway/gateway.js';
import type { KubedeskBridge } from '../../src-main/shared/bridge.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The gateway against the user's kubeconfig: several files merged the way kubectl merges
 * KUBECONFIG, each kind of credential applied, and what the cluster and the browser each see —
 * checked with a throwaway HTTP server standing in for the API servers, recording what reaches it.
 */

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

let dir: Awaited<ReturnType<typeof tempDir>>;
let recorder: Server;
let seen: Seen[] = [];
let holdClosed: Promise<void>;
let onHoldClosed: () => void;
let directory: ClusterDirectory;
let gateway: RunningGateway;
let deadPort: number;
const TOKEN = 'kubeconfig-test-token';
const savedKubeconfig = process.env.KUBECONFIG;

beforeAll(async () => {
  dir = await tempDir('gateway-kubeconfig');
  holdClosed = new Promise((resolve) => (onHoldClosed = resolve));
  recorder = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.endsWith('/hold')) {
      // A watch that stays open until the client goes away.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
      req.on('close', () => onHoldClosed());
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'set-cookie': 'cluster=1',
      'www-authenticate': 'Basic realm="cluster"',
      'x-kept': 'yes',
    });
    res.end('{"kind":"Status","status":"Success"}');
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const port = (recorder.address() as AddressInfo).port;
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  deadPort = (dead.address() as AddressInfo).port;
  await new Promise<void>((resolve) => dead.close(() => resolve()));

  const a = path.join(dir.path, 'a');
  const b = path.join(dir.path, 'b');
  await mkdir(path.join(a, 'certs'), { recursive: true });
  await mkdir(b);
  await writeFile(path.join(a, 'token.txt'), 'file-token-1\n');
  await writeFile(path.join(a, 'certs', 'client.crt'), 'CLIENT CERT PEM');
  await writeFile(path.join(a, 'certs', 'client.key'), 'CLIENT KEY PEM');
  // An exec credential plugin: prints an ExecCredential with the token from its env, and counts its runs.
  await writeFile(
    path.join(a, 'plugin.mjs'),
    `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(path.join(dir.path, 'plugin-runs'))}, 'run\\n');
process.stdout.write(JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  kind: 'ExecCredential',
  status: { token: process.env.KUBEDESK_TEST_PLUGIN_TOKEN, expirationTimestamp: '2999-01-01T00:00:00Z' },
}));
`,
  );
  const server = `http://127.0.0.1:${port}`;
  await writeFile(
    path.join(a, 'config'),
    `apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: recorder
  cluster: { server: "${server}/prefix/" }
- name: shared
  cluster: { server: "${server}/from-a" }
- name: dead
  cluster: { server: "https://127.0.0.1:${deadPort}" }
- name: insecure
  cluster: { server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true, tls-server-name: api.internal }
users:
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ${JSON.stringify(process.execPath)}
      args: [${JSON.stringify(path.join(a, 'plugin.mjs'))}]
      env: [{ name: KUBEDESK_TEST_PLUGIN_TOKEN, value: exec-token-1 }]
- name: failing-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ${JSON.stringify(process.execPath)}
      args: ["-e", "process.stderr.write('please log in'); process.exit(1)"]
- name: token-file-user
  user: { tokenFile: token.txt }
- name: basic-user
  user: { username: admin, password: "s3cret" }
- name: cert-user
  user: { client-certificate: certs/client.crt, client-key: certs/client.key }
contexts:
- name: alpha
  context: { cluster: recorder, user: exec-user, namespace: team-a }
- name: token-file
  context: { cluster: recorder, user: token-file-user }
- name: basic
  context: { cluster: recorder, user: basic-user }
- name: certs
  context: { cluster: insecure, user: cert-user }
- name: my anon
  context: { cluster: recorder }
- name: failing
  context: { cluster: recorder, user: failing-user }
- name: broken
  context: { cluster: missing, user: basic-user }
- name: nobody
  context: { cluster: recorder, user: ghost }
- name: dead
  context: { cluster: dead, user: basic-user }
- name: shared
  context: { cluster: shared, user: basic-user }
`,
  );
  await writeFile(
    path.join(b, 'config'),
    `apiVersion: v1
kind: Config
current-context: beta
clusters:
- name: shared
  cluster: { server: "${server}/from-b" }
contexts:
- name: alpha
  context: { cluster: dead, user: basic-user }
- name: beta
  context: { cluster: shared, user: basic-user }
`,
  );
  process.env.KUBECONFIG = [
    path.join(a, 'config'),
    path.join(dir.path, 'missing'),
    path.join(b, 'config'),
  ].join(path.delimiter);
  directory = kubeconfigDirectory({});
  const bridge = { listClusters: () => directory.list() } as unknown as KubedeskBridge;
  gateway = await startGateway({ directory, bridge, token: TOKEN });
});

afterAll(async () => {
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  await gateway?.close();
  await new Promise<void>((resolve) => (recorder ? recorder.close(() => resolve()) : resolve()));
  await dir?.remove();
});

function gw(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as object) },
  });
}

/** One request through the gateway to `id`; resolves with what the recorder saw. */
async function through(
  id: string,
  rest = '/api/v1/namespaces',
  headers: Record<string, string> = {},
): Promise<Seen> {
  seen = [];
  const res = await gw(`/clusters/${id}${rest}`, { headers });
  expect(res.status).toBe(200);
  await res.text();
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

describe('the kubeconfig directory', () => {
  it('merges KUBECONFIG files like kubectl: first wins, current-context from the first file', async () => {
    const list = await directory.list();
    expect(list.map((c) => c.name)).toEqual([
      'alpha',
      'token-file',
      'basic',
      'certs',
      'my anon',
      'failing',
      'broken',
      'nobody',
      'dead',
      'shared',
      'beta',
    ]);
    const byName = new Map(list.map((c) => [c.name, c]));
    expect(byName.get('alpha')).toMatchObject({
      id: 'context:alpha',
      source: 'kubeconfig',
      current: true,
      namespace: 'team-a',
      server: expect.stringMatching(/\/prefix$/),
    });
    expect(byName.get('beta')?.current).toBeUndefined();
    expect(byName.get('shared')?.server).toMatch(/\/from-a$/);
    expect(byName.get('my anon')?.id).toBe('context:my%20anon');
    expect(byName.get('broken')?.error).toBe('context "broken": cluster "missing" not found');
    expect(byName.get('nobody')?.error).toBe('context "nobody": user "ghost" not found');
    expect(byName.get('alpha')?.error).toBeUndefined();
  });

  it('re-reads the files when they change', async () => {
    const b = path.join(dir.path, 'b', 'config');
    const before = await readFile(b, 'utf8');
    await appendFile(b, '- name: gamma\n  context: { cluster: shared }\n');
    await vi.waitFor(async () => expect((await directory.list()).map((c) => c.name)).toContain('gamma'));
    await writeFile(b, before);
    await vi.waitFor(async () => expect((await directory.list()).map((c) => c.name)).not.toContain('gamma'));
  });

  it('puts client certificates (files relative to the kubeconfig) and TLS settings in tls', async () => {
    const connection = await directory.connect('context:certs');
    expect(connection?.tls.cert?.toString()).toBe('CLIENT CERT PEM');
    expect(connection?.tls.key?.toString()).toBe('CLIENT KEY PEM');
    expect(connection?.tls.rejectUnauthorized).toBe(false);
    expect(connection?.tls.servername).toBe('api.internal');
    expect(connection?.server.href).toBe('https://10.0.0.1:6443/');
    expect((await directory.connect('context:alpha'))?.tls.rejectUnauthorized).toBe(true);
    expect(await directory.connect('context:broken')).toBeUndefined();
    expect(await directory.connect('context:none')).toBeUndefined();
  });
});

describe('forwarding with kubeconfig credentials', () => {
  it('runs an exec plugin once and sends its token, without leaking its env into the gateway', async () => {
    await writeFile(path.join(dir.path, 'plugin-runs'), '');
    const results = await Promise.all([1, 2, 3].map(() => gw('/clusters/context:alpha/version')));
    for (const res of results) expect(res.status).toBe(200);
    const request = await through('context:alpha', '/api/v1/namespaces?limit=5&labelSelector=a%3Db');
    expect(request.url).toBe('/prefix/api/v1/namespaces?limit=5&labelSelector=a%3Db');
    expect(request.headers.authorization).toBe('Bearer exec-token-1');
    expect(process.env.KUBEDESK_TEST_PLUGIN_TOKEN).toBeUndefined();
    const runs = (await readFile(path.join(dir.path, 'plugin-runs'), 'utf8')).trim().split('\n');
    // Cached until its expirationTimestamp; concurrent first requests share one run.
    expect(runs).toHaveLength(1);
  });

  it('answers 503 with the plugin’s error when the plugin fails', async () => {
    const res = await gw('/clusters/context:failing/version');
    expect(res.status).toBe(503);
    const status = (await res.json()) as { message: string; reason: string };
    expect(status.reason).toBe('ServiceUnavailable');
    expect(status.message).toContain('please log in');
  });

  it('reads tokenFile on each request, and sends basic auth', async () => {
    expect((await through('context:token-file')).headers.authorization).toBe('Bearer file-token-1');
    await writeFile(path.join(dir.path, 'a', 'token.txt'), 'file-token-2');
    expect((await through('context:token-file')).headers.authorization).toBe('Bearer file-token-2');
    const basic = Buffer.from('admin:s3cret').toString('base64');
    expect((await through('context:basic')).headers.authorization).toBe(`Basic ${basic}`);
  });

  it('strips the browser’s session from requests, and cookies and auth prompts from responses', async () => {
    seen = [];
    // node:http rather than fetch, which refuses to send a Connection header.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/clusters/context%3Amy%2520anon/api`, {
        headers: {
          cookie: `${sessionCookieName(Number(new URL(gateway.url).port))}=${TOKEN}`,
          origin: gateway.url,
          accept: 'application/json',
          'x-custom': 'kept',
          connection: 'keep-alive, x-hop',
          'x-hop': 'dropped',
        },
      });
      req.on('response', resolve).on('error', reject).end();
    });
    res.resume();
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['x-kept']).toBe('yes');
    const request = seen[0]!;
    expect(request.url).toBe('/prefix/api');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers.cookie).toBeUndefined();
    expect(request.headers.origin).toBeUndefined();
    expect(request.headers['x-hop']).toBeUndefined();
    expect(request.headers['x-custom']).toBe('kept');
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers.host).toBe(`127.0.0.1:${(recorder.address() as AddressInfo).port}`);
  });

  it('answers 503 for an unreachable cluster and for a context that cannot be used', async () => {
    const dead = await gw('/clusters/context:dead/api');
    expect(dead.status).toBe(503);
    expect(((await dead.json()) as { message: string }).message).toContain('ECONNREFUSED');
    const broken = await gw('/clusters/context:broken/api');
    expect(broken.status).toBe(503);
    expect(((await broken.json()) as { message: string }).message).toContain('cluster "missing" not found');
  });

  it('aborts the cluster’s stream when the browser goes away', async () => {
    const abort = new AbortController();
    const res = await gw('/clusters/context:my%20anon/hold', { signal: abort.signal });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('ADDED');
    abort.abort();
    await expect(
      Promise.race([holdClosed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 5_000))]),
    ).resolves.toBe('closed');
  });
});
