/**
 * `npm run bench -- api`: the API server over HTTPS with a bearer token, as
 * kubectl and client-go reach it, on a kept-alive connection. No peer runs
 * here (there is no kube-apiserver on this machine); the anchor is the
 * Kubernetes API call latency SLO (mutating calls p99 ≤ 1 s).
 */
import { ApiClient } from '../support/api-client.js';
import { startServeProcess } from '../support/serve-process.js';
import { load } from './load.js';
import type { MetricResult, Suite, SuiteContext, SuiteReport } from './runner.js';

const FULL = {
  calls: 1000,
  bigList: 10_000,
  watchers: 50,
  writesPerSecond: 100,
  watchSeconds: 5,
  listRuns: 5,
};
const QUICK = {
  calls: 200,
  bigList: 2_000,
  watchers: 50,
  writesPerSecond: 100,
  watchSeconds: 1,
  listRuns: 2,
};

const pods = '/api/v1/namespaces/bench/pods';
const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'bench', tier: 'web' } },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80 }],
        resources: { requests: { cpu: '100m', memory: '64Mi' } },
        env: [{ name: 'MODE', value: 'bench' }],
      },
    ],
  },
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function timed(
  calls: number,
  op: (i: number) => Promise<{ status: number }>,
): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    const res = await op(i);
    samples.push(performance.now() - start);
    if (res.status >= 300) throw new Error(`call ${i} answered ${res.status}`);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function run(context: SuiteContext): Promise<SuiteReport> {
  const plan = context.quick ? QUICK : FULL;
  const cluster = await startServeProcess();
  const api = new ApiClient(cluster.url, cluster.token, cluster.caCert);
  try {
    await api.post('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'bench' },
    });
    // Warm up the code paths before measuring.
    await timed(50, (i) => api.post(pods, pod(`warm-${i}`)));
    context.log(`create, get, update, delete × ${plan.calls}`);
    const create = await timed(plan.calls, (i) => api.post(pods, pod(`p-${i}`)));
    const get = await timed(plan.calls, (i) => api.get(`${pods}/p-${i}`));
    const current = new Map<number, Record<string, unknown>>();
    for (let i = 0; i < plan.calls; i++) current.set(i, (await api.get(`${pods}/p-${i}`)).body);
    const update = await timed(plan.calls, (i) => {
      const obj = current.get(i) as { metadata: { labels: Record<string, string> } };
      obj.metadata.labels.updated = 'yes';
      return api.put(`${pods}/p-${i}`, obj);
    });

    context.log('list 1,000 pods');
    const listTime = async () => {
      const samples: number[] = [];
      for (let r = 0; r < plan.listRuns; r++) {
        const start = performance.now();
        const res = await api.get(pods, { skipParse: true });
        samples.push(performance.now() - start);
        if (res.status !== 200) throw new Error(`list answered ${res.status}`);
      }
      return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
    };
    const list1k = await listTime();
    const delete_ = await timed(plan.calls, (i) => api.delete(`${pods}/p-${i}`));

    context.log(`load ${plan.bigList} pods`);
    await load(plan.bigList, 32, (i) => api.post(pods, pod(`big-${i}`)));
    context.log(`list ${plan.bigList} pods`);
    const listBig = await listTime();

    context.log(
      `watch fan-out: ${plan.watchers} watchers, ${plan.writesPerSecond} writes/s for ${plan.watchSeconds} s`,
    );
    const revision = (await api.get('/api/v1/namespaces/bench/configmaps')).body.metadata.resourceVersion;
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const total = plan.writesPerSecond * plan.watchSeconds;
    const watches = Array.from({ length: plan.watchers }, () => {
      let seen = 0;
      return api.watch(
        `/api/v1/namespaces/bench/configmaps?watch=1&resourceVersion=${revision}`,
        (events) => {
          const now = performance.now();
          for (; seen < events.length; seen++) {
            const sent = sentAt.get(events[seen]!.object.metadata.name);
            if (sent !== undefined) latencies.push(now - sent);
          }
          return events.length >= total;
        },
        plan.watchSeconds * 1000 + 30_000,
      );
    });
    await new Promise((r) => setTimeout(r, 300));
    const interval = 1000 / plan.writesPerSecond;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const name = `w-${i}`;
      sentAt.set(name, performance.now());
      await api.post('/api/v1/namespaces/bench/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
        data: { i: String(i) },
      });
    }
    await Promise.all(watches);
    latencies.sort((a, b) => a - b);
    const fanOut = percentile(latencies, 99);

    const ms = (metric: string, value: number, threshold?: number): MetricResult => ({
      metric,
      unit: 'ms',
      better: 'lower',
      value,
      peerValue: null,
      ...(threshold !== undefined
        ? { target: { kind: 'absolute' as const, op: '<=' as const, threshold } }
        : {}),
    });
    return {
      suite: 'api',
      peer: null,
      metrics: [
        ms('create p50', create.p50),
        ms('create p99', create.p99, 5),
        ms('get p50', get.p50),
        ms('get p99', get.p99, 2),
        ms('update p50', update.p50),
        ms('update p99', update.p99, 5),
        ms('delete p50', delete_.p50),
        ms('delete p99', delete_.p99, 5),
        ms('list 1,000 pods (median)', list1k),
        ms(
          `list ${plan.bigList.toLocaleString('en-US')} pods (median)`,
          listBig,
          plan.bigList === 10_000 ? 150 : undefined,
        ),
        ms(`watch fan-out p99, ${plan.watchers} watchers at ${plan.writesPerSecond} writes/s`, fanOut, 10),
      ],
      footnotes: [
        '`kubedesk serve` (bundled, as shipped) in its own process; one client on a kept-alive HTTPS connection with a bearer token, serial calls; pods as admission leaves them (about 1.5 KB of JSON); the embedded store fsyncs every write.',
        "Lists: until the last byte of the (gzipped, as client-go asks) response has arrived and is decompressed; the client's JSON parse is not counted.",
        'Fan-out: latency from the create call to the ADDED event reaching each of the watchers (each its own HTTPS watch).',
        'No peer: no kube-apiserver runs on this machine. Anchor: the Kubernetes SLO for mutating API calls is p99 ≤ 1 s.',
      ],
    };
  } finally {
    api.close();
    await cluster.stop();
  }
}

export const apiSuite: Suite = { description: 'the Kubernetes API over HTTPS, in-process store', run };
