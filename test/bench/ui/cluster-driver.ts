/**
 * The `ui` suite's cluster driver: a child process that talks to the embedded cluster's API server
 * directly (never through the gateway, whose cost belongs to the renderer's side of the numbers).
 * It runs where the API server is reachable — inside `kubedesk ui`'s network namespace when there
 * is one (`nsenter --net=…`, see driver-client.ts) — and takes commands as JSON lines on stdin,
 * answering each with one JSON line on stdout (`{ id, ok, result | error }`):
 *
 *  - `load { namespace, count, concurrency }`: create the namespace and `count` pods in it, each
 *    bound to the embedded node by `spec.nodeName` (so the scheduler is not what is measured), then
 *    wait until the simulated node reports them all Running;
 *  - `churn { namespace, pods, rate, seconds }`: open-loop status patches (`status.reason` =
 *    `Bench-<seq>`, shown in the Pods table's STATUS column) at `rate` per second, round-robin over
 *    `pods`; answers with each patch's send time, answer time, and the time a watch of the
 *    driver's own saw the change (all `Date.now()`, the clock Chromium reads too). That watch is
 *    a plain client on the same machine: it says when the event left the API server, so the
 *    suite can tell the server's share of the delay from the gateway's and the renderer's.
 *
 * Usage: `node --import tsx cluster-driver.ts <kubeconfig>`.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { parse } from 'yaml';
import { ApiClient } from '../../support/api-client.js';
import { load } from '../load.js';
import {
  churnReason,
  podName,
  type ChurnCommand,
  type ChurnResult,
  type ChurnSend,
  type DriverCommand,
  type LoadCommand,
  type LoadResult,
} from './driver-protocol.js';

interface Target {
  url: string;
  token: string;
  ca: string;
}

function readKubeconfig(path: string): Target {
  const config = parse(readFileSync(path, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = config.clusters[0]!.cluster;
  return {
    url: cluster.server,
    token: config.users[0]!.user.token,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(),
  };
}

/** A pod watch's format: plain objects (as controllers watch), or Table rows (as the dashboard does). */
const ACCEPT = {
  json: 'application/json',
  table: 'application/json;as=Table;v=v1;g=meta.k8s.io',
};

/**
 * Watch `path`, calling `onLine` with each event's raw JSON line as it arrives; resolves once the
 * server accepted the watch, with the function that ends it.
 */
function watch(
  target: Target,
  path: string,
  format: keyof typeof ACCEPT,
  onLine: (line: string) => void,
): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(target.url + path), {
      ca: target.ca,
      headers: { Authorization: `Bearer ${target.token}`, Accept: ACCEPT[format] },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch ${path}: ${res.statusCode}`));
      let pending = '';
      res.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop()!;
        for (const line of lines) if (line.trim()) onLine(line);
      });
      res.on('error', () => {});
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function nodeName(api: ApiClient): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const nodes = await api.get('/api/v1/nodes');
    const name = nodes.body?.items?.[0]?.metadata?.name as string | undefined;
    if (name) return name;
    if (Date.now() > deadline) throw new Error('the embedded node did not register within 60 s');
    await sleep(200);
  }
}

async function runLoad(api: ApiClient, command: LoadCommand): Promise<LoadResult> {
  const node = await nodeName(api);
  const ns = await api.post('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: command.namespace },
  });
  if (ns.status !== 201 && ns.status !== 409) throw new Error(`namespace: ${ns.status} ${ns.text}`);
  const started = performance.now();
  await load(command.count, command.concurrency, async (i) => {
    const created = await api.post(`/api/v1/namespaces/${command.namespace}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName(i), labels: { app: 'ui-bench' } },
      spec: {
        nodeName: node,
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }],
      },
    });
    if (created.status !== 201 && created.status !== 409) {
      throw new Error(`pod ${podName(i)}: ${created.status} ${created.text}`);
    }
  });
  const createMs = performance.now() - started;
  // Poll for the first pod not yet Running: one small request, however many pods there are.
  const notRunning = `/api/v1/namespaces/${command.namespace}/pods?limit=1&fieldSelector=${encodeURIComponent('status.phase!=Running')}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const left = await api.get(notRunning);
    if (left.status !== 200) throw new Error(`list: ${left.status} ${left.text}`);
    if ((left.body.items as unknown[]).length === 0) break;
    if (Date.now() > deadline) throw new Error('pods did not all turn Running within 180 s');
    await sleep(250);
  }
  return { node, createMs, runningMs: performance.now() - started };
}

async function runChurn(api: ApiClient, target: Target, command: ChurnCommand): Promise<ChurnResult> {
  const sends: ChurnSend[] = [];
  const base = `/api/v1/namespaces/${command.namespace}/pods`;
  const current = await api.get(`${base}?limit=1`);
  const since = `${base}?watch=1&resourceVersion=${current.body.metadata.resourceVersion as string}`;
  // Each change is found by its text: cheaper than parsing, and the same for both formats.
  const stamp = (field: 'seenAt' | 'seenTableAt') => (line: string) => {
    const now = Date.now();
    for (const match of line.matchAll(/Bench-(\d+)/g)) {
      const send = sends[Number(match[1])];
      if (send && send[field] === undefined) send[field] = now;
    }
  };
  const stopWatches = [
    await watch(target, since, 'json', stamp('seenAt')),
    await watch(target, `${since}&includeObject=Metadata`, 'table', stamp('seenTableAt')),
  ];
  const total = Math.round(command.rate * command.seconds);
  const interval = 1000 / command.rate;
  let failed = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let seq = 0; seq < total; seq++) {
    // Open loop: each patch leaves at its slot whatever the earlier ones are doing.
    const due = start + seq * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const pod = command.pods[seq % command.pods.length]!;
    const sentAt = Date.now();
    sends.push({ pod, seq, sentAt });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    pending.push(
      api
        .patch(
          `/api/v1/namespaces/${command.namespace}/pods/${pod}/status`,
          { status: { reason: churnReason(seq) } },
          'application/merge-patch+json',
          { skipParse: true },
        )
        .then(
          (res) => {
            sends[seq]!.ackAt = Date.now();
            if (res.status !== 200) failed++;
          },
          () => void failed++,
        )
        .finally(() => void inFlight--),
    );
  }
  await Promise.all(pending);
  // The last events may still be on their way.
  const deadline = Date.now() + 5000;
  const pendingEvents = () =>
    sends.some((send) => send.seenAt === undefined || send.seenTableAt === undefined);
  while (pendingEvents() && Date.now() < deadline) await sleep(20);
  for (const stop of stopWatches) stop();
  return { sends, failed, maxInFlight };
}

async function main(): Promise<void> {
  const target = readKubeconfig(process.argv[2]!);
  const api = new ApiClient(target.url, target.token, target.ca);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const { id, ...command } = JSON.parse(line) as DriverCommand & { id: number };
    try {
      const result =
        command.cmd === 'load' ? await runLoad(api, command) : await runChurn(api, target, command);
      process.stdout.write(`${JSON.stringify({ id, ok: true, result })}\n`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stdout.write(`${JSON.stringify({ id, ok: false, error: message })}\n`);
    }
  }
  api.close();
}

void main();
