/**
 * Kubernetes in Action, chapter 5 (Services), as the book runs it, on real Docker with kube-proxy
 * in the kernel, the cluster DNS and the ingress controller: the book's own manifests from
 * `../shared/conformance/kubernetes-in-action/Chapter05`, its `luksa/kubia` stand-in from
 * `npm run images` (answers `You've hit <pod>`), and what the book does with them — from pods
 * (cluster IP, full and short DNS names, ClientIP affinity, readiness, headless DNS) and from the
 * host (NodePort, LoadBalancer, Ingress by host with and without TLS). Removed apiVersions
 * (`extensions/v1beta1` Ingress) go through the dashboard's converter first, as a user would.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { convertText } from '../../src-renderer/editor/deprecations/index.js';
import { dockerUnavailable, removeNodeContainers } from '../support/docker.js';
import { answerData, queryUdp } from '../support/dns-query.js';
import { acquireHostLock } from '../support/host-lock.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const skip =
  (await dockerUnavailable()) ??
  (process.getuid?.() !== 0
    ? 'the book’s services need kube-proxy in the kernel (root): skipping'
    : undefined);
if (skip) console.warn(skip);

const CHAPTER = fileURLToPath(
  new URL('../../../shared/conformance/kubernetes-in-action/Chapter05/', import.meta.url),
);
const WAIT = { timeout: 60_000, interval: 500 };

interface Answer {
  status: number;
  body: string;
  certificateName?: string;
}

/** One GET from the host, with an optional Host header (HTTP) or SNI name (HTTPS). */
function get(url: string, host?: string): Promise<Answer> {
  const https = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const request = (https ? httpsRequest : httpRequest)(
      url,
      {
        headers: host ? { host } : {},
        ...(https ? { servername: host, rejectUnauthorized: false } : {}),
        agent: false,
        timeout: 5000,
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          const certificate = https ? (response.socket as TLSSocket).getPeerCertificate() : undefined;
          resolve({
            status: response.statusCode ?? 0,
            body,
            ...(certificate?.subject ? { certificateName: String(certificate.subject.CN) } : {}),
          });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: timed out`)));
    request.on('error', reject);
    request.end();
  });
}

describe.skipIf(skip)('Kubernetes in Action, chapter 5, on Docker', { timeout: 120_000 }, () => {
  const node = `book5-${process.pid}`;
  let cluster: TestCluster;
  let release: (() => void) | undefined;
  let pods: string[] = [];
  const k = (args: string[], input?: string) =>
    kubectl(cluster.kubeconfigPath, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  const apply = async (file: string) => {
    const result = await k(['apply', '-f', join(CHAPTER, file)]);
    expect(result.stderr).toBe('');
  };
  /** A shell command in one of the kubia pods (busybox is in the image); stdout and stderr. */
  const sh = async (pod: string, script: string) => {
    const result = await k(['exec', pod, '--', 'sh', '-c', script]);
    return result.stdout + result.stderr;
  };
  /** `n` answers to GET url from inside `pod`, one line each. */
  const hits = async (pod: string, url: string, n: number) =>
    (await sh(pod, `for i in $(seq ${n}); do timeout 3 wget -qO- ${url}; done`)).split('\n').filter(Boolean);
  /** Pod names behind the service, as its EndpointSlices say, ready ones only. */
  const readyBackends = async (service: string) => {
    const slices = await cluster.client
      .resource(resources.endpointSlices)
      .list({ namespace: 'default', labelSelector: `kubernetes.io/service-name=${service}` });
    return slices.items
      .flatMap((s) => s.endpoints ?? [])
      .filter((e) => e.conditions?.ready)
      .map((e) => e.targetRef?.name)
      .sort();
  };

  beforeAll(async () => {
    // One kube-proxy at a time owns the host's KUBEDESK chains (test/docker/kube-proxy.test.ts runs another).
    release = await acquireHostLock('iptables');
    cluster = await startTestCluster({
      controlPlane: true,
      runtime: 'docker',
      nodeName: node,
      proxy: { mode: 'iptables' },
      ingress: { httpPort: 0, httpsPort: 0 },
    });
    await apply('kubia-rc-readinessprobe.yaml');
    await apply('kubia-svc.yaml');
    await vi.waitFor(async () => {
      const list = await cluster.client.resource(resources.pods).list({ namespace: 'default' });
      const running = list.items.filter((p) => p.status?.phase === 'Running');
      expect(running).toHaveLength(3);
      pods = running.map((p) => p.metadata!.name!).sort();
    }, WAIT);
  }, 180_000);

  afterAll(async () => {
    await cluster?.destroy();
    removeNodeContainers(node);
    release?.();
  }, 90_000);

  it('keeps pods out of the service until their readiness probe passes (touch /var/ready)', async () => {
    expect(await readyBackends('kubia')).toEqual([]);
    await sh(pods[0]!, 'touch /var/ready');
    await vi.waitFor(async () => expect(await readyBackends('kubia')).toEqual([pods[0]]), WAIT);
    expect(await hits(pods[1]!, 'http://kubia', 3)).toEqual(Array(3).fill(`You've hit ${pods[0]}`));
    for (const pod of pods.slice(1)) await sh(pod, 'touch /var/ready');
    await vi.waitFor(async () => expect(await readyBackends('kubia')).toEqual(pods), WAIT);
  });

  it('answers at the cluster IP, the full DNS name and the short name, spreading over the pods', async () => {
    const ip = (await cluster.client.resource(resources.services).get('kubia', 'default')).spec!.clusterIP!;
    for (const url of [
      `http://${ip}`,
      'http://kubia.default.svc.cluster.local',
      'http://kubia.default',
      'http://kubia',
    ]) {
      const answers = await hits(pods[0]!, url, 1);
      expect(answers, url).toHaveLength(1);
      expect(answers[0], url).toMatch(/^You've hit kubia-[a-z0-9]{5}$/);
    }
    const spread = new Set(await hits(pods[0]!, 'http://kubia', 30));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('sticks to one pod with sessionAffinity: ClientIP', async () => {
    await apply('kubia-svc-client-ip-session-affinity.yaml');
    await vi.waitFor(async () => {
      expect(new Set(await hits(pods[1]!, 'http://kubia', 10)).size).toBe(1);
    }, WAIT);
    // Back to the plain service for what follows.
    await apply('kubia-svc.yaml');
    const patched = await k(['patch', 'service', 'kubia', '-p', '{"spec":{"sessionAffinity":"None"}}']);
    expect(patched.stderr).toBe('');
  });

  it('stops sending to a pod that turns unready', async () => {
    await sh(pods[2]!, 'rm /var/ready');
    await vi.waitFor(async () => expect(await readyBackends('kubia')).toEqual(pods.slice(0, 2)), WAIT);
    const answers = await hits(pods[0]!, 'http://kubia', 20);
    expect(answers).toHaveLength(20);
    expect(answers).not.toContain(`You've hit ${pods[2]}`);
    await sh(pods[2]!, 'touch /var/ready');
    await vi.waitFor(async () => expect(await readyBackends('kubia')).toEqual(pods), WAIT);
  });

  it('resolves a headless service to the pods’ IPs, and an ExternalName to a CNAME', async () => {
    await apply('kubia-svc-headless.yaml');
    await apply('external-service-externalname.yaml');
    const list = await cluster.client.resource(resources.pods).list({ namespace: 'default' });
    const ips = list.items.map((p) => p.status!.podIP!).sort();
    await vi.waitFor(async () => {
      const out = await sh(pods[0]!, 'nslookup kubia-headless.default.svc.cluster.local');
      const found = [...out.matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)(?!:)\s*$/gm)].map((m) => m[1]).sort();
      expect(found.filter((ip) => ips.includes(ip!))).toEqual(ips);
    }, WAIT);
    // From a pod (its resolv.conf, the service IP of kube-dns, the short name) and from the host.
    const fromPod = await sh(pods[0]!, 'nslookup -type=CNAME external-service');
    expect(fromPod).toMatch(
      /external-service\.default\.svc\.cluster\.local\s+canonical name = api\.somecompany\.com/,
    );
    const reply = await queryUdp(
      cluster.dns!.host,
      cluster.dns!.port,
      'external-service.default.svc.cluster.local',
      'CNAME',
    );
    expect(answerData(reply, 'CNAME')).toEqual(['api.somecompany.com']);
  });

  it('serves the NodePort and the LoadBalancer on this machine’s 127.0.0.1', async () => {
    await apply('kubia-svc-nodeport.yaml');
    await apply('kubia-svc-loadbalancer.yaml');
    await vi.waitFor(async () => {
      expect((await get('http://127.0.0.1:30123/')).body).toMatch(/^You've hit kubia-/);
    }, WAIT);
    await vi.waitFor(async () => {
      const lb = await cluster.client.resource(resources.services).get('kubia-loadbalancer', 'default');
      expect(lb.status?.loadBalancer?.ingress?.[0]?.ip).toBe('127.0.0.1');
    }, WAIT);
    expect((await get('http://127.0.0.1:80/')).body).toMatch(/^You've hit kubia-/);
  });

  it('routes the book’s Ingress by host, then serves it over TLS from its Secret', async () => {
    const { httpPort, httpsPort } = cluster.ingress!;
    // extensions/v1beta1 is gone (Kubernetes 1.22): the dashboard's one-click conversion first.
    const plain = convertText(readFileSync(join(CHAPTER, 'kubia-ingress.yaml'), 'utf8')).text;
    expect((await k(['apply', '-f', '-'], plain)).stderr).toBe('');
    await vi.waitFor(async () => {
      const answer = await get(`http://127.0.0.1:${httpPort}/`, 'kubia.example.com');
      expect(answer.body).toMatch(/^You've hit kubia-/);
    }, WAIT);
    expect((await get(`http://127.0.0.1:${httpPort}/`, 'other.example.com')).status).toBe(404);

    // As the book: a self-signed certificate for kubia.example.com in the Secret tls-secret.
    const dir = mkdtempSync(join(tmpdir(), 'book5-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-keyout',
          join(dir, 'tls.key'),
          '-out',
          join(dir, 'tls.cert'),
          '-subj',
          '/CN=kubia.example.com',
        ],
        { stdio: 'ignore' },
      );
      const secret = await k([
        'create',
        'secret',
        'tls',
        'tls-secret',
        `--cert=${join(dir, 'tls.cert')}`,
        `--key=${join(dir, 'tls.key')}`,
      ]);
      expect(secret.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const tls = convertText(readFileSync(join(CHAPTER, 'kubia-ingress-tls.yaml'), 'utf8')).text;
    expect((await k(['apply', '-f', '-'], tls)).stderr).toBe('');
    await vi.waitFor(async () => {
      const answer = await get(`https://127.0.0.1:${httpsPort}/`, 'kubia.example.com');
      expect(answer.certificateName).toBe('kubia.example.com');
      expect(answer.body).toMatch(/^You've hit kubia-/);
    }, WAIT);
  });

  it('leaves nothing in the kernel’s tables or on the host’s ports once stopped', async () => {
    await cluster.destroy();
    expect(execFileSync('iptables-save', { encoding: 'utf8' })).not.toContain('KUBEDESK');
    await expect(get('http://127.0.0.1:30123/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
