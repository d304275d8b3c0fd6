import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse } from '../support/api-client.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

/** A small seeded PRNG (mulberry32), so a failure can be replayed with its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);

const valid = {
  configmap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } },
  pod: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pod', labels: { app: 'x' } },
    spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }] }] },
  },
  deployment: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'dep' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    },
  },
  service: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc' },
    spec: { selector: { app: 'x' }, ports: [{ port: 80 }] },
  },
};
const collections = {
  configmap: '/api/v1/namespaces/fuzz/configmaps',
  pod: '/api/v1/namespaces/fuzz/pods',
  deployment: '/apis/apps/v1/namespaces/fuzz/deployments',
  service: '/api/v1/namespaces/fuzz/services',
};

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -0.5,
  '',
  'x'.repeat(300),
  '../../etc/passwd',
  '\u0000',
  '\ud800',
  'Ünïcödé',
  [],
  [null],
  {},
  { $patch: 'delete' },
  { nested: { deeper: { deepest: [1, 'two', { three: 3 }] } } },
];

/** Mutate a JSON value at a random place: drop, replace, or add a field. */
function mutate(rng: ReturnType<typeof random>, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 6) {
    return rng.next() < 0.5 ? rng.pick(WEIRD_VALUES) : value;
  }
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length && rng.next() < 0.7) {
      const i = rng.int(copy.length);
      copy[i] = mutate(rng, copy[i], depth + 1);
    } else copy.push(rng.pick(WEIRD_VALUES));
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const roll = rng.next();
  if (keys.length && roll < 0.5) {
    const key = rng.pick(keys);
    copy[key] = mutate(rng, copy[key], depth + 1);
  } else if (keys.length && roll < 0.7) {
    delete copy[rng.pick(keys)];
  } else {
    copy[
      rng.pick(['extra', 'status', 'metadata', 'spec', 'kind', 'apiVersion', '__proto__', 'constructor'])
    ] = rng.pick(WEIRD_VALUES);
  }
  return copy;
}

function body(rng: ReturnType<typeof random>, kind: keyof typeof valid): string {
  const roll = rng.next();
  if (roll < 0.1)
    return rng.pick(['', '{', '[]', 'null', '42', '"str"', '{"a":', '\u0000\u0001', 'k8s\u0000garbage']);
  if (roll < 0.15) return `${'['.repeat(5000)}${']'.repeat(5000)}`;
  if (roll < 0.2) return 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken\n';
  let value: unknown = structuredClone(valid[kind]);
  const rounds = 1 + rng.int(4);
  for (let i = 0; i < rounds; i++) value = mutate(rng, value);
  return JSON.stringify(value);
}

function path(rng: ReturnType<typeof random>): { path: string; kind: keyof typeof valid } {
  const kind = rng.pick(Object.keys(valid) as (keyof typeof valid)[]);
  const base = collections[kind];
  const name = rng.pick([
    'cm',
    'pod',
    'dep',
    'svc',
    'x',
    '',
    'UPPER',
    'a'.repeat(300),
    '%2e%2e',
    'has space',
    '..',
  ]);
  const sub = rng.pick([
    '',
    '',
    '',
    '/status',
    '/scale',
    '/binding',
    '/log',
    '/exec',
    '/eviction',
    '/nope',
    '/status/extra',
  ]);
  const query = rng.pick([
    '',
    '?limit=-1',
    '?limit=abc',
    '?continue=garbage',
    '?resourceVersion=abc',
    '?resourceVersion=1&resourceVersionMatch=Exact',
    '?resourceVersionMatch=Bogus&resourceVersion=1',
    '?labelSelector=a%20in%20(',
    '?labelSelector=!!!',
    '?fieldSelector=spec.foo=bar',
    '?fieldSelector=metadata.name%3D%3Dx',
    '?dryRun=Maybe',
    '?dryRun=All',
    '?fieldValidation=Strict',
    '?fieldValidation=Loose',
    '?fieldManager=' + 'm'.repeat(200),
    '?gracePeriodSeconds=-5',
    '?propagationPolicy=Sideways',
    '?watch=1&timeoutSeconds=1',
    '?force=true',
  ]);
  const shape = rng.int(10);
  if (shape === 0)
    return {
      path: rng.pick([
        '/api/v2',
        '/apis/apps',
        '/apis/nope/v1/things',
        '/api/v1/namespaces/fuzz/nothings',
        '/%ff',
        '//',
        '/api/v1/namespaces//pods',
      ]),
      kind,
    };
  return { path: shape < 4 ? base + query : `${base}/${encodeURIComponent(name)}${sub}${query}`, kind };
}

let cluster: TestCluster;
let api: ApiClient;
beforeAll(async () => {
  cluster = await startTestCluster();
  api = new ApiClient(cluster.url, cluster.token, cluster.caCert);
  await api.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fuzz' } });
  for (const kind of Object.keys(valid) as (keyof typeof valid)[])
    await api.post(collections[kind], valid[kind]);
});
afterAll(async () => cluster?.destroy());

describe('fuzzing the API', () => {
  it(`answers ${REQUESTS} random and mutated requests (seed ${SEED}) without a 5xx, and stays consistent`, async () => {
    const rng = random(SEED);
    const failures: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const { path: p, kind } = path(rng);
      const method = rng.pick(['GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
      const contentType = rng.pick([
        'application/json',
        'application/json',
        'application/yaml',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
        'application/json-patch+json',
        'application/apply-patch+yaml',
        'text/plain',
        'application/vnd.kubernetes.protobuf',
      ]);
      const accept = rng.pick([
        'application/json',
        'application/json',
        'application/yaml',
        'application/vnd.kubernetes.protobuf',
        'text/html',
        'application/json;as=Table;v=v1;g=meta.k8s.io',
        '*/*',
      ]);
      const withBody = method !== 'GET' && (method !== 'DELETE' || rng.next() < 0.3);
      let res: ApiResponse;
      try {
        res = await api.request(method, p, {
          ...(withBody ? { body: body(rng, kind), contentType } : {}),
          accept,
        });
      } catch (error) {
        failures.push(`#${i} ${method} ${p}: transport error ${String(error)}`);
        continue;
      }
      // 503 is the honest answer of streaming subresources without a kubelet; 504 of a too-new resourceVersion.
      if (res.status >= 500 && res.status !== 503 && res.status !== 504) {
        failures.push(`#${i} ${method} ${p} (${contentType}) → ${res.status}: ${res.text.slice(0, 300)}`);
      }
      if (res.status >= 400 && res.headers['content-type']?.toString().startsWith('application/json')) {
        if (res.body?.kind !== 'Status')
          failures.push(`#${i} ${method} ${p} → ${res.status} without a Status body`);
      }
    }
    expect(failures).toEqual([]);

    // The server is still healthy and every stored object is whole.
    expect((await api.get('/readyz')).status).toBe(200);
    const { kvs } = await cluster.store.range('/registry/', { end: '/registry0' });
    for (const kv of kvs) {
      const obj = JSON.parse(Buffer.from(kv.value).toString('utf8'));
      expect(kv.key.endsWith(`/${obj.metadata.name}`), kv.key).toBe(true);
      expect(typeof obj.kind).toBe('string');
      expect(typeof obj.apiVersion).toBe('string');
    }
  }, 120_000);
});
