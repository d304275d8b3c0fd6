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
}

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
 * one-shot stats take about a second), so `kubectl top` answers on the first try. Node usage is
 * the sum of its pods' usage: the node's own processes are not counted.
 */
export class KubeletMetrics implements NodeMetricsSource {
  private readonly samples = new Map<string, Samples>();
  private readonly resolutionMs: number;
  private last: Scrape | undefined;
  private scraping: Promise<Scrape> | undefined;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
    options: KubeletMetricsOptions = {},
  ) {
    this.resolutionMs = options.resolutionMs ?? 10_000;
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
    const all = [...pods.values()];
    const node: NodeUsage = {
      timestamp: Math.max(this.clock.now(), ...all.map((p) => p.timestamp)),
      windowSeconds: Math.max(0, ...all.map((p) => p.windowSeconds)),
      cpuNanoCores: sum(all.flatMap((p) => p.containers.map((c) => c.cpuNanoCores))),
      memoryWorkingSetBytes: sum(all.flatMap((p) => p.containers.map((c) => c.memoryWorkingSetBytes))),
    };
    this.last = { at: this.clock.now(), node, pods: all };
    return this.last;
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

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
