import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import { calculateStatus } from '../../../../embedded-cluster/controllers/replicas/replica-status.js';
import { ControllerExpectations } from '../../../../embedded-cluster/controllers/replicas/expectations.js';
import { ManualClock } from '../../../../embedded-cluster/util/clock.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const readyPod = (labels: Record<string, string>, readySecondsAgo: number): CoreV1.Pod => ({
  metadata: { labels },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        lastTransitionTime: new Date(now - readySecondsAgo * 1000).toISOString(),
      },
    ],
  },
});

describe('ReplicaSet status', () => {
  const rs = {
    spec: {
      replicas: 3,
      minReadySeconds: 10,
      template: { metadata: { labels: { app: 'web', tier: 'front' } } },
    },
  };

  it('counts fully labelled, ready and available (ready for minReadySeconds) pods', () => {
    const pods = [
      readyPod({ app: 'web', tier: 'front' }, 60),
      readyPod({ app: 'web' }, 5),
      { metadata: { labels: { app: 'web', tier: 'front' } } },
    ];
    expect(calculateStatus(rs, pods, undefined, now)).toMatchObject({
      replicas: 3,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 1,
    });
  });

  it('sets ReplicaFailure on a failed create and clears it on success', () => {
    const failed = calculateStatus(rs, [], new Error('pods "web-" is forbidden: exceeded quota'), now);
    expect(failed.conditions).toEqual([
      expect.objectContaining({
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: 'pods "web-" is forbidden: exceeded quota',
      }),
    ]);
    expect(calculateStatus({ ...rs, status: failed }, [], undefined, now).conditions).toBeUndefined();
  });
});

describe('ControllerExpectations', () => {
  it('holds a controller back until its creates and deletes are observed, or expire', () => {
    const clock = new ManualClock(0);
    const expectations = new ControllerExpectations(clock, 1000);
    expect(expectations.satisfied('ns/rs')).toBe(true);
    expectations.expectCreations('ns/rs', 2);
    expectations.creationObserved('ns/rs');
    expect(expectations.satisfied('ns/rs')).toBe(false);
    expectations.creationObserved('ns/rs');
    expect(expectations.satisfied('ns/rs')).toBe(true);

    expectations.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    expectations.deletionObserved('ns/rs', 'ns/a');
    expectations.deletionObserved('ns/rs', 'ns/a'); // counted once
    expect(expectations.satisfied('ns/rs')).toBe(false);
    clock.advance(1001);
    expect(expectations.satisfied('ns/rs')).toBe(true);
  });
});
