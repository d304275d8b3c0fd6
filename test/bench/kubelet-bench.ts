/**
 * `npm run bench -- kubelet`: the kubelet on Docker, in this process as `kubedesk serve` runs it
 * (embedded store, API server, scheduler, controllers and the kubelet), driven through the API
 * and measured by a watcher on pods. The peer is Docker itself, measured in the same run:
 * `docker run -d` of the same image (the floor of starting a container here), and `docker exec`
 * through the CLI and through Docker's exec API (the floor of an exec round trip).
 *
 * Phases, one after another (never two heavy things at once):
 *  1. peer: N × `docker run -d busybox sleep 3600`, one at a time, then removed;
 *  2. the cluster starts; RSS of the idle process once the node is Ready;
 *  3. N pods created one at a time, each waited for until the watcher sees it Running; RSS then;
 *  4. exec round trips (`echo`) into one of those pods' container, interleaved: ours through the
 *     API server's WebSocket v5 exec over HTTPS, Docker's exec API on its socket, `docker exec`;
 *  5. the N pods are deleted, then N more are created all at once;
 *  6. log throughput: a pod writes a few tens of MB to stdout, then one `GET .../log` reads it.
 */
import { startCluster, type RunningCluster } from '../../embedded-cluster/cluster.js';
import { resources } from '../../embedded-cluster/client/index.js';
import { RUNTIME_LABELS } from '../../embedded-cluster/kubelet/runtime/container-runtime.js';
import { tempDir } from '../support/temp-dir.js';
import {
  apiExec,
  cliExec,
  containersLabelled,
  dockerRuns,
  removeContainers,
  run,
  type ApiExecTiming,
} from './kubelet/docker-peer.js';
import { execOnce, readLog } from './kubelet/exec-client.js';
import { PodWatcher } from './kubelet/pod-watcher.js';
import { logPod, SLEEP, sleepPod } from './kubelet/pods.js';
import type { MetricResult, Suite, SuiteContext, SuiteReport } from './runner.js';

const FULL = { pods: 50, execs: 50, logMiB: 40 };
const QUICK = { pods: 10, execs: 10, logMiB: 8 };
const IMAGE = 'busybox';
const NAMESPACE = 'bench';
/** Docker label on the peer's containers, so clean-up finds them whatever happened. */
const PEER_LABEL = `dev.kubedesk.bench=${process.pid}`;
const MiB = 1024 * 1024;

