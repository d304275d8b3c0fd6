/**
 * `npm run bench -- kubelet`: the kubelet on Docker, in this process as `kubedesk serve` runs it
 * (embedded store, API server, scheduler, controllers and the kubelet), driven through the API
 * and measured by a watcher on pods. The peer is `docker run -d` of the same image through the
 * docker CLI, measured in the same run: the physical floor of starting a container here.
 *
 * Phases, one after another (never two heavy things at once):
 *  1. peer: N × `docker run -d busybox sleep 3600`, one at a time, then removed;
 *  2. the cluster starts; RSS of the idle process once the node is Ready;
 *  3. N pods created one at a time, each waited for until the watcher sees it Running; RSS then;
 *  4. exec round trips (`echo`) through the API server's WebSocket v5 exec, over HTTPS;
 *  5. the N pods are deleted, then N more are created all at once;
 *  6. log throughput: a pod writes a few tens of MB to stdout, then one `GET .../log` reads it.
 */
import { execFile } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { startCluster, type RunningCluster } from '../../embedded-cluster/cluster.js';
import { resources, type CoreV1, type KubeClient } from '../../embedded-cluster/client/index.js';
import { tempDir } from '../support/temp-dir.js';
import type { MetricResult, Suite, SuiteContext, SuiteReport } from './runner.js';

const run = promisify(execFile);

const FULL = { pods: 50, execs: 50, logMiB: 40 };
const QUICK = { pods: 10, execs: 10, logMiB: 8 };
const IMAGE = 'busybox';
const NAMESPACE = 'bench';
/** Docker label on the peer's containers, so clean-up finds them whatever happened. */
const PEER_LABEL = `dev.kubedesk.bench=${process.pid}`;
/** A phase with no pod change for this long is abandoned. */
const STALL_MS = 30_000;
const MiB = 1024 * 1024;

/** When the watcher first saw each pod Running (or done), and who is waiting for which. */
class PodWatcher {
  readonly running = new Map<string, number>();
  readonly finished = new Map<string, number>();
  readonly present = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;
  private lastChange = performance.now();

  constructor(private readonly client: KubeClient) {}

  async start(): Promise<void> {
    const pods = this.client.resource(resources.pods);
    const list = await pods.list({ namespace: NAMESPACE });
    const events = pods.watch({
      namespace: NAMESPACE,
      resourceVersion: list.metadata.resourceVersion ?? '',
      signal: this.abort.signal,
    });
    this.done = (async () => {
      try {
        for await (const event of events) {
          if (event.type === 'BOOKMARK') continue;
          const at = performance.now();
          const pod = event.object;
          const name = pod.metadata!.name!;
          this.lastChange = at;
          if (event.type === 'DELETED') this.present.delete(name);
          else {
            this.present.add(name);
            const phase = pod.status?.phase;
            if (phase === 'Running' && !this.running.has(name)) this.running.set(name, at);
            if ((phase === 'Succeeded' || phase === 'Failed') && !this.finished.has(name))
              this.finished.set(name, at);
          }
          for (const waiter of this.waiters) waiter();
        }
      } catch (error) {
        if (!this.abort.signal.aborted) throw error;
      }
    })();
  }

  /** Resolve once `done()` holds; reject when no pod has changed for {@link STALL_MS}. */
  until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const stall = setInterval(() => {
        if (performance.now() - this.lastChange < STALL_MS) return;
        cleanup();
        reject(new Error(`no pod changed for ${STALL_MS / 1000} s`));
      }, 1000);
      const cleanup = () => {
        clearInterval(stall);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

function sleepPod(name: string): CoreV1.Pod {
  return {
    metadata: { name, namespace: NAMESPACE, labels: { app: 'bench' } },
    spec: {
      // "Image present": no registry round trip (busybox has no tag, so the default would be Always).
      containers: [
        { name: 'main', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] },
      ],
      terminationGracePeriodSeconds: 0,
    },
  };
}

/** A pod that writes `bytes` of 1,000-character lines to stdout and exits. */
function logPod(name: string, bytes: number): CoreV1.Pod {
  return {
    metadata: { name, namespace: NAMESPACE },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'main',
          image: IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', `yes "$(head -c 999 /dev/zero | tr '\\0' x)" | head -c ${bytes}`],
        },
      ],
      terminationGracePeriodSeconds: 0,
    },
  };
}

