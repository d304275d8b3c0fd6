import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import { podsToDelete } from '../../../../embedded-cluster/controllers/replicas/pods-to-delete.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(now - s * 1000).toISOString();

function pod(
  name: string,
  opts: {
    node?: string;
    phase?: string;
    ready?: boolean;
    readyFor?: number;
    age?: number;
    restarts?: number;
    cost?: string;
  } = {},
): CoreV1.Pod {
  return {
    metadata: {
      name,
      uid: name,
      creationTimestamp: ago(opts.age ?? 3600),
      ...(opts.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': opts.cost } } : {}),
    },
    spec: { containers: [], ...(opts.node === '' ? {} : { nodeName: opts.node ?? 'n1' }) },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: opts.ready === false ? 'False' : 'True',
          lastTransitionTime: ago(opts.readyFor ?? 3600),
        },
      ],
      containerStatuses: [
        { name: 'c', image: 'x', imageID: '', ready: true, restartCount: opts.restarts ?? 0 },
      ],
    },
  };
}

const names = (pods: CoreV1.Pod[]) => pods.map((p) => p.metadata?.name);

describe('which pods a ReplicaSet deletes first', () => {
  it('prefers unscheduled, then pending, then not-ready pods', () => {
    const pods = [
      pod('running'),
      pod('notready', { ready: false }),
      pod('pending', { phase: 'Pending', ready: false }),
      pod('unscheduled', { node: '', phase: 'Pending', ready: false }),
    ];
    expect(names(podsToDelete(pods, [], 3, now))).toEqual(['unscheduled', 'pending', 'notready']);
  });

  it('then lower deletion cost, more restarts, and the most recently ready', () => {
    expect(names(podsToDelete([pod('a', { cost: '10' }), pod('b', { cost: '-5' })], [], 1, now))).toEqual([
      'b',
    ]);
    expect(names(podsToDelete([pod('a'), pod('b', { restarts: 3 })], [], 1, now))).toEqual(['b']);
    expect(
      names(podsToDelete([pod('old', { readyFor: 10_000 }), pod('new', { readyFor: 5 })], [], 1, now)),
    ).toEqual(['new']);
  });

  it('prefers pods doubled up on a node with their siblings', () => {
    const pods = [pod('alone', { node: 'n1' }), pod('crowded', { node: 'n2' })];
    const related = [...pods, pod('sibling', { node: 'n2' })];
    expect(names(podsToDelete(pods, related, 1, now))).toEqual(['crowded']);
  });
});
