import { describe, expect, it } from 'vitest';
import type { CoreV1, DiscoveryV1 } from '../../../../embedded-cluster/client/index.js';
import {
  planSlices,
  type SlicePlan,
} from '../../../../embedded-cluster/controllers/endpoints/slice-planner.js';
import { TriggerTimeTracker } from '../../../../embedded-cluster/controllers/endpoints/trigger-time.js';
import { WriteTracker } from '../../../../embedded-cluster/controllers/endpoints/stale-cache.js';

const SERVICE: CoreV1.Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { app: 'web' } },
  spec: {
    clusterIP: '10.96.0.10',
    ipFamilies: ['IPv4'],
    selector: { app: 'web' },
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  },
};

function pod(i: number, options: { ready?: boolean; deleting?: boolean } = {}): CoreV1.Pod {
  const ip = `10.244.${i >> 8}.${i & 255}`;
  return {
    metadata: {
      name: `web-${i}`,
      namespace: 'ns',
      uid: `uid-${i}`,
      resourceVersion: '1',
      ...(options.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
    spec: { nodeName: 'node', containers: [{ name: 'c' }] },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [
        {
          type: 'Ready',
          status: options.ready === false ? 'False' : 'True',
          lastTransitionTime: '2024-01-01T00:00:00Z',
        },
      ],
    },
  };
}

const pods = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => pod(from + i));

/** Apply a plan as the API server would, naming new slices. */
let counter = 0;
function apply(existing: DiscoveryV1.EndpointSlice[], plan: SlicePlan): DiscoveryV1.EndpointSlice[] {
  const gone = new Set([...plan.delete, ...plan.update].map((s) => s.metadata?.name));
  return [
    ...existing.filter((s) => !gone.has(s.metadata?.name)),
    ...plan.update,
    ...plan.create.map((s) => ({
      ...s,
      metadata: { ...s.metadata, name: `web-${++counter}`, resourceVersion: '1' },
    })),
  ];
}

