import { describe, expect, it } from 'vitest';
import { goDuration } from '../../../embedded-cluster/apiserver/handlers/metrics.js';
import { KubeletMetrics, usageBetween } from '../../../embedded-cluster/kubelet/metrics.js';
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

describe('KubeletMetrics', () => {
  it('samples a new container twice, groups containers by pod and sums the node', async () => {
    const clock = new ManualClock(10_000);
    const { runtime } = fakeRuntime(
      {
        a: [stats(1, 9_000, 100), stats(1.5, 10_000, 200)],
        b: [stats(2, 9_000, 300), stats(2.1, 10_000, 400)],
        c: [stats(0, 9_000)],
      },
      [container('a', 'web', 'app'), container('b', 'web', 'sidecar'), container('c', 'done', 'x', 'exited')],
    );
    const metrics = new KubeletMetrics(runtime, clock);
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
    expect(await metrics.nodeMetrics()).toEqual({
      timestamp: 10_000,
      windowSeconds: 1,
      cpuNanoCores: 600_000_000,
      memoryWorkingSetBytes: 600,
    });
  });

  it('answers from the last scrape within the resolution, then rates against the previous sample', async () => {
    const clock = new ManualClock(2_000);
    const { runtime, calls } = fakeRuntime({ a: [stats(0, 1_000), stats(1, 2_000), stats(3, 12_000)] }, [
      container('a', 'web', 'app'),
    ]);
    const metrics = new KubeletMetrics(runtime, clock, { resolutionMs: 10_000 });
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