/** Nearest-rank percentile of `values` (p in 0..100). */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const rssMiB = () => process.memoryUsage().rss / MiB;

/** The peer: `docker run -d` of the same image, one at a time, timed until the CLI returns. */
async function dockerRuns(n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await run('docker', ['run', '-d', '--label', PEER_LABEL, IMAGE, 'sleep', '3600']);
    times.push(performance.now() - started);
  }
  return times;
}

/** Remove every container labelled `label` (`docker rm -f`), ignoring failures. */
async function removeContainers(label: string): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=${label}`]).catch(() => ({
    stdout: '',
  }));
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await run('docker', ['rm', '-f', ...ids]).catch(() => {});
}

/**
 * One `echo` exec as kubectl ≥ 1.30 does it: a new TLS connection, WebSocket upgrade with
 * `v5.channel.k8s.io`, until the server closes after stdout and the Success status.
 */
function execOnce(cluster: RunningCluster, pod: string): Promise<number> {
  const path = `/api/v1/namespaces/${NAMESPACE}/pods/${pod}/exec?command=echo&command=hi&stdout=true&stderr=true`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${cluster.url.replace('https', 'wss')}${path}`, ['v5.channel.k8s.io'], {
      ca: cluster.caCert,
      headers: { Authorization: `Bearer ${cluster.token}` },
    });
    let stdout = '';
    let status = '';
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) stdout += data.subarray(1).toString();
      if (data[0] === 3) status += data.subarray(1).toString();
    });
    ws.once('error', reject);
    ws.once('close', () => {
      const elapsed = performance.now() - started;
      if (stdout !== 'hi\n' || !status.includes('Success'))
        reject(new Error(`exec: stdout ${JSON.stringify(stdout)}, status ${status}`));
      else resolve(elapsed);
    });
  });
}