/** Nearest-rank percentile of `values` (p in 0..100). */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const rssMiB = () => process.memoryUsage().rss / MiB;

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
    const peer = await dockerRuns(n, PEER_LABEL, IMAGE, SLEEP);
    const peerTimes = peer.times;
    if (peer.network === 'none')
      context.log('  (Docker cannot attach to its default bridge: --network none)');
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
    watcher = new PodWatcher(client, NAMESPACE);
    await watcher.start();
    const w = watcher;
    await new Promise((r) => setTimeout(r, 2000));
    const rssBefore = rssMiB();
    context.log(`  node Ready; RSS ${rssBefore.toFixed(1)} MB`);

    // A warm-up pod: the first sandbox also creates the pod network and loads the pause image.
    await pods.create(sleepPod('warm-up', NAMESPACE, IMAGE), { namespace: NAMESPACE });
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
        await pods.create(sleepPod(name, NAMESPACE, IMAGE), { namespace: NAMESPACE });
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

    // 4. Exec round trips into one of them: ours and Docker's, interleaved, into the same container.
    const execs: number[] = [];
    const apiExecs: ApiExecTiming[] = [];
    const cliExecs: number[] = [];
    await measure(context, 'exec', async () => {
      const [target] = await containersLabelled(
        nodeLabel,
        `${RUNTIME_LABELS.podName}=seq-0`,
        `${RUNTIME_LABELS.containerName}=main`,
      );
      if (!target) throw new Error('the container of pod seq-0 is not found in Docker');
      context.log(
        `exec: ${plan.execs} × echo, in turn through the API server (wss, v5.channel.k8s.io), Docker's exec API and docker exec`,
      );
      for (let i = 0; i < 3; i++) {
        await execOnce(cluster!, NAMESPACE, 'seq-0');
        await apiExec(target);
        await cliExec(target);
      }
      for (let i = 0; i < plan.execs; i++) {
        execs.push(await execOnce(cluster!, NAMESPACE, 'seq-0'));
        apiExecs.push(await apiExec(target));
        cliExecs.push(await cliExec(target));
      }
    });
    const apiTotals = apiExecs.map((t) => t.total);
    const p50p99 = (ms: number[]) => `p50 ${fmt(percentile(ms, 50))} ms, p99 ${fmt(percentile(ms, 99))} ms`;
    const stepP50 = (step: 'create' | 'stream' | 'inspect') => {
      const ms = apiExecs.map((t) => t[step]);
      return `${step} ${fmt(percentile(ms, 50))}`;
    };
    context.log(`  ours:            ${p50p99(execs)}`);
    context.log(
      `  Docker exec API: ${p50p99(apiTotals)} (p50 of ${stepP50('create')}, ${stepP50('stream')}, ${stepP50('inspect')} ms)`,
    );
    context.log(`  docker exec:     ${p50p99(cliExecs)}`);

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
          await pods.create(sleepPod(name, NAMESPACE, IMAGE), { namespace: NAMESPACE });
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
      await pods.create(logPod('logs', NAMESPACE, IMAGE, logBytes), { namespace: NAMESPACE });
      await w.until(() => w.finished.has('logs'));
      const { bytes, ms } = await readLog(cluster!, NAMESPACE, 'logs');
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
      peerLabel?: string,
    ): MetricResult => ({
      ...(peerLabel ? { peerLabel } : {}),
      metric: name,
      unit,
      better,
      value: value ?? NaN,
      peerValue,
      ...(target ? { target } : {}),
    });
    const within2x = { kind: 'ratio' as const, threshold: 0.5 };
    // Our exec is Docker's exec plus TLS, WebSocket, the API server and the kubelet's lookup
    // (README): 0.67x, i.e. at most ~1.5× Docker's own exec API.
    const within1_5x = { kind: 'ratio' as const, threshold: 0.67 };
    return {
      suite: 'kubelet',
      peer: `Docker ${dockerVersion}`,
      metrics: [
        metric(
          `pod startup p50 vs docker run, ${n} one at a time`,
          'ms',
          'lower',
          percentile(serial, 50),
          percentile(peerTimes, 50),
          within2x,
          'docker run -d',
        ),
        metric(
          `pod startup p99, ${n} one at a time`,
          'ms',
          'lower',
          percentile(serial, 99),
          percentile(peerTimes, 99),
          { kind: 'absolute', op: '<=', threshold: 1000 },
          'docker run -d',
        ),
        metric(
          `pod startup p99 vs docker run, one at a time`,
          'ms',
          'lower',
          percentile(serial, 99),
          percentile(peerTimes, 99),
          within2x,
          'docker run -d',
        ),
        metric(
          `pod startup p50, ${n} at once`,
          'ms',
          'lower',
          percentile(burst, 50),
          percentile(peerTimes, 50),
          undefined,
          'docker run -d',
        ),
        metric(
          `pod startup p99, ${n} at once`,
          'ms',
          'lower',
          percentile(burst, 99),
          percentile(peerTimes, 99),
          undefined,
          'docker run -d',
        ),
        metric(
          'exec round trip p50 vs Docker exec API',
          'ms',
          'lower',
          percentile(execs, 50),
          percentile(apiTotals, 50),
          within1_5x,
          'Docker exec API',
        ),
        metric(
          'exec round trip p99 (echo)',
          'ms',
          'lower',
          percentile(execs, 99),
          percentile(apiTotals, 99),
          {
            kind: 'absolute',
            op: '<=',
            threshold: 20,
          },
          'Docker exec API',
        ),
        metric(
          'exec round trip p50 vs docker exec (CLI)',
          'ms',
          'lower',
          percentile(execs, 50),
          percentile(cliExecs, 50),
          undefined,
          'docker exec (CLI)',
        ),
        metric(
          'exec round trip p99 vs docker exec (CLI)',
          'ms',
          'lower',
          percentile(execs, 99),
          percentile(cliExecs, 99),
          undefined,
          'docker exec (CLI)',
        ),
        metric(`log streaming, ${plan.logMiB} MB`, 'MB/s', 'higher', logRate, null),
        metric('process RSS, node Ready, no pods', 'MB', 'lower', rssBefore, null),
        metric(`process RSS, ${serial.length} pods running`, 'MB', 'lower', rssWithPods, null),
      ],
      footnotes: [
        `In one process, as \`kubedesk serve\` runs it: embedded store (fsync on), API server, scheduler, every controller and the kubelet on Docker ${dockerVersion}, pods of image ${IMAGE} (present, imagePullPolicy IfNotPresent) running \`sleep 3600\`. One warm-up pod runs and is deleted first.`,
        'Pod startup: from just before the POST of the pod to the moment the bench’s own pod watch sees phase Running; it includes scheduling, the pause (sandbox) container, the service-account token volume and the app container, i.e. two Docker containers per pod. One at a time: each pod waits for the previous to be Running. At once: N POSTs in flight together, each timed on its own.',
        `Peer for startup: \`docker run -d --label … ${peer.network === 'none' ? '--network none ' : ''}${IMAGE} sleep 3600\` through the docker CLI, ${n} one at a time before the cluster starts, each timed from the call until the CLI returns (so it includes the CLI’s own start-up, ~tens of ms, and not the container being seen running by anyone); removed before the cluster starts. Its p50/p99 are the peer column of both startup blocks. Ratio targets: ≥ 0.5x means within 2× of docker run.${peer.network === 'none' ? ' On --network none: Docker could not attach containers to its default bridge on this machine, so the peer has no network (slightly cheaper than a bridge).' : ''}`,
        'Exec, ours: a new TLS connection and WebSocket (v5.channel.k8s.io) to the API server per exec, as kubectl pays, `echo hi` in pod seq-0 via the kubelet and Docker’s exec API, until the server closes the socket after stdout and the Success status.',
        `Exec peers, into the same Docker container (seq-0’s app container), ${plan.execs} rounds in turn with ours so machine noise hits all three alike, after 3 warm-up rounds: Docker’s exec API as the docker CLI calls it (POST /containers/{id}/exec, POST /exec/{id}/start hijacked, GET /exec/{id}/json for the exit code) over the unix socket from this process, kept-alive connection for the plain requests — the floor our kubelet builds on; and \`docker exec <id> echo hi\` through the CLI, timed until it exits (includes the CLI’s start-up). Target ≥ 0.67x: within 1.5× of Docker’s exec API.`,
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
  description:
    'kubelet on Docker: pod startup vs docker run, exec round trip vs Docker exec, log throughput, RSS',
  run: runSuite,
};
