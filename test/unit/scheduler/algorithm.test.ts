import { describe, expect, it } from 'vitest';
import { schedulePod } from '../../../embedded-cluster/scheduler/algorithm.js';
import { podInfoOf } from '../../../embedded-cluster/scheduler/node-info.js';
import { SchedulerCache } from '../../../embedded-cluster/scheduler/scheduler-cache.js';
import type { CoreV1 } from '../../../embedded-cluster/client/index.js';
import { node, pod, requesting } from './fixtures.js';

const nsLabels = () => undefined;

describe('schedulePod', () => {
  it('says so when there are no nodes', () => {
    expect(schedulePod(podInfoOf(pod()), [], nsLabels)).toMatchObject({
      message: 'no nodes available to schedule pods',
    });
  });

  it('picks the only feasible node and explains the others', () => {
    const nodes = [node('a', { unschedulable: true }), node('b'), node('c', { labels: { x: 'y' } })];
    expect(schedulePod(podInfoOf(pod()), nodes, nsLabels).nodeName).toBeDefined();
    const result = schedulePod(podInfoOf(pod({ nodeSelector: { x: 'y' } })), nodes, nsLabels);
    expect(result.nodeName).toBe('c');
  });

  it('never overcommits a node when decisions are assumed one after another', () => {
    const cache = new SchedulerCache();
    const big: CoreV1.Node = node('big', { allocatable: { cpu: '1', memory: '1Gi', pods: '100' } }).node!;
    cache.setNode(big);
    const placed: string[] = [];
    for (let i = 0; i < 15; i++) {
      const info = podInfoOf(requesting({ cpu: '100m' }, {}));
      const result = schedulePod(info, cache.nodeInfos(), nsLabels);
      if (result.nodeName !== undefined) {
        cache.assume(info, result.nodeName);
        placed.push(info.key);
      } else {
        expect(result.message).toBe(
          '0/1 nodes are available: 1 Insufficient cpu. ' +
            'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
        );
      }
    }
    expect(placed).toHaveLength(10);
    // A failed binding gives the room back.
    expect(cache.forget(placed[0]!)).toBe(true);
    expect(schedulePod(podInfoOf(requesting({ cpu: '100m' })), cache.nodeInfos(), nsLabels).nodeName).toBe(
      'big',
    );
  });

  it('breaks ties at random among the best nodes', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const seen = new Set<string>();
    for (const r of [0.0, 0.4, 0.9]) {
      seen.add(schedulePod(podInfoOf(pod()), nodes, nsLabels, () => r).nodeName!);
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});