describe('planSlices', () => {
  it('makes one slice with every endpoint, labelled and owned by the service', () => {
    const plan = planSlices(SERVICE, pods(0, 3), []);
    expect(plan.update).toEqual([]);
    expect(plan.delete).toEqual([]);
    expect(plan.create).toHaveLength(1);
    const [slice] = plan.create;
    expect(slice!.metadata).toMatchObject({
      generateName: 'web-',
      namespace: 'ns',
      labels: {
        app: 'web',
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: 'web',
          uid: 'svc-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(slice!.addressType).toBe('IPv4');
    expect(slice!.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }]);
    expect(slice!.endpoints[0]).toEqual({
      addresses: ['10.244.0.0'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node',
      targetRef: { kind: 'Pod', namespace: 'ns', name: 'web-0', uid: 'uid-0' },
    });
  });

  it('marks terminating and un-ready pods in their conditions', () => {
    const [slice] = planSlices(SERVICE, [pod(1, { ready: false }), pod(2, { deleting: true })], []).create;
    expect(slice!.endpoints.map((e) => e.conditions)).toEqual([
      { ready: false, serving: false, terminating: false },
      { ready: false, serving: true, terminating: true },
    ]);
  });

  it('puts at most 100 endpoints in a slice', () => {
    const plan = planSlices(SERVICE, pods(0, 250), []);
    expect(plan.create.map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
  });

  it('writes nothing when nothing changed, and only the slice that did otherwise', () => {
    let slices = apply([], planSlices(SERVICE, pods(0, 150), []));
    expect(planSlices(SERVICE, pods(0, 150), slices)).toEqual({ create: [], update: [], delete: [] });

    const changed = pods(0, 150);
    changed[120] = pod(120, { ready: false });
    const plan = planSlices(SERVICE, changed, slices);
    expect(plan.create).toEqual([]);
    expect(plan.delete).toEqual([]);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]!.endpoints.find((e) => e.targetRef?.name === 'web-120')?.conditions?.ready).toBe(
      false,
    );
    slices = apply(slices, plan);
    expect(planSlices(SERVICE, changed, slices).update).toEqual([]);
  });

  it('fills a slice being rewritten before making new ones, and keeps a placeholder when empty', () => {
    let slices = apply([], planSlices(SERVICE, pods(0, 100), []));
    // One pod goes, one comes: the rewritten slice takes the newcomer.
    const next = [...pods(1, 100), pod(500)];
    const plan = planSlices(SERVICE, next, slices);
    expect(plan.create).toEqual([]);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]!.endpoints).toHaveLength(100);
    slices = apply(slices, plan);

    // Everything goes: the slice is rewritten as the empty placeholder rather than deleted and recreated.
    const empty = planSlices(SERVICE, [], slices);
    expect(empty.create).toEqual([]);
    expect(empty.delete).toEqual([]);
    expect(empty.update).toHaveLength(1);
    expect(empty.update[0]!.endpoints).toEqual([]);
    expect(empty.update[0]!.ports).toEqual([]);
    slices = apply(slices, empty);
    expect(planSlices(SERVICE, [], slices)).toEqual({ create: [], update: [], delete: [] });
  });

  it('deletes slices owned by another service of the same name, and slices of a dropped address type', () => {
    const foreign = {
      ...planSlices(SERVICE, pods(0, 1), []).create[0]!,
      metadata: {
        name: 'web-old',
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'old-uid' }],
      },
    };
    const ipv6 = {
      ...planSlices(SERVICE, pods(0, 1), []).create[0]!,
      addressType: 'IPv6',
      metadata: { name: 'web-v6' },
    };
    const plan = planSlices(SERVICE, pods(0, 1), [foreign, ipv6]);
    expect(plan.delete.map((s) => s.metadata?.name).sort()).toEqual(['web-old', 'web-v6']);
    expect(plan.create).toHaveLength(1);
  });

  it('updates a slice whose labels no longer match the service', () => {
    const slices = apply([], planSlices(SERVICE, pods(0, 2), []));
    const relabelled = {
      ...SERVICE,
      metadata: { ...SERVICE.metadata, labels: { app: 'web', tier: 'front' } },
    };
    const plan = planSlices(relabelled, pods(0, 2), slices);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]!.metadata?.labels?.tier).toBe('front');
  });
});

describe('TriggerTimeTracker', () => {
  it('reports the service creation first, then only changes it has not seen', () => {
    const tracker = new TriggerTimeTracker();
    const service = {
      ...SERVICE,
      metadata: { ...SERVICE.metadata, creationTimestamp: '2024-01-01T00:00:00Z' },
    };
    expect(tracker.compute('ns/web', service, [pod(1)])).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(tracker.compute('ns/web', service, [pod(1)])).toBeUndefined();
    const later = pod(1);
    later.status!.conditions![0]!.lastTransitionTime = '2024-01-01T00:05:00Z';
    expect(tracker.compute('ns/web', service, [later])).toBe(Date.parse('2024-01-01T00:05:00Z'));
  });
});

describe('WriteTracker', () => {
  it('says the cache is behind until it shows our writes and deletes', () => {
    const tracker = new WriteTracker();
    const cache = new Map<string, { metadata: { resourceVersion: string } }>();
    tracker.wrote('ns/web', 'ns/web-1', { metadata: { resourceVersion: '7' } });
    expect(tracker.isBehind('ns/web', (k) => cache.get(k))).toBe(true);
    cache.set('ns/web-1', { metadata: { resourceVersion: '6' } });
    expect(tracker.isBehind('ns/web', (k) => cache.get(k))).toBe(true);
    expect(tracker.isOwnEcho('ns/web', 'ns/web-1', { metadata: { resourceVersion: '7' } })).toBe(true);
    cache.set('ns/web-1', { metadata: { resourceVersion: '7' } });
    expect(tracker.isBehind('ns/web', (k) => cache.get(k))).toBe(false);

    tracker.deleted('ns/web', 'ns/web-1');
    expect(tracker.isBehind('ns/web', (k) => cache.get(k))).toBe(true);
    cache.delete('ns/web-1');
    expect(tracker.isBehind('ns/web', (k) => cache.get(k))).toBe(false);
  });
});
