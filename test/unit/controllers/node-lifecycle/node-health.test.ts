import { describe, expect, it } from 'vitest';
import type { CoordinationV1, CoreV1 } from '../../../../embedded-cluster/client/index.js';
import { checkNodeHealth } from '../../../../embedded-cluster/controllers/node-lifecycle/node-health.js';

const T0 = Date.UTC(2030, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const node = (heartbeat: number): CoreV1.Node => ({
  metadata: { name: 'n', creationTimestamp: iso(T0 - 3600_000) },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        lastHeartbeatTime: iso(heartbeat),
        lastTransitionTime: iso(T0),
      },
    ],
  },
});
const lease = (renew: number): CoordinationV1.Lease => ({
  metadata: { name: 'n', namespace: 'kube-node-lease' },
  spec: { renewTime: new Date(renew).toISOString() },
});

describe('node health', () => {
  it('counts the grace period from when the controller last saw a heartbeat change, on its own clock', () => {
    const first = checkNodeHealth(node(T0), undefined, lease(T0), T0);
    expect(first.expiresAt).toBe(T0 + 50_000);
    expect(first.newStatus).toBeUndefined();
    // The same lease 50 s later: still within the grace period (it must be exceeded).
    expect(checkNodeHealth(node(T0), first.health, lease(T0), T0 + 50_000).newStatus).toBeUndefined();
    // A renewed lease (whatever time it claims) restarts the count.
    const renewed = checkNodeHealth(node(T0), first.health, lease(T0 - 1), T0 + 40_000);
    expect(renewed.expiresAt).toBe(T0 + 50_000);
    const later = checkNodeHealth(node(T0), first.health, lease(T0 + 1), T0 + 40_000);
    expect(later.expiresAt).toBe(T0 + 90_000);
  });

  it('turns the kubelet conditions Unknown once the grace period has passed', () => {
    const first = checkNodeHealth(node(T0), undefined, lease(T0), T0);
    const check = checkNodeHealth(node(T0), first.health, lease(T0), T0 + 50_001);
    expect(check.observedReady.status).toBe('True');
    const conditions = check.newStatus?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastHeartbeatTime: iso(T0),
      lastTransitionTime: iso(T0 + 50_001),
    });
    expect(conditions.find((c) => c.type === 'DiskPressure')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusNeverUpdated',
      message: 'Kubelet never posted node status.',
    });
  });

  it('gives a node that never posted status the 60 s startup grace from its creation', () => {
    const fresh: CoreV1.Node = { metadata: { name: 'n', creationTimestamp: iso(T0) }, status: {} };
    expect(checkNodeHealth(fresh, undefined, undefined, T0 + 59_000).newStatus).toBeUndefined();
    const late = checkNodeHealth(fresh, undefined, undefined, T0 + 61_000);
    expect(late.newStatus?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe(
      'NodeStatusNeverUpdated',
    );
  });
});
