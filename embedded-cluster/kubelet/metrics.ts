import { cpus, freemem, totalmem } from 'node:os';
import type { NodeMetricsSource, NodeUsage, PodUsage, Usage, UsageWindow } from '../api/node-metrics.js';
import type { Clock } from '../util/clock.js';
import { RUNTIME_LABELS, type ContainerRuntime, type ContainerStats } from './runtime/container-runtime.js';

export interface KubeletMetricsOptions {
  /**
   * How long one scrape answers every request (default 10 s): metrics-server scrapes each kubelet
   * every `--metric-resolution` (15 s by default) and serves the last result in between, so a
   * dashboard polling every second does not ask Docker for stats every second.
   */
  resolutionMs?: number;
  /** Where the node's own usage is read (default: the machine's, {@link osHostUsage}). */
  host?: HostUsage;
}

/**
 * The machine's own counters, read on demand: on Kubedesk the node is the user's machine, so its
 * usage is the machine's, as the real kubelet reports its root cgroup (the whole machine) for the
 * node. Replaceable so tests can feed numbers.
 */
export interface HostUsage {
  /**
   * The machine's cumulative CPU time not spent idle (all CPUs, nanoseconds) and its memory
   * working set now, stamped with the time of reading — the same shape as a container's stats.
   */
  read(): ContainerStats;
}

/**
 * {@link HostUsage} from Node's `os` module, which reads the same counters on Linux, macOS and
 * Windows. CPU: the user + nice + sys + irq times of every CPU (`os.cpus()`; on Linux the ticks of
 * /proc/stat's `cpuN` lines, where libuv leaves out softirq and steal, a little under the root
 * cgroup's count). Memory: total − available (`os.totalmem() - os.freemem()`; on Linux libuv's
 * free memory is /proc/meminfo's MemAvailable, close to the root cgroup's working set of usage
 * minus inactive file pages; on Windows it is the available physical memory; on macOS only the
 * free pages, so there the working set includes reclaimable cache).
 */
export function osHostUsage(clock: Clock): HostUsage {
  return {
    read: () => {
      let busyMs = 0;
      for (const { times } of cpus()) busyMs += times.user + times.nice + times.sys + times.irq;
      return {
        cpuUsageNanoSeconds: busyMs * 1e6,
        memoryWorkingSetBytes: Math.max(0, totalmem() - freemem()),
        timestamp: clock.now(),
      };
    },
  };
}

/**
 * The shortest window the node's CPU rate is taken over. The counters tick every 10 ms per CPU
 * (USER_HZ on Linux), so a 250 ms window is right within 40 millicores per CPU, and adds little to
 * a first `kubectl top nodes` next to Docker's one-shot container stats (about a second each).
 */
export const MIN_HOST_WINDOW_MS = 250;

/**
 * The oldest sample the node's rate is taken against. metrics-server's window is its scrape
 * interval (15 s); a sample left from long ago, when nobody has asked since, would answer
 * with the average of that whole stretch rather than the usage now, so a fresh pair is taken.
 */
export const MAX_HOST_WINDOW_MS = 60_000;

interface Samples {
  previous?: ContainerStats;
  last: ContainerStats;
}

interface Scrape {
  at: number;
  node: NodeUsage | undefined;
  pods: PodUsage[];
}

/**
 * The CPU rate between two cumulative samples, as metrics-server computes it
 * (https://github.com/kubernetes-sigs/metrics-server/blob/master/pkg/storage/types.go `resourceUsage`):
 * CPU nanoseconds used per second elapsed, i.e. nanocores; memory is the newer sample's working
 * set. Undefined when the samples give no rate (same instant, or the counter went back: a restart).
 */
export function usageBetween(
  previous: ContainerStats,
  last: ContainerStats,
): (Usage & UsageWindow) | undefined {
  const elapsedMs = last.timestamp - previous.timestamp;
  const cpu = last.cpuUsageNanoSeconds - previous.cpuUsageNanoSeconds;
  if (elapsedMs <= 0 || cpu < 0) return undefined;
  return {
    timestamp: last.timestamp,
    windowSeconds: elapsedMs / 1000,
    // ns of CPU per ms elapsed × 1000 ms/s = ns of CPU per s = nanocores.
    cpuNanoCores: Math.round((cpu * 1000) / elapsedMs),
    memoryWorkingSetBytes: last.memoryWorkingSetBytes,
  };
}

