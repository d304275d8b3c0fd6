import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  eventCount,
  eventSource,
  filterEvents,
  lastSeen,
  sortEvents,
  type KubeEvent,
} from '../../../../src-renderer/components/events/events.js';
import { parseHealth } from '../../../../src-renderer/components/overview/health.js';
import { nodeCapacities, podsByPhase } from '../../../../src-renderer/components/overview/capacity.js';
import { age, humanDuration } from '../../../../src-renderer/components/details/relative-time.js';

const event = (name: string, fields: Partial<KubeEvent>): KubeEvent => ({
  metadata: { name, namespace: 'default', uid: name },
  involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' },
  ...fields,
});

describe('events', () => {
  const events = [
    event('old', {
      type: 'Normal',
      reason: 'Scheduled',
      lastTimestamp: '2025-01-01T00:00:00Z',
      message: 'assigned',
    }),
    event('new', {
      type: 'Warning',
      reason: 'BackOff',
      eventTime: '2025-01-01T00:05:00.000000Z',
      series: { count: 7, lastObservedTime: '2025-01-01T00:10:00.000000Z' },
      reportingComponent: 'kubelet',
      reportingInstance: 'kubedesk',
      message: 'Back-off restarting failed container',
    }),
    event('mid', {
      type: 'Normal',
      reason: 'Pulled',
      firstTimestamp: '2025-01-01T00:01:00Z',
      count: 3,
      source: { component: 'kubelet', host: 'n1' },
    }),
  ];

  it('orders newest first by the newest time an event carries', () => {
    expect(sortEvents(events).map((e) => e.metadata.name)).toEqual(['new', 'mid', 'old']);
    expect(lastSeen(events[1]!)).toBe(Date.parse('2025-01-01T00:10:00Z'));
  });

  it('counts series and reads either source shape', () => {
    expect(eventCount(events[1]!)).toBe(7);
    expect(eventCount(events[2]!)).toBe(3);
    expect(eventCount(events[0]!)).toBe(1);
    expect(eventSource(events[1]!)).toBe('kubelet, kubedesk');
    expect(eventSource(events[2]!)).toBe('kubelet, n1');
  });

  it('filters by words and by warnings only', () => {
    expect(filterEvents(events, { warningsOnly: true }).map((e) => e.metadata.name)).toEqual(['new']);
    expect(filterEvents(events, { text: 'pod/web-1 back-off' }).map((e) => e.metadata.name)).toEqual(['new']);
    expect(filterEvents(events, { text: 'kubelet' })).toHaveLength(2);
    expect(filterEvents(events, { text: '' })).toHaveLength(3);
  });
});

describe('health endpoints', () => {
  it('reads kube-apiserver’s verbose lines', () => {
    const report = parseHealth(
      '[+]ping ok\n[+]etcd ok\n[-]poststarthook/x failed: reason withheld\nreadyz check failed\n',
    );
    expect(report.passed).toBe(false);
    expect(report.checks).toEqual([
      { name: 'ping', ok: true, detail: 'ok' },
      { name: 'etcd', ok: true, detail: 'ok' },
      { name: 'poststarthook/x', ok: false, detail: 'failed: reason withheld' },
    ]);
    expect(parseHealth('[+]ping ok\nlivez check passed\n').passed).toBe(true);
    expect(parseHealth('ok').passed).toBe(true);
  });
});

describe('overview numbers', () => {
  const node: Node = {
    metadata: { name: 'n1' },
    status: {
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
  const pods: Pod[] = [
    { spec: { nodeName: 'n1', containers: [] }, status: { phase: 'Running' } },
    { spec: { nodeName: 'n1', containers: [] }, status: { phase: 'Succeeded' } },
    { spec: { containers: [] }, status: { phase: 'Pending' } },
    { spec: { nodeName: 'n1', containers: [] }, status: { phase: 'Failed' } },
    { spec: { nodeName: 'n1', containers: [] } },
  ];

  it('joins allocatable, metrics usage and the pods on each node', () => {
    const [with_] = nodeCapacities([node], pods, [
      { metadata: { name: 'n1' }, usage: { cpu: '500m', memory: '1Gi' } },
    ]);
    expect(with_).toMatchObject({
      name: 'n1',
      ready: true,
      cpu: { total: 4, used: 0.5 },
      memory: { total: 8 * 2 ** 30, used: 2 ** 30 },
      pods: { total: 110, used: 2 },
    });
    const [without] = nodeCapacities([node], pods, undefined);
    expect(without!.cpu.used).toBeUndefined();
  });

  it('counts pods by phase', () => {
    expect(podsByPhase(pods)).toEqual({ Running: 1, Pending: 1, Succeeded: 1, Failed: 1, Unknown: 1 });
  });

  it('prints ages as kubectl does', () => {
    expect(humanDuration(45_000)).toBe('45s');
    expect(humanDuration(5.5 * 60_000)).toBe('5m30s');
    expect(humanDuration(30 * 60_000)).toBe('30m');
    expect(humanDuration(26 * 3600_000)).toBe('26h');
    expect(humanDuration(3 * 86400_000 + 2 * 3600_000)).toBe('3d2h');
    expect(age('2025-01-01T00:00:00Z', Date.parse('2025-01-01T00:01:00Z'))).toBe('60s');
    expect(age(undefined, 0)).toBe('');
  });
});
