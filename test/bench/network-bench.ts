/**
 * `npm run bench -- network`: Services, NodePort, Ingress and the cluster DNS on Docker, with
 * kube-proxy in the kernel when this process is root, as `kubedesk serve` runs them. The peer is
 * the same pod reached directly at its pod IP, in the same run, by the same load generator.
 *
 * Every path is measured from the host by one load generator in a process of its own
 * (network/load-child.ts): pod IP direct, cluster IP (the host reaches it through kube-proxy's nat
 * OUTPUT rules, in kernel mode only), NodePort `127.0.0.1:<nodePort>` (a forwarder in the
 * cluster's process, in every mode) and the Ingress on 127.0.0.1 with `Host: bench.localhost` (a
 * proxy in the cluster's process). One client for all four makes the comparison fair: a client
 * in a pod could not reach the NodePort and Ingress as users do, and busybox has no load tool.
 *
 * Phases, one after another:
 *  1. the cluster (Docker runtime, kube-proxy `auto`, ingress on free ports), pods kubia-a and
 *     kubia-b, the Services and the Ingress; every path answered once;
 *  2. throughput and latency: rounds of (direct, cluster IP, NodePort, Ingress), so machine noise
 *     hits all alike; then (direct, cluster IP) with a new connection per request;
 *  3. DNS: sequential UDP A queries for `kubia.default.svc.cluster.local`;
 *  4. endpoint change: pod A made unready under continuous traffic, timed (network/endpoint-change.ts).
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startCluster, type RunningCluster } from '../../embedded-cluster/cluster.js';
import { resources } from '../../embedded-cluster/client/index.js';
import { RUNTIME_LABELS } from '../../embedded-cluster/kubelet/runtime/container-runtime.js';
import { PROXY_MODE_REASON_ANNOTATION } from '../../embedded-cluster/proxy/kube-proxy.js';
import { PROXY_MODE_ANNOTATION } from '../../embedded-cluster/proxy/mode.js';
import { acquireHostLock } from '../support/host-lock.js';
import { tempDir } from '../support/temp-dir.js';
import { containersLabelled, removeContainers, run } from './kubelet/docker-peer.js';
import { endpointChange, type EndpointChangeRun } from './network/endpoint-change.js';
import { waitForAnswer } from './network/http-get.js';
import { LoadClient } from './network/load-client.js';
import type { HttpLoadResult } from './network/load-protocol.js';
import {
  IMAGE,
  ingress,
  INGRESS_HOST,
  kubiaPod,
  NAMESPACE,
  NODEPORT_SERVICE,
  PAIR_SERVICE,
  POD_A,
  POD_B,
  POD_PORT,
  READY_FILE,
  SERVICE,
  services,
} from './network/manifests.js';
import { containerPid, processCpuUs } from './network/process-cpu.js';
import { SliceWatcher } from './network/slice-watcher.js';
import { percentile } from './ui/stats.js';
import type { MetricResult, Suite, SuiteContext, SuiteReport } from './runner.js';

const FULL = { seconds: 10, rounds: 5, newConnSeconds: 4, dnsQueries: 5000, changes: 3, warmupMs: 300 };
const QUICK = { seconds: 2, rounds: 2, newConnSeconds: 1, dnsQueries: 500, changes: 1, warmupMs: 200 };
const CONNECTIONS = 16;
const PROBE_INTERVAL_MS = 5;
const QUIET_MS = 1500;
const SETTLE_MS = 2000;
const DIRECT = 'pod IP direct';

type PathName = 'direct' | 'clusterIP' | 'nodePort' | 'ingress';

interface Path {
  name: PathName;
  url: string;
  host?: string;
  /** Why this path is not measured (e.g. cluster IPs in userspace mode). */
  skip?: string;
}

/** One run of the load generator, with the CPU the cluster's process and the backend spent meanwhile (µs). */
interface MeasuredRun extends HttpLoadResult {
  clusterUs: number;
  backendUs: number;
}

/** A path's results summed over rounds. */
class Tally {
  requests = 0;
  windowMs = 0;
  errors = 0;
  firstError: string | undefined;
  readonly latencies: number[] = [];

  /** All answers (warm-up included) and the CPU each process spent on them, µs. */
  answered = 0;
  generatorUs = 0;
  clusterUs = 0;
  backendUs = 0;

