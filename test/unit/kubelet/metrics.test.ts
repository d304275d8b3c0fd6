import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { goDuration } from '../../../embedded-cluster/apiserver/handlers/metrics.js';
import {
  KubeletMetrics,
  MAX_HOST_WINDOW_MS,
  MIN_HOST_WINDOW_MS,
  osHostUsage,
  usageBetween,
  type HostUsage,
} from '../../../embedded-cluster/kubelet/metrics.js';
import {
  RUNTIME_LABELS,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
} from '../../../embedded-cluster/kubelet/runtime/container-runtime.js';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';

const stats = (cpuSeconds: number, atMs: number, memory = 1024): ContainerStats => ({
  cpuUsageNanoSeconds: cpuSeconds * 1e9,
  memoryWorkingSetBytes: memory,
  timestamp: atMs,
});

describe('usageBetween (the CPU rate of two cumulative samples)', () => {
  it('turns CPU seconds per elapsed second into nanocores', () => {
    // 0.25 s of CPU in 2 s = 125 millicores.
    expect(usageBetween(stats(10, 1_000), stats(10.25, 3_000, 4096))).toEqual({
      timestamp: 3_000,
      windowSeconds: 2,
      cpuNanoCores: 125_000_000,
      memoryWorkingSetBytes: 4096,
    });
  });

  it('gives no rate for samples of one instant or a counter that went back (a restart)', () => {
    expect(usageBetween(stats(1, 1_000), stats(2, 1_000))).toBeUndefined();
    expect(usageBetween(stats(5, 1_000), stats(1, 2_000))).toBeUndefined();
  });
});

/** A runtime with fixed containers whose stats are taken from queues of samples. */
function fakeRuntime(samples: Record<string, ContainerStats[]>, containers: ContainerStatus[]) {
  const calls: string[] = [];
  const runtime = {
    listContainers: () => Promise.resolve(containers),
    stats: (id: string) => {
      calls.push(id);
      return Promise.resolve(samples[id]?.shift());
    },
  } as unknown as ContainerRuntime;
  return { runtime, calls };
}

const container = (id: string, pod: string, name: string, state: ContainerStatus['state'] = 'running') =>
  ({
    id,
    podUid: `uid-${pod}`,
    name,
    attempt: 0,
    image: 'busybox',
    imageId: 'sha256:x',
    state,
    createdAt: 0,
    labels: {
      [RUNTIME_LABELS.podNamespace]: 'default',
      [RUNTIME_LABELS.podName]: pod,
      [RUNTIME_LABELS.containerName]: name,
    },
  }) satisfies ContainerStatus;

/** A machine whose counters are read from a queue of samples (the last one repeats). */
function fakeHost(samples: ContainerStats[]) {
  const reads: number[] = [];
  const host: HostUsage = {
    read: () => {
      const next = samples.length > 1 ? samples.shift()! : samples[0]!;
      reads.push(next.timestamp);
      return next;
    },
  };
  return { host, reads };
}

/** A machine busy `cores` CPUs' worth all the time, read at the clock's time. */
function steadyHost(clock: ManualClock, cores: number, memory = 8 << 30) {
  let reads = 0;
  const host: HostUsage = {
    read: () => {
      reads++;
      return {
        cpuUsageNanoSeconds: clock.now() * 1e6 * cores,
        memoryWorkingSetBytes: memory,
        timestamp: clock.now(),
      };
    },
  };
  return { host, reads: () => reads };
}

/** An idle machine whose readings are always a full window apart (so no scrape waits). */
function idleHost(): HostUsage {
  let at = 0;
  return { read: () => stats(0, (at += MIN_HOST_WINDOW_MS)) };
}

