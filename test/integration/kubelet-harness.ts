import { expect, vi } from 'vitest';
import { InformerFactory, resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { Kubelet } from '../../embedded-cluster/kubelet/kubelet.js';
import { systemClock, type Clock } from '../../embedded-cluster/util/clock.js';
import { silentLogger } from '../../embedded-cluster/util/logger.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import type { TestCluster } from '../support/test-cluster.js';

export const NODE = 'node1';

/** A Kubelet on a fake runtime, against `cluster`. */
export async function startKubelet(
  cluster: TestCluster,
  options: { runtime?: FakeRuntime; clock?: Clock; dataDir?: string } = {},
): Promise<{ kubelet: Kubelet; runtime: FakeRuntime; informers: InformerFactory; stop(): Promise<void> }> {
  const clock = options.clock ?? systemClock;
  const runtime = options.runtime ?? new FakeRuntime(() => clock.now());
  const informers = new InformerFactory(cluster.client, { clock, logger: silentLogger });
  const kubelet = new Kubelet({
    client: cluster.client,
    informers,
    clock,
    logger: silentLogger,
    nodeName: NODE,
    dataDir: options.dataDir ?? `${cluster.dataDir}/kubelet`,
    runtime,
    runtimeName: 'fake',
    nodeIP: '192.168.1.10',
    // Stopping leaves containers as a crash would: the restart tests adopt them.
    stopContainersOnStop: false,
  });
  await kubelet.start();
  return {
    kubelet,
    runtime,
    informers,
    stop: async () => {
      await kubelet.stop();
      informers.stop();
    },
  };
}

export function pod(
  name: string,
  spec: Partial<CoreV1.PodSpec>,
  meta: Partial<NonNullable<CoreV1.Pod['metadata']>> = {},
): CoreV1.Pod {
  return {
    metadata: { name, namespace: 'default', ...meta },
    spec: {
      nodeName: NODE,
      automountServiceAccountToken: false,
      containers: [{ name: 'app', image: 'busybox:1.36' }],
      ...spec,
    },
  };
}

export async function waitForPod(
  cluster: TestCluster,
  name: string,
  check: (pod: CoreV1.Pod) => void,
  timeout = 10_000,
): Promise<CoreV1.Pod> {
  return vi.waitFor(
    async () => {
      const p = await cluster.client.resource(resources.pods).get(name, 'default');
      check(p);
      return p;
    },
    { timeout, interval: 50 },
  );
}

export async function events(cluster: TestCluster, podName: string): Promise<string[]> {
  const list = await cluster.client
    .resource(resources.events)
    .list({ namespace: 'default', fieldSelector: `involvedObject.name=${podName}` });
  return list.items
    .sort((a, b) =>
      String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)),
    )
    .map((e) => `${e.reason}: ${e.message}`);
}

export function expectEvent(list: string[], text: string): void {
  expect(
    list.some((e) => e.includes(text)),
    `events:\n${list.join('\n')}`,
  ).toBe(true);
}