/**
 * The kubelet's resource metrics (its `/metrics/resource` endpoint, which metrics-server scrapes):
 * each running container's stats from the runtime, turned into rates against the previous sample
 * of the same container. A container seen for the first time is sampled twice at once (Docker's
 * one-shot stats take about a second), so `kubectl top` answers on the first try.
 *
 * The node's usage is the machine's ({@link HostUsage}), as the kubelet's `node_cpu_usage_seconds_total`
 * and `node_memory_working_set_bytes` come from its root cgroup
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/metrics/collectors/resource_metrics.go),
 * not the sum of the pods: Docker, the desktop and every other process count too. It is read at
 * scrape time, against the sample of the previous scrape when that is recent
 * ({@link MAX_HOST_WINDOW_MS}), else against one taken as the scrape begins — the containers'
 * stats are read in between, and the window is stretched to {@link MIN_HOST_WINDOW_MS} if they
 * were quicker. So the first scrape answers, and nothing is sampled while nobody asks.
 */
export class KubeletMetrics implements NodeMetricsSource {
  private readonly samples = new Map<string, Samples>();
  private readonly resolutionMs: number;
  private readonly host: HostUsage;
  private hostSample: ContainerStats | undefined;
  private last: Scrape | undefined;
  private scraping: Promise<Scrape> | undefined;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
    options: KubeletMetricsOptions = {},
  ) {
    this.resolutionMs = options.resolutionMs ?? 10_000;
    this.host = options.host ?? osHostUsage(clock);
  }

  async nodeMetrics(): Promise<NodeUsage | undefined> {
    return (await this.current()).node;
  }

  async podMetrics(): Promise<PodUsage[]> {
    return (await this.current()).pods;
  }

  /** The last scrape while it is fresh, else a new one (shared by concurrent callers). */
  private current(): Promise<Scrape> {
    const last = this.last;
    if (last && this.clock.now() - last.at < this.resolutionMs) return Promise.resolve(last);
    this.scraping ??= this.scrape().finally(() => (this.scraping = undefined));
    return this.scraping;
  }

  private async scrape(): Promise<Scrape> {
    const recent = this.hostSample;
    const hostBefore =
      recent && this.clock.now() - recent.timestamp <= MAX_HOST_WINDOW_MS ? recent : this.host.read();
    const containers = (await this.runtime.listContainers()).filter((c) => c.state === 'running');
    const running = new Set(containers.map((c) => c.id));
    for (const id of this.samples.keys()) if (!running.has(id)) this.samples.delete(id);
    await Promise.all(containers.map((c) => this.sample(c.id)));
    // A new container has one sample: take its second now rather than answer without it.
    await Promise.all(
      containers.filter((c) => !this.samples.get(c.id)?.previous).map((c) => this.sample(c.id)),
    );

    const pods = new Map<string, PodUsage>();
    for (const container of containers) {
      const samples = this.samples.get(container.id);
      const usage = samples?.previous && usageBetween(samples.previous, samples.last);
      const namespace = container.labels[RUNTIME_LABELS.podNamespace];
      const name = container.labels[RUNTIME_LABELS.podName];
      if (!usage || namespace === undefined || name === undefined) continue;
      const key = `${namespace}/${name}`;
      const pod = pods.get(key) ?? { namespace, name, timestamp: 0, windowSeconds: 0, containers: [] };
      pod.timestamp = Math.max(pod.timestamp, usage.timestamp);
      pod.windowSeconds = Math.max(pod.windowSeconds, usage.windowSeconds);
      pod.containers.push({
        name: container.labels[RUNTIME_LABELS.containerName] ?? container.name,
        cpuNanoCores: usage.cpuNanoCores,
        memoryWorkingSetBytes: usage.memoryWorkingSetBytes,
      });
      pods.set(key, pod);
    }
    const node = await this.hostUsageSince(hostBefore);
    this.last = { at: this.clock.now(), node, pods: [...pods.values()] };
    return this.last;
  }

  /**
   * The machine's usage from `before` to now, at least {@link MIN_HOST_WINDOW_MS} long; undefined
   * if the counters went back (a CPU taken offline), until the next scrape.
   */
  private async hostUsageSince(before: ContainerStats): Promise<NodeUsage | undefined> {
    let after = this.host.read();
    const short = MIN_HOST_WINDOW_MS - (after.timestamp - before.timestamp);
    if (short > 0) {
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, short));
      after = this.host.read();
    }
    this.hostSample = after;
    return usageBetween(before, after);
  }

  private async sample(id: string): Promise<void> {
    const stats = await this.runtime.stats(id).catch(() => undefined);
    if (!stats) return; // stopped meanwhile
    const known = this.samples.get(id);
    // A sample no newer than the last one (a cached answer) would give no rate: keep the pair.
    if (known && stats.timestamp <= known.last.timestamp) return;
    this.samples.set(id, { ...(known ? { previous: known.last } : {}), last: stats });
  }
}
