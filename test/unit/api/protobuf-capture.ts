import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { delimiter, dirname, join } from 'node:path';
import { ensurePki } from '../../../embedded-cluster/apiserver/tls.js';
import { BUILTIN_RESOURCES } from '../../../embedded-cluster/api/builtin-resources.js';
import {
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregated,
} from '../../../embedded-cluster/apiserver/handlers/discovery.js';
import { writeKubeconfig } from '../../../embedded-cluster/kubeconfig.js';
import {
  decodeKubernetesProtobuf,
  PROTOBUF_MEDIA_TYPE,
} from '../../../embedded-cluster/api/protobuf/index.js';

/**
 * A throwaway HTTPS server that kubectl 1.32 takes for a Kubernetes API server: it answers
 * `/version` and discovery as Kubedesk does, records every request (headers and raw body), and
 * answers writes with whatever `respond` returns. Used to see, and keep, what kubectl sends.
 */

export interface CapturedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  accept: string;
  contentType: string;
  body: Buffer;
}

export type Responder = (request: CapturedRequest) => { code: number; body: unknown };

export interface FakeApiServer {
  kubeconfig: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

const TOKEN = 'protobuf-capture';

export async function startFakeApiServer(dir: string, respond: Responder): Promise<FakeApiServer> {
  const pki = await ensurePki({ dir: join(dir, 'pki') });
  const requests: CapturedRequest[] = [];
  const server: Server = createServer({ key: pki.serving.key, cert: pki.serving.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const captured: CapturedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        accept: req.headers.accept ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      };
      requests.push(captured);
      const send = (code: number, body: unknown, type = 'application/json') => {
        res.writeHead(code, { 'Content-Type': type });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { kind: 'Status', code: 401 });
      const p = url.pathname;
      const aggregated = wantsAggregated(req.headers.accept);
      const aggregatedType = `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`;
      if (p === '/version') return send(200, versionInfo());
      if (p === '/api' || p === '/apis') {
        const which = p === '/api' ? 'api' : 'apis';
        if (aggregated)
          return send(200, aggregatedDiscovery(BUILTIN_RESOURCES, which, aggregated), aggregatedType);
        return send(200, which === 'api' ? apiVersions('127.0.0.1') : apiGroupList(BUILTIN_RESOURCES));
      }
      const gv = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
      const list =
        gv &&
        (gv[1]
          ? apiResourceList(BUILTIN_RESOURCES, '', 'v1')
          : apiResourceList(BUILTIN_RESOURCES, gv[2]!, gv[3]!));
      if (list) return send(200, list);
      const answer = respond(captured);
      send(answer.code, answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, {
    server: `https://127.0.0.1:${address.port}`,
    caCert: pki.ca.cert,
    token: TOKEN,
  });
  return {
    kubeconfig,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** kubectl 1.32: $KUBECTL_1_32, else `kubectl.1.32` beside the kubectl on PATH (the gcloud SDK layout). */
export function findKubectl132(): string | undefined {
  const fromEnv = process.env.KUBECTL_1_32;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const kubectl = join(dir, 'kubectl');
    if (!dir || !existsSync(kubectl)) continue;
    const versioned = join(dirname(realpathSync(kubectl)), 'kubectl.1.32');
    if (existsSync(versioned)) return versioned;
  }
  return undefined;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runKubectl(bin: string, kubeconfig: string, args: readonly string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      bin,
      [...args],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dirname(kubeconfig), 'cache') },
        timeout: 15_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The request that carried a body, the last one kubectl sent. */
export function lastBody(requests: readonly CapturedRequest[]): CapturedRequest | undefined {
  return requests.filter((r) => r.body.length > 0).at(-1);
}

/** JSON with null members removed: Go writes zero times as null, the decoder leaves them out. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

const CRONJOB = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'nightly', namespace: 'default', uid: '6f1c2d3e-0000-4000-8000-000000000001' },
  spec: {
    schedule: '0 3 * * *',
    jobTemplate: {
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'nightly', image: 'busybox' }] } },
      },
    },
  },
};
const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: '6f1c2d3e-0000-4000-8000-000000000002' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
    },
  },
};

/** What the review and token endpoints fill in, so that kubectl has an answer to print. */
const STATUSES: Record<string, unknown> = {
  SelfSubjectAccessReview: { allowed: true },
  SelfSubjectRulesReview: {
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  },
  TokenRequest: { token: 'token', expirationTimestamp: '2030-01-01T00:00:00Z' },
  SelfSubjectReview: { userInfo: { username: 'admin', groups: ['system:masters'] } },
};

/**
 * Answers as an API server would for the commands above: the two objects they read, and every
 * write echoed back — a protobuf body decoded by Kubedesk's decoder, so that kubectl prints what
 * the server understood.
 */
export const echoResponder: Responder = (request) => {
  if (request.method === 'GET') {
    if (request.path === '/apis/batch/v1/namespaces/default/cronjobs/nightly')
      return { code: 200, body: CRONJOB };
    if (request.path === '/apis/apps/v1/namespaces/default/deployments/web')
      return { code: 200, body: DEPLOYMENT };
    return {
      code: 404,
      body: { apiVersion: 'v1', kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 },
    };
  }
  try {
    const object =
      request.contentType === PROTOBUF_MEDIA_TYPE
        ? decodeKubernetesProtobuf(request.body).object
        : (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
    const status = STATUSES[String(object.kind)];
    return { code: 201, body: status ? { ...object, status } : object };
  } catch (error) {
    const message = (error as Error).message;
    return {
      code: 400,
      body: { apiVersion: 'v1', kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400, message },
    };
  }
};