  add(result: MeasuredRun): void {
    this.answered += result.answered;
    this.generatorUs += result.cpuUs;
    this.clusterUs += result.clusterUs;
    this.backendUs += result.backendUs;
    this.requests += result.requests;
    this.windowMs += result.windowMs;
    this.errors += result.errors;
    this.firstError ??= result.firstError;
    for (const ms of result.latencies) this.latencies.push(ms);
  }

  get rate(): number {
    return this.windowMs > 0 ? (this.requests / this.windowMs) * 1000 : NaN;
  }

  p(n: number): number {
    return percentile(this.latencies, n);
  }

  summary(): string {
    const errors = this.errors ? `, ${this.errors} errors (first: ${this.firstError})` : '';
    const perRequest = (us: number) => fmt(us / this.answered, 0);
    return (
      `${fmt(this.rate, 0)} req/s, p50 ${fmt(this.p(50), 2)} ms, p99 ${fmt(this.p(99), 2)} ms${errors}; ` +
      `CPU µs per request: generator ${perRequest(this.generatorUs)}, cluster process ${perRequest(this.clusterUs)}, backend pod ${perRequest(this.backendUs)}`
    );
  }
}

/** `items` starting at index `by` (mod length): each round puts a different path first. */
const rotate = <T>(items: readonly T[], by: number): T[] => {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
};
const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (bounded) for something only reachable by asking. */
async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function runSuite(context: SuiteContext): Promise<SuiteReport> {
  const plan = context.quick ? QUICK : FULL;
  const { log } = context;
  await run('docker', ['version', '--format', '{{.Server.Version}}']).catch(() => {
    throw new Error('Docker does not answer (is dockerd running?)');
  });
  await run('docker', ['image', 'inspect', IMAGE]).catch(() => {
    throw new Error(`image ${IMAGE} is missing: build it offline with \`npm run images\``);
  });
  const nodeName = `bench-net-${process.pid}`;
  const nodeLabel = `dev.kubedesk.node=${nodeName}`;
  const loadBefore = loadavg()[0]!;
  log('waiting for the host’s iptables lock (one kube-proxy per machine)');
  const release = await acquireHostLock('iptables');
  const dir = await tempDir('bench-network');
  let cluster: RunningCluster | undefined;
  let load: LoadClient | undefined;
  let slices: SliceWatcher | undefined;
  try {
    // 1. The cluster and the objects.
    log(`cluster: Docker runtime, kube-proxy auto, ingress on free ports (node ${nodeName})`);
    cluster = await startCluster({
      dataDir: dir.path,
      port: 0,
      runtime: 'docker',
      nodeName,
      proxy: { mode: 'auto' },
      ingress: { httpPort: 0, httpsPort: 0 },
    });
    const client = cluster.client;
    let mode = '?';
    let modeReason = '';
    await poll('node Ready and the proxy mode', async () => {
      const node = await client
        .resource(resources.nodes)
        .get(nodeName)
        .catch(() => undefined);
      mode = node?.metadata?.annotations?.[PROXY_MODE_ANNOTATION] ?? '?';
      modeReason = node?.metadata?.annotations?.[PROXY_MODE_REASON_ANNOTATION] ?? '';
      const ready = node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      return ready && mode !== '?';
    });
    const kernel = mode === 'iptables';
    log(`  kube-proxy mode: ${mode}${modeReason ? ` (${modeReason})` : ''}`);
    await poll('the default ServiceAccount', () =>
      client
        .resource(resources.serviceAccounts)
        .get('default', NAMESPACE)
        .then(
          () => true,
          () => false,
        ),
    );
    for (const service of services) await client.resource(resources.services).create(service);
    await client.resource(resources.ingresses).create(ingress);
    slices = new SliceWatcher(client, NAMESPACE, PAIR_SERVICE);
    await slices.start();
    await client.resource(resources.pods).create(kubiaPod(POD_A, 'a'));
    await client.resource(resources.pods).create(kubiaPod(POD_B, 'b'));
    const s = slices;
    await s.until(() => s.ready(POD_A) && s.ready(POD_B), 90_000);

    const podIP = (await client.resource(resources.pods).get(POD_A, NAMESPACE)).status!.podIP!;
    const svc = async (name: string) =>
      (await client.resource(resources.services).get(name, NAMESPACE)).spec!;
    const clusterIP = (await svc(SERVICE)).clusterIP!;
    const nodePort = (await svc(NODEPORT_SERVICE)).ports![0]!.nodePort!;
    const pair = await svc(PAIR_SERVICE);
    const { httpPort } = cluster.ingress!;
    const expect = `You've hit ${POD_A}`;
    const paths: Path[] = [
      { name: 'direct', url: `http://${podIP}:${POD_PORT}/` },
      {
        name: 'clusterIP',
        url: `http://${clusterIP}:80/`,
        ...(kernel ? {} : { skip: `kube-proxy in ${mode} mode: the host cannot reach cluster IPs` }),
      },
      { name: 'nodePort', url: `http://127.0.0.1:${nodePort}/` },
      { name: 'ingress', url: `http://127.0.0.1:${httpPort}/`, host: INGRESS_HOST },
    ];
    for (const path of paths) {
      if (path.skip) continue;
      try {
        await waitForAnswer(path.url, expect, path.host);
        log(`  ${path.name}: ${path.url}${path.host ? ` (Host ${path.host})` : ''} answers`);
      } catch (error) {
        path.skip = error instanceof Error ? error.message : String(error);
      }
    }
    for (const path of paths) if (path.skip) log(`  ${path.name}: not measured (${path.skip})`);

    const [containerA] = await containersLabelled(
      nodeLabel,
      `${RUNTIME_LABELS.podName}=${POD_A}`,
      `${RUNTIME_LABELS.containerName}=kubia`,
    );
    if (!containerA) throw new Error(`the container of pod ${POD_A} is not found in Docker`);

    // 2. Throughput and latency, in rounds.
    load = LoadClient.start();
    const l = load;
    const tallies = new Map<PathName, Tally>(paths.map((p) => [p.name, new Tally()]));
    const roundMs = (plan.seconds * 1000) / plan.rounds;
    log(
      `throughput: ${plan.rounds} rounds × ${paths.length} paths × ${roundMs / 1000} s, ${CONNECTIONS} keep-alive connections (after ${plan.warmupMs} ms warm-up each)`,
    );
    const backendPid = containerPid(containerA);
    const measure = async (path: Path, keepAlive: boolean, durationMs: number): Promise<MeasuredRun> => {
      const clusterBefore = process.cpuUsage();
      const backendBefore = processCpuUs(backendPid);
      const result = await l.http({
        url: path.url,
        ...(path.host ? { host: path.host } : {}),
        connections: CONNECTIONS,
        keepAlive,
        warmupMs: plan.warmupMs,
        durationMs,
        expect,
      });
      const cluster = process.cpuUsage(clusterBefore);
      return {
        ...result,
        clusterUs: cluster.user + cluster.system,
        backendUs: processCpuUs(backendPid) - backendBefore,
      };
    };
    const throughputStart = performance.now();
    // The generator's own warm-up (its JIT, the first connections), on every path, not counted.
    for (const path of paths) if (!path.skip) await measure(path, true, plan.warmupMs);
    for (let round = 0; round < plan.rounds; round++) {
      for (const path of rotate(paths, round))
        if (!path.skip) tallies.get(path.name)!.add(await measure(path, true, roundMs));
    }
    for (const path of paths) log(`  ${path.name.padEnd(9)}: ${tallies.get(path.name)!.summary()}`);
    const flapped = (s.lastNotReady.get(POD_A) ?? -Infinity) > throughputStart;
    if (flapped)
      log(
        `  WARNING: ${POD_A} was not ready for a while (readiness probe failures on a loaded machine); the Ingress answered 503 meanwhile`,
      );

    const fresh = new Map<PathName, Tally>([
      ['direct', new Tally()],
      ['clusterIP', new Tally()],
    ]);
    const freshPaths = paths.filter((p) => fresh.has(p.name));
    const freshRoundMs = (plan.newConnSeconds * 1000) / plan.rounds;
    log(
      `new connection per request: ${plan.rounds} rounds × ${freshRoundMs / 1000} s, direct and cluster IP`,
    );
    for (let round = 0; round < plan.rounds; round++) {
      for (const path of rotate(freshPaths, round))
        if (!path.skip) fresh.get(path.name)!.add(await measure(path, false, freshRoundMs));
    }
    for (const path of freshPaths) log(`  ${path.name.padEnd(9)}: ${fresh.get(path.name)!.summary()}`);

    // 3. DNS, once the throughput phase's aftermath (dockerd writing the backend's request logs,
    // garbage collection) has settled: what is timed is the DNS server, not that.
    await sleep(SETTLE_MS);
    const dns = cluster.dns!;
    const dnsName = `${SERVICE}.${NAMESPACE}.svc.cluster.local`;
    log(`DNS: ${plan.dnsQueries} sequential A queries for ${dnsName} to ${dns.host}:${dns.port} (UDP)`);
    // How long the cluster's event loop was kept from answering meanwhile (other components'
    // work, garbage collection): the part of the tail the DNS server itself cannot help.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const dnsResult = await load.dns({
      host: dns.host,
      port: dns.port,
      name: dnsName,
      count: plan.dnsQueries,
      warmup: 50,
      expect: clusterIP,
    });
    loopDelay.disable();
    const dnsP = (n: number) => percentile(dnsResult.latencies, n);
    log(
      `  p50 ${fmt(dnsP(50), 3)} ms, p99 ${fmt(dnsP(99), 3)} ms, max ${fmt(Math.max(...dnsResult.latencies), 2)} ms` +
        (dnsResult.errors ? `, ${dnsResult.errors} errors (first: ${dnsResult.firstError})` : '') +
        `; the cluster's event loop delayed: p99 ${fmt(loopDelay.percentile(99) / 1e6, 2)} ms, max ${fmt(loopDelay.max / 1e6, 2)} ms`,
    );

    // 4. Endpoint change.
    const target = kernel
      ? { host: pair.clusterIP!, port: 80, via: `cluster IP ${pair.clusterIP}:80` }
      : {
          host: '127.0.0.1',
          port: pair.ports![0]!.nodePort!,
          via: `NodePort 127.0.0.1:${pair.ports![0]!.nodePort}`,
        };
    log(
      `endpoint change: ${plan.changes} × rm ${READY_FILE} in ${POD_A} under a GET every ${PROBE_INTERVAL_MS} ms (new connection each) to ${target.via}`,
    );
    const changes: EndpointChangeRun[] = [];
    for (let i = 0; i < plan.changes; i++) {
      const change = await endpointChange({
        host: target.host,
        port: target.port,
        podA: POD_A,
        podB: POD_B,
        slices: s,
        makeUnready: async () => void (await run('docker', ['exec', containerA, 'rm', READY_FILE])),
        makeReady: async () => void (await run('docker', ['exec', containerA, 'touch', READY_FILE])),
        intervalMs: PROBE_INTERVAL_MS,
        quietMs: QUIET_MS,
        log,
      });
      changes.push(change);
      log(
        `  ${i + 1}: slice not ready → traffic moved ${fmt(change.sliceToMovedMs, 0)} ms; rm → traffic moved ${fmt(change.rmToMovedMs, 0)} ms (rm → slice ${fmt(change.rmToSliceMs, 0)} ms; the rm exec took ${fmt(change.rmExecMs, 0)} ms)`,
      );
    }
    const movedMax = Math.max(...changes.map((c) => c.sliceToMovedMs));
    const loadAfter = loadavg()[0]!;

    // The table.
    const direct = tallies.get('direct')!;
    const row = (
      metric: string,
      unit: string,
      better: 'higher' | 'lower',
      value: number,
      peerValue: number | null,
      target?: MetricResult['target'],
      peerLabel?: string,
    ): MetricResult => ({
      metric,
      unit,
      better,
      value,
      peerValue,
      ...(peerLabel ? { peerLabel } : {}),
      ...(target ? { target } : {}),
    });
    const pathRows = (name: PathName, label: string, target?: MetricResult['target']): MetricResult[] => {
      const tally = tallies.get(name)!;
      return [
        row(`requests/s via ${label}`, 'req/s', 'higher', tally.rate, direct.rate, target, DIRECT),
        row(`p99 latency via ${label}`, 'ms', 'lower', tally.p(99), direct.p(99), undefined, DIRECT),
      ];
    };
    const freshDirect = fresh.get('direct')!;
    const freshService = fresh.get('clusterIP')!;
    const n = plan.changes;
    return {
      suite: 'network',
      peer: DIRECT,
      metrics: [
        ...pathRows('clusterIP', 'cluster IP', kernel ? { kind: 'ratio', threshold: 0.9 } : undefined),
        ...pathRows('nodePort', 'NodePort 127.0.0.1'),
        ...pathRows('ingress', `Ingress (Host ${INGRESS_HOST})`, { kind: 'ratio', threshold: 0.5 }),
        row(
          'requests/s via cluster IP, new connection each',
          'req/s',
          'higher',
          freshService.rate,
          freshDirect.rate,
          undefined,
          `${DIRECT}, new connection each`,
        ),
        row(`DNS A query p99 (UDP, ${plan.dnsQueries} sequential)`, 'ms', 'lower', dnsP(99), null, {
          kind: 'absolute',
          op: '<=',
          threshold: 2,
        }),
        row(`endpoint change → traffic moved (max of ${n})`, 'ms', 'lower', movedMax, null, {
          kind: 'absolute',
          op: '<=',
          threshold: 1000,
        }),
      ],
      footnotes: [
        `kube-proxy mode: ${mode}${modeReason ? ` (${modeReason})` : ''}. The cluster-IP target (≥ 0.9x direct) is judged in kernel (iptables) mode only; in userspace mode the host cannot reach cluster IPs and those rows read "-".`,
        `Backend: one pod, ${POD_A} (${IMAGE} from \`npm run images\`: the book's Node.js app, which also logs a line per request to Docker), reached by every path; the peer is the same pod at its pod IP ${podIP}:${POD_PORT} over the Docker bridge, measured in the same run. Paths: cluster IP ${clusterIP}:80 (from the host through kube-proxy's nat OUTPUT DNAT), NodePort 127.0.0.1:${nodePort} (kube-proxy's forwarder in the cluster's process), Ingress 127.0.0.1:${httpPort} with Host ${INGRESS_HOST} (the ingress controller in the cluster's process, keep-alive to the pod).`,
        `Load: one generator in a Node process of its own on the host (the cluster runs in the bench process, as \`kubedesk serve\`), closed loop, ${CONNECTIONS} concurrent keep-alive connections, GET / (each answer checked to name ${POD_A}); after one untimed run per path (the generator's own warm-up), ${plan.rounds} rounds of ${roundMs / 1000} s per path in turn (direct, cluster IP, NodePort, Ingress; each round starts one path later, so no path always goes first), ${plan.seconds} s per path in all, each run after ${plan.warmupMs} ms of warm-up. Latency per request, nearest-rank p99 over all rounds. "New connection each": Connection: close, ${plan.newConnSeconds} s per path; it exercises conntrack and DNAT set-up per connection. The log gives each path's p50 and the CPU time per request of the generator, the cluster's process and the backend's process (/proc).`,
        `DNS: ${plan.dnsQueries} A queries for ${dnsName}, one at a time over one UDP socket from the load generator's process to the cluster DNS at ${dns.host}:${dns.port}, ${SETTLE_MS / 1000} s after the throughput phase, after 50 untimed; each timed from send to the answer with its ID. No peer: the bench does not compare with another resolver.`,
        `Endpoint change: pods ${POD_A} and ${POD_B} ready behind ${PAIR_SERVICE}; the bench process sends a GET every ${PROBE_INTERVAL_MS} ms, each on a new connection (established connections stay with their pod, as in Kubernetes), to ${target.via}; \`docker exec rm ${READY_FILE}\` in ${POD_A} (readiness probe: exec every 1 s, failureThreshold 1). Time from the bench's own EndpointSlice watch seeing ${POD_A} not ready to the send time of the last request ${POD_A} answered (traffic counts as moved after ${QUIET_MS} ms without one); the worst of ${n}. The time from the rm is in the log.`,
        ...(flapped
          ? [
              `${POD_A} was listed not ready for a while during the throughput phase (its exec readiness probe failed on the loaded machine): the Ingress answered 503 then (counted as errors, not as requests), while established connections of the other paths went on. Rerun on a quieter machine.`,
            ]
          : []),
        `Load average (1 min) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end, on ${cpus().length} cores${loadBefore > cpus().length ? ': the machine was busy; latency tails suffer most' : ''}.`,
      ],
    };
  } finally {
    await load?.stop().catch(() => {});
    await slices?.stop().catch(() => {});
    // The kubelet stops the node's containers as it stops; remove whatever is left.
    await cluster?.stop().catch(() => {});
    await removeContainers(nodeLabel);
    await dir.remove();
    release();
  }
}

export const networkSuite: Suite = {
  description:
    'Services, NodePort, Ingress and DNS on Docker: requests/s and p99 vs the pod direct, DNS p99, endpoint change',
  run: runSuite,
};
