import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import { podPhase, qosClass } from '../../../../embedded-cluster/kubelet/pods/pod-status.js';

const running: CoreV1.ContainerStatus = {
  name: 'a',
  image: '',
  imageID: '',
  ready: true,
  restartCount: 0,
  state: { running: {} },
};
const exited = (exitCode: number): CoreV1.ContainerStatus => ({
  ...running,
  state: { terminated: { exitCode } },
});
const backingOff: CoreV1.ContainerStatus = {
  ...running,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 1 } },
};
const creating: CoreV1.ContainerStatus = { ...running, state: { waiting: { reason: 'ContainerCreating' } } };
const pod = (restartPolicy: string): CoreV1.Pod => ({ spec: { restartPolicy, containers: [] } });

describe('pod phase (kubelet getPhase)', () => {
  it.each([
    ['Always', [creating], 'Pending'],
    ['Always', [running], 'Running'],
    ['Always', [backingOff], 'Running'],
    ['Always', [exited(0)], 'Running'],
    ['Never', [exited(0)], 'Succeeded'],
    ['Never', [exited(1)], 'Failed'],
    ['Never', [exited(0), running], 'Running'],
    ['OnFailure', [exited(0)], 'Succeeded'],
    ['OnFailure', [exited(1)], 'Running'],
  ] as const)('restartPolicy %s with %j → %s', (policy, app, phase) => {
    expect(podPhase(pod(policy), [], [...app], false)).toBe(phase);
  });

  it('is Pending while init containers run, Failed when one fails under Never', () => {
    expect(podPhase(pod('Always'), [running], [creating], false)).toBe('Pending');
    expect(podPhase(pod('Always'), [backingOff], [creating], false)).toBe('Pending');
    expect(podPhase(pod('Never'), [exited(1)], [creating], false)).toBe('Failed');
  });

  it('makes a deleted pod Succeeded only if every container exited 0', () => {
    expect(podPhase(pod('Always'), [], [exited(0)], true)).toBe('Succeeded');
    expect(podPhase(pod('Always'), [], [exited(143)], true)).toBe('Failed');
  });
});

describe('pod phase with sidecars (init containers with restartPolicy Always)', () => {
  const withSidecar = (restartPolicy: string): CoreV1.Pod => ({
    spec: {
      restartPolicy,
      initContainers: [{ name: 'a', restartPolicy: 'Always' }],
      containers: [{ name: 'main' }],
    },
  });
  const main = (status: CoreV1.ContainerStatus) => ({ ...status, name: 'main' });
  const started = { ...running, started: true };
  const notStarted = { ...running, started: false };

  it('is Pending until the sidecar has started, then follows the app containers', () => {
    expect(podPhase(withSidecar('Always'), [creating], [main(creating)], false)).toBe('Pending');
    expect(podPhase(withSidecar('Always'), [notStarted], [main(creating)], false)).toBe('Pending');
    expect(podPhase(withSidecar('Always'), [started], [main(running)], false)).toBe('Running');
  });

  it('stays Running while a sidecar runs beside finished app containers, then ignores its exit code', () => {
    expect(podPhase(withSidecar('Never'), [started], [main(exited(0))], false)).toBe('Running');
    expect(podPhase(withSidecar('Never'), [exited(143)], [main(exited(0))], false)).toBe('Succeeded');
    expect(podPhase(withSidecar('Never'), [exited(0)], [main(exited(2))], false)).toBe('Failed');
  });

  it('never fails a pod for a crashing sidecar, even under Never', () => {
    expect(podPhase(withSidecar('Never'), [backingOff], [main(running)], false)).toBe('Running');
  });
});

describe('QoS class', () => {
  const withResources = (resources: CoreV1.ResourceRequirements): CoreV1.Pod => ({
    spec: { containers: [{ name: 'a', resources }] },
  });
  it.each([
    [{}, 'BestEffort'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ requests: { cpu: '100m' } }, 'Burstable'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }, 'Burstable'],
  ] as const)('%j → %s', (resources, qos) => {
    expect(qosClass(withResources(resources as CoreV1.ResourceRequirements))).toBe(qos);
  });
});