/** Let pending promise callbacks and I/O run (the scrape reaches its wait). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('KubeletMetrics', () => {
  it('samples a new container twice and groups containers by pod', async () => {
    const clock = new ManualClock(10_000);
    const { runtime } = fakeRuntime(
      {
        a: [stats(1, 9_000, 100), stats(1.5, 10_000, 200)],
        b: [stats(2, 9_000, 300), stats(2.1, 10_000, 400)],
        c: [stats(0, 9_000)],
      },
      [container('a', 'web', 'app'), container('b', 'web', 'sidecar'), container('c', 'done', 'x', 'exited')],
    );
    const { host } = fakeHost([stats(100, 9_000, 5000), stats(101.5, 10_000, 6000)]);
    const metrics = new KubeletMetrics(runtime, clock, { host });
    expect(await metrics.podMetrics()).toEqual([
      {
        namespace: 'default',
        name: 'web',
        timestamp: 10_000,
        windowSeconds: 1,
        containers: [
          { name: 'app', cpuNanoCores: 500_000_000, memoryWorkingSetBytes: 200 },
          { name: 'sidecar', cpuNanoCores: 100_000_000, memoryWorkingSetBytes: 400 },
        ],
      },
    ]);
    // The node is the machine, not the sum of its containers (600m, 600 bytes).
    expect(await metrics.nodeMetrics()).toEqual({
      timestamp: 10_000,
      windowSeconds: 1,
      cpuNanoCores: 1_500_000_000,
      memoryWorkingSetBytes: 6000,
    });
  });

  it('answers from the last scrape within the resolution, then rates against the previous sample', async () => {
    const clock = new ManualClock(2_000);
    const { runtime, calls } = fakeRuntime({ a: [stats(0, 1_000), stats(1, 2_000), stats(3, 12_000)] }, [
      container('a', 'web', 'app'),
    ]);
    const metrics = new KubeletMetrics(runtime, clock, { resolutionMs: 10_000, host: idleHost() });
    expect((await metrics.podMetrics())[0]!.containers[0]!.cpuNanoCores).toBe(1_000_000_000);
    clock.advance(5_000);
    await metrics.podMetrics();
    expect(calls).toHaveLength(2); // still the first scrape
    clock.advance(5_000);
    const [pod] = await metrics.podMetrics();
    // 2 s of CPU over the 10 s since the previous sample.
    expect(pod).toMatchObject({ timestamp: 12_000, windowSeconds: 10 });
    expect(pod!.containers[0]!.cpuNanoCores).toBe(200_000_000);
    expect(calls).toHaveLength(3);
  });
});

describe('KubeletMetrics: the node’s usage is the machine’s', () => {
  const noContainers = fakeRuntime({}, []).runtime;

  it('answers the first scrape from two readings at least MIN_HOST_WINDOW_MS apart, with no timer before', async () => {
    const clock = new ManualClock(50_000);
    const { host, reads } = steadyHost(clock, 1.5, 3 << 30);
    const metrics = new KubeletMetrics(noContainers, clock, { host });
    expect(reads()).toBe(0); // nothing sampled until someone asks
    const answer = metrics.nodeMetrics();
    await settle();
    expect(reads()).toBe(2); // at the start, and at once after the (quick) container stats
    clock.advance(MIN_HOST_WINDOW_MS);
    expect(await answer).toEqual({
      timestamp: 50_000 + MIN_HOST_WINDOW_MS,
      windowSeconds: MIN_HOST_WINDOW_MS / 1000,
      cpuNanoCores: 1_500_000_000,
      memoryWorkingSetBytes: 3 << 30,
    });
    expect(reads()).toBe(3);
  });

  it('takes no wait when reading the containers took long enough', async () => {
    const clock = new ManualClock(0);
    // Two readings 1 s apart: 0.5 s of CPU (all CPUs together) in 1 s is 500m.
    const { host, reads } = fakeHost([stats(20, 1_000, 100), stats(20.5, 2_000, 200)]);
    const metrics = new KubeletMetrics(noContainers, clock, { host });
    expect(await metrics.nodeMetrics()).toMatchObject({
      cpuNanoCores: 500_000_000,
      memoryWorkingSetBytes: 200,
    });
    expect(reads).toEqual([1_000, 2_000]);
  });

  it('rates a later scrape against the previous one’s reading, or a fresh pair when that is stale', async () => {
    const clock = new ManualClock(1_000);
    const { host, reads } = fakeHost([
      stats(0, 0),
      stats(1, 1_000), // first scrape: 1 core
      stats(3, 11_000), // 10 s later: 2 s of CPU = 200m
      stats(100, 200_000), // long after: not rated against 11 000…
      stats(100.25, 201_000), // …but against a fresh reading: 250m
    ]);
    const metrics = new KubeletMetrics(noContainers, clock, { host, resolutionMs: 10_000 });
    expect((await metrics.nodeMetrics())?.cpuNanoCores).toBe(1_000_000_000);
    clock.advance(10_000);
    expect(await metrics.nodeMetrics()).toMatchObject({ cpuNanoCores: 200_000_000, windowSeconds: 10 });
    expect(reads).toEqual([0, 1_000, 11_000]);
    clock.advance(MAX_HOST_WINDOW_MS + 129_000);
    expect(await metrics.nodeMetrics()).toMatchObject({ cpuNanoCores: 250_000_000, windowSeconds: 1 });
    expect(reads).toEqual([0, 1_000, 11_000, 200_000, 201_000]);
  });

  it('reports nothing when the counter went back (a CPU taken offline), then recovers', async () => {
    const clock = new ManualClock(1_000);
    const { host } = fakeHost([stats(10, 0), stats(5, 1_000), stats(6, 11_000)]);
    const metrics = new KubeletMetrics(noContainers, clock, { host });
    expect(await metrics.nodeMetrics()).toBeUndefined();
    clock.advance(10_000);
    expect((await metrics.nodeMetrics())?.cpuNanoCores).toBe(100_000_000);
  });
});

describe('osHostUsage (the machine’s counters from node:os)', () => {
  it('reads a cumulative CPU time that grows, and memory below the total, at the clock’s time', async () => {
    const clock = new ManualClock(1234);
    const host = osHostUsage(clock);
    const first = host.read();
    const end = Date.now() + 50;
    while (Date.now() < end); // burn some CPU
    const second = host.read();
    expect(first.timestamp).toBe(1234);
    expect(second.cpuUsageNanoSeconds).toBeGreaterThan(first.cpuUsageNanoSeconds);
    expect(second.memoryWorkingSetBytes).toBeGreaterThan(0);
    expect(second.memoryWorkingSetBytes).toBeLessThan(totalmem());
  });

  it.runIf(process.platform === 'linux')(
    'matches /proc/meminfo (total − MemAvailable) and /proc/stat on Linux',
    () => {
      const host = osHostUsage(new ManualClock(0));
      const meminfo = readFileSync('/proc/meminfo', 'utf8');
      const kB = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(meminfo)![1]) * 1024;
      const { memoryWorkingSetBytes, cpuUsageNanoSeconds } = host.read();
      // Node's free memory is MemAvailable, not MemFree: within 64 MiB of a reading a moment apart.
      expect(Math.abs(memoryWorkingSetBytes - (kB('MemTotal') - kB('MemAvailable')))).toBeLessThan(64 << 20);
      // /proc/stat's cpuN lines in USER_HZ (100/s) ticks: user nice system idle iowait irq.
      const ticks = readFileSync('/proc/stat', 'utf8')
        .split('\n')
        .filter((line) => /^cpu\d+ /.test(line))
        .map((line) => line.split(/\s+/).slice(1).map(Number))
        .reduce((sum, [user, nice, system, , , irq]) => sum + user! + nice! + system! + irq!, 0);
      expect(Math.abs(cpuUsageNanoSeconds / 1e7 - ticks)).toBeLessThan(100);
    },
  );
});

describe('goDuration (the window as metrics-server prints it)', () => {
  it('prints like Go time.Duration', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(10)).toBe('10s');
    expect(goDuration(10.5)).toBe('10.5s');
    expect(goDuration(1.0234)).toBe('1.023s');
    expect(goDuration(65)).toBe('1m5s');
    expect(goDuration(3600)).toBe('1h0m0s');
  });
});
