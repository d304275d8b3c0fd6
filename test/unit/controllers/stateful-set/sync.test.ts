import { describe, expect, it } from 'vitest';
import type { AppsV1, CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  templatePatch,
  type ControllerRevision,
} from '../../../../embedded-cluster/controllers/history/controller-history.js';
import type { StatefulPodControl } from '../../../../embedded-cluster/controllers/stateful-set/pod-control.js';
import {
  claimsFor,
  newStatefulSetPod,
  ordinalOf,
} from '../../../../embedded-cluster/controllers/stateful-set/pod-identity.js';
import { syncStatefulSet } from '../../../../embedded-cluster/controllers/stateful-set/sync.js';

const oldTemplate = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'v1' }] },
};
const newTemplate = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'v2' }] },
};
const current: ControllerRevision = {
  metadata: { name: 'web-old' },
  revision: 1,
  data: templatePatch(oldTemplate),
};
const update: ControllerRevision = {
  metadata: { name: 'web-new' },
  revision: 2,
  data: templatePatch(newTemplate),
};

function set(spec: Partial<AppsV1.StatefulSetSpec> = {}): AppsV1.StatefulSet {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'u1', generation: 2 },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: newTemplate,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      ...spec,
    },
  };
}

function pod(ordinal: number, revision: string, ready = true): CoreV1.Pod {
  const p = newStatefulSetPod(set(), set(), ordinal, revision);
  return {
    ...p,
    metadata: { ...p.metadata, uid: `pod-${ordinal}` },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

/** A fake pod control that records what the sync asked for, as sample-controller's tests do. */
function fakeControl() {
  const actions: string[] = [];
  const control = {
    createPod: async (_s: unknown, p: CoreV1.Pod) =>
      void actions.push(`create ${p.metadata?.name} ${p.metadata?.labels?.['controller-revision-hash']}`),
    deletePod: async (_s: unknown, p: CoreV1.Pod) => void actions.push(`delete ${p.metadata?.name}`),
    relabelPod: async (_s: unknown, p: CoreV1.Pod) => void actions.push(`relabel ${p.metadata?.name}`),
    handOverClaims: async () => {},
    createClaims: async () => {},
  };
  return { actions, control: control as unknown as StatefulPodControl };
}

async function sync(s: AppsV1.StatefulSet, pods: CoreV1.Pod[]) {
  const { actions, control } = fakeControl();
  const result = await syncStatefulSet({ set: s, pods, current, update, now: 0 }, control);
  return { actions, status: result.status };
}

describe('one pass of the StatefulSet algorithm', () => {
  it('creates the lowest missing ordinal and waits for it with OrderedReady', async () => {
    expect((await sync(set(), [])).actions).toEqual(['create web-0 web-new']);
    expect((await sync(set(), [pod(0, 'web-new', false)])).actions).toEqual([]);
    expect((await sync(set(), [pod(0, 'web-new')])).actions).toEqual(['create web-1 web-new']);
  });

  it('creates every missing ordinal at once with Parallel', async () => {
    const { actions } = await sync(set({ podManagementPolicy: 'Parallel' }), []);
    expect(actions).toEqual(['create web-0 web-new', 'create web-1 web-new', 'create web-2 web-new']);
  });

  it('scales down from the highest ordinal, one at a time', async () => {
    const pods = [0, 1, 2].map((n) => pod(n, 'web-new'));
    expect((await sync(set({ replicas: 1 }), pods)).actions).toEqual(['delete web-2']);
  });

  it('updates from the highest ordinal down to the partition, and recreates below it at the old revision', async () => {
    const pods = [0, 1, 2].map((n) => pod(n, 'web-old'));
    const partitioned = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    expect((await sync(partitioned, pods)).actions).toEqual(['delete web-2']);
    const after = [pod(0, 'web-old'), pod(1, 'web-old'), pod(2, 'web-new')];
    const { actions, status } = await sync(partitioned, after);
    expect(actions).toEqual([]);
    expect(status).toMatchObject({ currentReplicas: 2, updatedReplicas: 1, currentRevision: 'web-old' });
    expect((await sync(partitioned, [pod(1, 'web-old'), pod(2, 'web-new')])).actions).toEqual([
      'create web-0 web-old',
    ]);
  });

  it('leaves old pods alone with OnDelete, but recreates deleted ones at the update revision', async () => {
    const onDelete = set({ updateStrategy: { type: 'OnDelete' } });
    expect((await sync(onDelete, [pod(0, 'web-old'), pod(1, 'web-old'), pod(2, 'web-old')])).actions).toEqual(
      [],
    );
    expect((await sync(onDelete, [pod(1, 'web-old'), pod(2, 'web-old')])).actions).toEqual([
      'create web-0 web-new',
    ]);
  });

  it('makes the update revision current once every pod runs it and is ready', async () => {
    const { status } = await sync(
      set(),
      [0, 1, 2].map((n) => pod(n, 'web-new')),
    );
    expect(status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      currentRevision: 'web-new',
    });
  });
});

describe('stable identity', () => {
  it('names pods and claims by ordinal', () => {
    const p = newStatefulSetPod(set(), set(), 4, 'web-new');
    expect(p.metadata?.name).toBe('web-4');
    expect(p.spec?.hostname).toBe('web-4');
    expect(p.spec?.subdomain).toBe('web');
    expect(ordinalOf(set(), p)).toBe(4);
    expect(ordinalOf(set(), { metadata: { name: 'web-04' } })).toBe(-1);
    expect(ordinalOf(set(), { metadata: { name: 'webx-1' } })).toBe(-1);
    const withClaims = set({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }] });
    expect(claimsFor(withClaims, 4).map((c) => c.metadata?.name)).toEqual(['data-web-4']);
    expect(claimsFor(withClaims, 4)[0]?.metadata?.labels).toEqual({ app: 'web' });
    expect(newStatefulSetPod(withClaims, withClaims, 4, 'r').spec?.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-4' } },
    ]);
    const deleting = set({
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    });
    expect(claimsFor(deleting, 0)[0]?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'StatefulSet',
      uid: 'u1',
    });
  });
});