/** `GET .../log` over HTTPS, read to the end: bytes received and milliseconds taken. */
function readLog(cluster: RunningCluster, pod: string): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${cluster.url}/api/v1/namespaces/${NAMESPACE}/pods/${pod}/log`,
      { ca: cluster.caCert, headers: { Authorization: `Bearer ${cluster.token}` } },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve({ bytes, ms: performance.now() - started })
            : reject(new Error(`GET log: HTTP ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function measure<T>(context: SuiteContext, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    context.log(`${what}: not measured (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/** Wait (bounded) for something only reachable by asking, e.g. the node's Ready condition. */
async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fmt = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '-' : ms.toFixed(0));

async function runSuite(context: SuiteContext): Promise<SuiteReport> {
  const plan = context.quick ? QUICK : FULL;
  const n = plan.pods;
  const dockerVersion = await run('docker', ['version', '--format', '{{.Server.Version}}']).then(
    (r) => r.stdout.trim(),
    () => {
      throw new Error('Docker does not answer (is dockerd running?)');
    },
  );
  await run('docker', ['image', 'inspect', IMAGE]).catch(() => {
    throw new Error(`image ${IMAGE} is missing: build it offline with \`npm run images\``);
  });
  const nodeName = `bench-${process.pid}`;
  const nodeLabel = `dev.kubedesk.node=${nodeName}`;
  const dir = await tempDir('bench-kubelet');
  let cluster: RunningCluster | undefined;
  let watcher: PodWatcher | undefined;
  try {
    // 1. The peer, before the cluster exists, so neither competes with the other.
    context.log(`peer: ${n} × docker run -d ${IMAGE} sleep 3600, one at a time`);
    const peerTimes = await dockerRuns(n);
    context.log(`  p50 ${fmt(percentile(peerTimes, 50))} ms, p99 ${fmt(percentile(peerTimes, 99))} ms`);
    await removeContainers(PEER_LABEL);

    // 2. The cluster, and its RSS once the node is Ready.
    context.log(`cluster: starting with the Docker kubelet (node ${nodeName})`);
    cluster = await startCluster({
      dataDir: dir.path,
      port: 0,
      runtime: 'docker',
      nodeName,
      maxPods: 2 * n + 10,
    });
    const client = cluster.client;
    const pods = client.resource(resources.pods);
    await client.resource(resources.namespaces).create({ metadata: { name: NAMESPACE } });
    await poll('node Ready', async () => {
      const node = await client
        .resource(resources.nodes)
        .get(nodeName)
        .catch(() => undefined);
      return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    });
    // Pods are admitted only once the namespace's default ServiceAccount exists, as upstream.
    await poll('the default ServiceAccount', async () =>
      client
        .resource(resources.serviceAccounts)
        .get('default', NAMESPACE)
        .then(
          () => true,
          () => false,
        ),
    );
    watcher = new PodWatcher(client);
    await watcher.start();
    const w = watcher;
    await new Promise((r) => setTimeout(r, 2000));
    const rssBefore = rssMiB();
    context.log(`  node Ready; RSS ${rssBefore.toFixed(1)} MB`);

    // A warm-up pod: the first sandbox also creates the pod network and loads the pause image.
    await pods.create(sleepPod('warm-up'), { namespace: NAMESPACE });
    await w.until(() => w.running.has('warm-up'));
    await pods.delete('warm-up', { namespace: NAMESPACE });
    await w.until(() => !w.present.has('warm-up'));

    // 3. One at a time.
    context.log(`startup: ${n} pods, one at a time`);
    const serial: number[] = [];
    await measure(context, 'one at a time', async () => {
      for (let i = 0; i < n; i++) {
        const name = `seq-${i}`;
        const started = performance.now();
        await pods.create(sleepPod(name), { namespace: NAMESPACE });
        await w.until(() => w.running.has(name));
        serial.push(w.running.get(name)! - started);
      }
    });
    context.log(
      `  p50 ${fmt(percentile(serial, 50))} ms, p99 ${fmt(percentile(serial, 99))} ms, max ${fmt(Math.max(...serial))} ms`,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const rssWithPods = rssMiB();
    context.log(`  RSS with ${serial.length} pods running: ${rssWithPods.toFixed(1)} MB`);

    // 4. Exec round trips into one of them.
    context.log(`exec: ${plan.execs} × echo through the API server (wss, v5.channel.k8s.io)`);
    const execs: number[] = [];
    await measure(context, 'exec', async () => {
      for (let i = 0; i < 3; i++) await execOnce(cluster!, 'seq-0');
      for (let i = 0; i < plan.execs; i++) execs.push(await execOnce(cluster!, 'seq-0'));
    });
    context.log(`  p50 ${fmt(percentile(execs, 50))} ms, p99 ${fmt(percentile(execs, 99))} ms`);

    // 5. Delete them, then N at once.
    context.log(`deleting the ${n} pods`);
    await Promise.all(serial.map((_, i) => pods.delete(`seq-${i}`, { namespace: NAMESPACE })));
    await measure(context, 'deletion', () => w.until(() => w.present.size === 0));
    context.log(`startup: ${n} pods at once`);
    const burst: number[] = [];
    await measure(context, 'at once', async () => {
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const name = `burst-${i}`;
          const started = performance.now();
          await pods.create(sleepPod(name), { namespace: NAMESPACE });
          await w.until(() => w.running.has(name));
          burst.push(w.running.get(name)! - started);
        }),
      );
    });
    context.log(`  p50 ${fmt(percentile(burst, 50))} ms, p99 ${fmt(percentile(burst, 99))} ms`);
    await Promise.all(burst.map((_, i) => pods.delete(`burst-${i}`, { namespace: NAMESPACE })));
    await measure(context, 'deletion', () => w.until(() => w.present.size === 0));

    // 6. Log throughput.
    const logBytes = plan.logMiB * MiB;
    context.log(`logs: a pod writes ${plan.logMiB} MB to stdout; one GET .../log reads it`);
    const logRate = await measure(context, 'logs', async () => {
      await pods.create(logPod('logs', logBytes), { namespace: NAMESPACE });
      await w.until(() => w.finished.has('logs'));
      const { bytes, ms } = await readLog(cluster!, 'logs');
      if (bytes !== logBytes) context.log(`  read ${bytes} bytes, expected ${logBytes}`);
      context.log(`  ${(bytes / MiB).toFixed(1)} MB in ${fmt(ms)} ms`);
      return bytes / MiB / (ms / 1000);
    });

    const metric = (
      name: string,
      unit: string,
      better: 'higher' | 'lower',
      value: number | undefined,
      peerValue: number | null,
      target?: MetricResult['target'],
    ): MetricResult => ({
      metric: name,
      unit,
      better,
      value: value ?? NaN,
      peerValue,
      ...(target ? { target } : {}),
    });
    const within2x = { kind: 'ratio' as const, threshold: 0.5 };
    return {
      suite: 'kubelet',
      peer: `docker run (${dockerVersion})`,
      metrics: [
        metric(
          `pod startup p50, ${n} one at a time`,
          'ms',
          'lower',
          percentile(serial, 50),
          percentile(peerTimes, 50),
          within2x,
        ),
        metric(
          `pod startup p99, ${n} one at a time`,
          'ms',
          'lower',
          percentile(serial, 99),
          percentile(peerTimes, 99),
          { kind: 'absolute', op: '<=', threshold: 1000 },
        ),
        metric(
          `pod startup p99 vs docker run, one at a time`,
          'ms',
          'lower',
          percentile(serial, 99),
          percentile(peerTimes, 99),
          within2x,
        ),
        metric(
          `pod startup p50, ${n} at once`,
          'ms',
          'lower',
          percentile(burst, 50),
          percentile(peerTimes, 50),
        ),
        metric(
          `pod startup p99, ${n} at once`,
          'ms',
          'lower',
          percentile(burst, 99),
          percentile(peerTimes, 99),
        ),
        metric('exec round trip p50 (echo)', 'ms', 'lower', percentile(execs, 50), null),
        metric('exec round trip p99 (echo)', 'ms', 'lower', percentile(execs, 99), null, {
          kind: 'absolute',
          op: '<=',
          threshold: 20,
        }),
        metric(`log streaming, ${plan.logMiB} MB`, 'MB/s', 'higher', logRate, null),
        metric('process RSS, node Ready, no pods', 'MB', 'lower', rssBefore, null),
        metric(`process RSS, ${serial.length} pods running`, 'MB', 'lower', rssWithPods, null),
      ],
      footnotes: [
        `In one process, as \`kubedesk serve\` runs it: embedded store (fsync on), API server, scheduler, every controller and the kubelet on Docker ${dockerVersion}, pods of image ${IMAGE} (present, imagePullPolicy IfNotPresent) running \`sleep 3600\`. One warm-up pod runs and is deleted first.`,
        'Pod startup: from just before the POST of the pod to the moment the bench’s own pod watch sees phase Running; it includes scheduling, the pause (sandbox) container, the service-account token volume and the app container, i.e. two Docker containers per pod. One at a time: each pod waits for the previous to be Running. At once: N POSTs in flight together, each timed on its own.',
        `Peer: \`docker run -d --label … ${IMAGE} sleep 3600\` through the docker CLI, ${n} one at a time before the cluster starts, each timed from the call until the CLI returns (so it includes the CLI’s own start-up, ~tens of ms, and not the container being seen running by anyone); removed before the cluster starts. Its p50/p99 are the peer column of both startup blocks. Ratio targets: ≥ 0.5x means within 2× of docker run.`,
        'Exec: a new TLS connection and WebSocket (v5.channel.k8s.io) to the API server per exec, as kubectl pays, `echo hi` in one of the running pods via the kubelet and Docker’s exec API, until the server closes the socket after stdout and the Success status; 3 warm-up execs first.',
        `Logs: a pod (restartPolicy Never) writes ${plan.logMiB} MB of 1,000-character lines to stdout and exits; after the watcher sees it finished, one non-follow GET .../log over HTTPS reads it all; MB/s = MB read / time from request to last byte. MB = 2^20 bytes.`,
        'RSS: of the whole bench process (store, API server, controllers, kubelet and the bench’s watcher and client), 2 s after the node is Ready and 2 s after the last one-at-a-time pod is Running. Docker’s own memory is not included.',
      ],
    };
  } finally {
    await watcher?.stop().catch(() => {});
    // The kubelet stops the node's containers as it stops; remove them and the peer's, if any are left.
    await cluster?.stop().catch(() => {});
    await removeContainers(nodeLabel);
    await removeContainers(PEER_LABEL);
    await dir.remove();
  }
}

export const kubeletSuite: Suite = {
  description: 'kubelet on Docker: pod startup vs docker run, exec round trip, log throughput, RSS',
  run: runSuite,
};
