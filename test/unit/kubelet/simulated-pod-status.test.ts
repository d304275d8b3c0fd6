import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../embedded-cluster/client/index.js';
import {
  podConditions,
  restartBackoffMs,
  simulatedPodStatus,
  simulationPlan,
  terminated,
} from '../../../embedded-cluster/kubelet/simulated-pod-status.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function pod(spec: Partial<CoreV1.PodSpec> = {}, annotations: Record<string, string> = {}): CoreV1.Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', annotations },
    spec: {
      containers: [
        { name: 'a', image: 'nginx' },
        { name: 'b', image: 'busybox' },
      ],
      ...spec,
    },
    status: {
      phase: 'Pending',
      qosClass: 'BestEffort',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-12-31T23:59:59Z' }],
    },
  };
}

const placement = { hostIP: '192.168.1.2', podIP: '10.244.0.7' };

describe('simulationPlan', () => {
  it('runs containers forever under Always, and for 1 s by default under Never/OnFailure', () => {
    expect(simulationPlan(pod(), 1000)).toEqual({ runMs: undefined, exitCode: 0, readyAfterMs: 0 });
    expect(simulationPlan(pod({ restartPolicy: 'Never' }), 1000).runMs).toBe(1000);
    expect(simulationPlan(pod({ restartPolicy: 'OnFailure' }), 1000).runMs).toBe(1000);
  });

  it('reads the annotations: run time, exit code, readiness', () => {
    const plan = simulationPlan(
      pod(
        {},
        {
          'simulation.kubedesk.dev/exit-code': '3',
          'simulation.kubedesk.dev/ready-after-seconds': '2.5',
        },
      ),
      1000,
    );
    // A failing exit code under Always: the container exits (after the default run) and is restarted.
    expect(plan).toEqual({ runMs: 1000, exitCode: 3, readyAfterMs: 2500 });
    expect(simulationPlan(pod({}, { 'simulation.kubedesk.dev/run-seconds': '0.2' }), 1000).runMs).toBe(200);
    expect(simulationPlan(pod({}, { 'simulation.kubedesk.dev/ready': 'false' }), 1000).readyAfterMs).toBe(
      undefined,
    );
  });
});

describe('restartBackoffMs', () => {
  it('restarts at once the first time, then waits 10 s doubling up to 5 min', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(restartBackoffMs)).toEqual([
      0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000,
    ]);
  });
});

describe('simulatedPodStatus', () => {
  it('reports running containers with the conditions a kubelet writes, keeping the rest', () => {
    const status = simulatedPodStatus(
      pod({ initContainers: [{ name: 'init', image: 'busybox' }] }),
      { kind: 'running', startedAt: T0, ready: true, restartCount: 0 },
      placement,
      T0,
    );
    expect(status.phase).toBe('Running');
    expect(status.qosClass).toBe('BestEffort');
    expect(status.startTime).toBe('2026-01-01T00:00:00Z');
    expect(status.podIPs).toEqual([{ ip: '10.244.0.7' }]);
    expect(status.hostIPs).toEqual([{ ip: '192.168.1.2' }]);
    expect(status.conditions?.map((c) => c.type)).toEqual([
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ]);
    // The scheduler's condition is left as it was.
    expect(status.conditions?.[4]?.lastTransitionTime).toBe('2025-12-31T23:59:59Z');
    expect(status.initContainerStatuses?.[0]).toMatchObject({
      name: 'init',
      ready: true,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(status.containerStatuses?.map((s) => [s.name, s.ready, s.state?.running?.startedAt])).toEqual([
      ['a', true, '2026-01-01T00:00:00Z'],
      ['b', true, '2026-01-01T00:00:00Z'],
    ]);
  });

  it('reports a container backing off after a crash: waiting CrashLoopBackOff, last state terminated', () => {
    const last = terminated(2, '2026-01-01T00:00:00Z', T0 + 1000);
    const status = simulatedPodStatus(
      pod({ restartPolicy: 'OnFailure' }),
      { kind: 'backoff', restartCount: 1, last, delayMs: 10_000 },
      placement,
      T0 + 1000,
    );
    expect(status.phase).toBe('Running');
    const a = status.containerStatuses![0]!;
    expect(a.restartCount).toBe(1);
    expect(a.state?.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: 'back-off 10s restarting failed container=a pod=p_ns(u1)',
    });
    expect(a.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [a b]',
    });
  });

  it('finishes a pod: Succeeded when every container exited 0, Failed otherwise', () => {
    const running = {
      ...pod({ restartPolicy: 'Never' }),
      status: simulatedPodStatus(
        pod({ restartPolicy: 'Never' }),
        { kind: 'running', startedAt: T0, ready: true, restartCount: 0 },
        placement,
        T0,
      ),
    };
    const done = simulatedPodStatus(
      running,
      { kind: 'terminated', exitCode: 0, at: T0 + 5000, restartCount: 0 },
      placement,
      T0 + 5000,
    );
    expect(done.phase).toBe('Succeeded');
    expect(done.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:05Z',
    });
    const failed = simulatedPodStatus(
      running,
      { kind: 'terminated', exitCode: 143, at: T0 + 5000, restartCount: 0 },
      placement,
      T0 + 5000,
    );
    expect(failed.phase).toBe('Failed');
    expect(failed.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 143,
      reason: 'Error',
    });
    expect(failed.conditions?.find((c) => c.type === 'ContainersReady')).toMatchObject({
      status: 'False',
      reason: 'PodFailed',
    });
  });
});

describe('podConditions', () => {
  it('keeps lastTransitionTime of conditions whose status did not change', () => {
    const before = {
      ...pod(),
      status: {
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' },
          { type: 'Ready', status: 'False', lastTransitionTime: '2025-01-01T00:00:00Z' },
        ],
      },
    };
    const statuses = [{ name: 'a', ready: true, restartCount: 0, image: '', imageID: '' }];
    const conditions = podConditions(before, 'Running', statuses, T0);
    expect(conditions.find((c) => c.type === 'Initialized')?.lastTransitionTime).toBe('2025-01-01T00:00:00Z');
    expect(conditions.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
  });
});
