import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  conditionTaints,
  matchingTolerations,
  minTolerationMs,
  reconcileNoScheduleTaints,
  swapTaints,
  tolerates,
} from '../../../../embedded-cluster/controllers/node-lifecycle/taints.js';

const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };

describe('condition taints', () => {
  it('maps Ready False/Unknown, pressure conditions and cordoning to NoSchedule taints', () => {
    const node: CoreV1.Node = {
      spec: { unschedulable: true },
      status: {
        conditions: [
          { type: 'Ready', status: 'Unknown' },
          { type: 'DiskPressure', status: 'True' },
          { type: 'MemoryPressure', status: 'False' },
        ],
      },
    };
    expect(conditionTaints(node).map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(conditionTaints({ status: { conditions: [{ type: 'Ready', status: 'False' }] } })[0]?.key).toBe(
      'node.kubernetes.io/not-ready',
    );
  });

  it('adds wanted taints with timeAdded, removes only its own, and reports no change as undefined', () => {
    const user = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const stale = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
    const result = reconcileNoScheduleTaints(
      [user, stale],
      [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }],
      'T',
    );
    expect(result).toEqual([
      user,
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: 'T' },
    ]);
    expect(reconcileNoScheduleTaints([user], [], 'T')).toBeUndefined();
  });

  it('swaps the unreachable and not-ready NoExecute taints', () => {
    const notReady = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
    expect(swapTaints([notReady], [unreachable], [notReady], 'T')).toEqual([
      { ...unreachable, timeAdded: 'T' },
    ]);
    expect(
      swapTaints([{ ...unreachable, timeAdded: 'old' }], [unreachable], [notReady], 'T'),
    ).toBeUndefined();
  });
});

describe('tolerations', () => {
  it('match by key, operator, value and effect', () => {
    expect(tolerates({ operator: 'Exists' }, unreachable)).toBe(true);
    expect(
      tolerates(
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' },
        unreachable,
      ),
    ).toBe(false);
    expect(tolerates({ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' })).toBe(true);
    expect(tolerates({ key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoExecute' })).toBe(false);
  });

  it('say how long a pod may stay: the least tolerationSeconds, forever, or not at all', () => {
    const taints = [unreachable, { key: 'x', effect: 'NoExecute' }];
    const tolerations = [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      { key: 'x', operator: 'Exists', tolerationSeconds: 30 },
    ];
    const { allTolerated, used } = matchingTolerations(taints, tolerations);
    expect(allTolerated).toBe(true);
    expect(minTolerationMs(used)).toBe(30_000);
    expect(matchingTolerations(taints, tolerations.slice(0, 1)).allTolerated).toBe(false);
    expect(minTolerationMs([{ operator: 'Exists' }])).toBe(-1);
    expect(minTolerationMs([{ operator: 'Exists', tolerationSeconds: 0 }])).toBe(0);
  });
});
