import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { ManualClock } from '../../embedded-cluster/util/clock.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';
import { events, expectEvent, pod, startKubelet, waitForPod } from './kubelet-harness.js';

/** The kubelet's time-driven behaviour on a manual clock: back-off timing and probes. */
let cluster: TestCluster;
let node: Awaited<ReturnType<typeof startKubelet>>;
const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
const pods = () => cluster.client.resource(resources.pods);
/** Exit codes of exec probes, by the probe command's last word. */
const probeResults = new Map<string, number>();

beforeAll(async () => {
  cluster = await startTestCluster({ controlPlane: true, controllers: ['serviceaccount'] });
  node = await startKubelet(cluster, { clock });
  node.runtime.execExitCode = (_c, command) => probeResults.get(command.at(-1) ?? '') ?? 0;
});
afterAll(async () => {
  await node?.stop();
  await cluster?.destroy();
});

/** Move the kubelet's time on, letting what falls due run. */
async function advance(ms: number, step = 1000): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

const probe = (check: string, extra: Partial<CoreV1.Probe> = {}): CoreV1.Probe => ({
  exec: { command: ['check', check] },
  periodSeconds: 1,
  failureThreshold: 2,
  ...extra,
});

function condition(p: CoreV1.Pod, type: string) {
  return p.status?.conditions?.find((c) => c.type === type);
}

describe('kubelet timing', () => {
  it('CrashLoopBackOff: restarts at once, then after 10 s, then 20 s', async () => {
    node.runtime.script = (c) => (c.labels['io.kubernetes.pod.name'] === 'loop' ? { exitCode: 1 } : {});
    await pods().create(pod('loop', {}));
    await waitForPod(cluster, 'loop', (p) => {
      const s = p.status?.containerStatuses?.[0];
      expect(s?.restartCount).toBe(1);
      expect(s?.state?.waiting?.message).toMatch(/^back-off 10s /);
    });
    const starts = () => node.runtime.calls.filter((c) => c === 'start app').length;
    const before = starts();
    await advance(9_000);
    expect(starts()).toBe(before);
    await advance(1_000);
    await waitForPod(cluster, 'loop', (p) => {
      const s = p.status?.containerStatuses?.[0];
      expect(s?.restartCount).toBe(2);
      expect(s?.state?.waiting?.message).toMatch(/^back-off 20s /);
    });
    expect(starts()).toBe(before + 1);
    await advance(19_000);
    expect(starts()).toBe(before + 1);
    await advance(1_000);
    await waitForPod(cluster, 'loop', (p) => expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(3));
    await pods().delete('loop', { namespace: 'default', gracePeriodSeconds: 0 });
  });

  it('a failing liveness probe restarts the container, with Unhealthy and Killing events', async () => {
    node.runtime.script = () => ({});
    probeResults.set('live', 0);
    await pods().create(
      pod('live', { containers: [{ name: 'app', image: 'busybox:1.36', livenessProbe: probe('live') }] }),
    );
    const p = await waitForPod(cluster, 'live', (p) => expect(p.status?.phase).toBe('Running'));
    const first = node.runtime.latest('app', p.metadata!.uid)!;
    await advance(3_000);
    expect(first.state).toBe('running');
    probeResults.set('live', 1);
    await advance(3_000);
    await waitForPod(cluster, 'live', (p) => {
      const s = p.status!.containerStatuses![0]!;
      expect(s.restartCount).toBe(1);
      expect(s.state?.running).toBeDefined();
      expect(s.lastState?.terminated).toMatchObject({ exitCode: 143, reason: 'Error' });
    });
    const list = await vi.waitFor(async () => {
      const list = await events(cluster, 'live');
      expectEvent(list, 'Killing: Container app failed liveness probe, will be restarted');
      return list;
    });
    expectEvent(list, 'Unhealthy: Liveness probe failed: exit 1');
    // Both name the container, so `kubectl get events -o wide` shows it as SUBOBJECT.
    const probed = await cluster.client.resource(resources.events).list({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=live,involvedObject.fieldPath=spec.containers{app}',
    });
    expect(probed.items.map((e) => e.reason)).toEqual(expect.arrayContaining(['Unhealthy', 'Killing']));
    probeResults.set('live', 0);
  });

  it('a readiness probe flips Ready (and ContainersReady) without restarting', async () => {
    probeResults.set('ready', 1);
    await pods().create(
      pod('ready', {
        containers: [
          { name: 'app', image: 'busybox:1.36', readinessProbe: probe('ready', { failureThreshold: 1 }) },
        ],
      }),
    );
    let p = await waitForPod(cluster, 'ready', (p) => expect(p.status?.phase).toBe('Running'));
    expect(condition(p, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });
    probeResults.set('ready', 0);
    await advance(2_000);
    p = await waitForPod(cluster, 'ready', (p) => expect(condition(p, 'Ready')?.status).toBe('True'));
    expect(condition(p, 'ContainersReady')?.status).toBe('True');
    expect(p.status?.containerStatuses?.[0]?.ready).toBe(true);
    probeResults.set('ready', 1);
    await advance(2_000);
    p = await waitForPod(cluster, 'ready', (p) => expect(condition(p, 'Ready')?.status).toBe('False'));
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it('a startup probe holds liveness and readiness back until it succeeds', async () => {
    probeResults.set('boot', 1);
    await pods().create(
      pod('slow', {
        containers: [
          {
            name: 'app',
            image: 'busybox:1.36',
            startupProbe: probe('boot', { failureThreshold: 30 }),
            livenessProbe: probe('alive'),
            readinessProbe: probe('serve', { failureThreshold: 1 }),
          },
        ],
      }),
    );
    let p = await waitForPod(cluster, 'slow', (p) => expect(p.status?.phase).toBe('Running'));
    await advance(5_000);
    p = await pods().get('slow', 'default');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ started: false, ready: false });
    expect(node.runtime.calls.some((c) => c === 'exec app check alive' || c === 'exec app check serve')).toBe(
      false,
    );
    probeResults.set('boot', 0);
    await advance(3_000);
    p = await waitForPod(cluster, 'slow', (p) =>
      expect(p.status?.containerStatuses?.[0]).toMatchObject({ started: true, ready: true }),
    );
    expect(node.runtime.calls).toContain('exec app check alive');
  });
});
