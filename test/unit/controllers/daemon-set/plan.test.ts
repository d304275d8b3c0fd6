import { describe, expect, it } from 'vitest';
import type { AppsV1, CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  computeStatus,
  planSync,
  scaled,
  type NodeState,
} from '../../../../embedded-cluster/controllers/daemon-set/plan.js';

const run = { shouldRun: true, shouldContinueRunning: true };
const skip = { shouldRun: false, shouldContinueRunning: false };

function pod(
  name: string,
  hash: string,
  options: { ready?: boolean; phase?: string; created?: string } = {},
): CoreV1.Pod {
  return {
    metadata: {
      name,
      labels: { 'controller-revision-hash': hash },
      creationTimestamp: options.created ?? '2024-01-01T00:00:00Z',
    },
    status: {
      phase: options.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

function ds(
  strategy: AppsV1.DaemonSetUpdateStrategy = {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
  },
): AppsV1.DaemonSet {
  return {
    metadata: { name: 'd', generation: 1 },
    spec: { selector: {}, template: {}, updateStrategy: strategy },
  };
}

const plan = (nodes: NodeState[], set = ds()) => planSync({ ds: set, nodes, hash: 'new', now: 0 });
const deleted = (p: ReturnType<typeof plan>) => p.delete.map((d) => d.pod.metadata?.name).sort();

describe('planning a DaemonSet sync', () => {
  it('creates a pod on each eligible node lacking one and removes pods from ineligible nodes', () => {
    const result = plan([
      { name: 'a', fit: run, pods: [] },
      { name: 'b', fit: run, pods: [pod('b1', 'new')] },
      { name: 'c', fit: skip, pods: [pod('c1', 'new')] },
    ]);
    expect(result.create).toEqual(['a']);
    expect(deleted(result)).toEqual(['c1']);
  });

  it('deletes failed pods (with the node for the warning) and duplicates, keeping the oldest', () => {
    const result = plan([
      { name: 'a', fit: run, pods: [pod('a1', 'new', { phase: 'Failed' })] },
      {
        name: 'b',
        fit: run,
        pods: [pod('b2', 'new', { created: '2024-01-02T00:00:00Z' }), pod('b1', 'new')],
      },
    ]);
    expect(result.delete.find((d) => d.pod.metadata?.name === 'a1')?.failedOn).toBe('a');
    expect(deleted(result)).toEqual(['a1', 'b2']);
    expect(result.create).toEqual([]);
  });

  it('rolls with maxUnavailable: old pods go no faster than the budget allows', () => {
    const nodes = ['a', 'b', 'c'].map((n) => ({ name: n, fit: run, pods: [pod(`${n}1`, 'old')] }));
    expect(deleted(plan(nodes))).toHaveLength(1);
    const two = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } });
    expect(deleted(plan(nodes, two))).toHaveLength(2);
    // One node is already being replaced: the budget is spent.
    const busy = [{ name: 'a', fit: run, pods: [pod('a2', 'new', { ready: false })] }, ...nodes.slice(1)];
    expect(deleted(plan(busy))).toEqual([]);
    // An old pod that is not available anyway is replaced at once.
    const broken = [{ name: 'a', fit: run, pods: [pod('a1', 'old', { ready: false })] }, ...nodes.slice(1)];
    expect(deleted(plan(broken))).toEqual(['a1']);
  });

  it('rolls with maxSurge: a new pod starts beside the old, which goes once the new is available', () => {
    const surge = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const nodes = ['a', 'b'].map((n) => ({ name: n, fit: run, pods: [pod(`${n}1`, 'old')] }));
    const first = plan(nodes, surge);
    expect(first.create).toEqual(['a']);
    expect(first.delete).toEqual([]);
    const later = plan(
      [{ name: 'a', fit: run, pods: [pod('a1', 'old'), pod('a2', 'new')] }, nodes[1]!],
      surge,
    );
    expect(deleted(later)).toEqual(['a1']);
  });

  it('leaves old pods alone with OnDelete', () => {
    const nodes = [{ name: 'a', fit: run, pods: [pod('a1', 'old')] }];
    expect(plan(nodes, ds({ type: 'OnDelete' })).delete).toEqual([]);
  });

  it('scales percentages up', () => {
    expect(scaled('25%', 3)).toBe(1);
    expect(scaled('50%', 3)).toBe(2);
    expect(scaled(2, 3)).toBe(2);
  });

  it('counts status as Kubernetes does', () => {
    const status = computeStatus({
      ds: ds(),
      hash: 'new',
      now: 0,
      nodes: [
        { name: 'a', fit: run, pods: [pod('a1', 'new')] },
        { name: 'b', fit: run, pods: [pod('b1', 'old', { ready: false })] },
        { name: 'c', fit: run, pods: [] },
        { name: 'd', fit: skip, pods: [pod('d1', 'new')] },
      ],
    });
    expect(status).toEqual({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 2,
      numberReady: 1,
      numberAvailable: 1,
      numberUnavailable: 2,
      updatedNumberScheduled: 1,
      numberMisscheduled: 1,
    });
  });
});
