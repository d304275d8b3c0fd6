import { describe, expect, it } from 'vitest';
import { podInfoOf } from '../../../embedded-cluster/scheduler/node-info.js';
import {
  balancedAllocationScore,
  defaultNormalize,
  interPodAffinityScores,
  intolerableTaintCount,
  leastAllocatedScore,
  minMaxNormalize,
  nodeAffinityScore,
} from '../../../embedded-cluster/scheduler/scores.js';
import { node, place, pod, requesting } from './fixtures.js';

describe('scores', () => {
  it('NodeAffinity sums the weights of matching preferred terms', () => {
    const p = pod({
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
            },
            { weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
          ],
        },
      },
    });
    expect(nodeAffinityScore(p, node('n', { labels: { zone: 'a', disk: 'ssd' } }).node)).toBe(15);
    expect(nodeAffinityScore(p, node('n', { labels: { zone: 'b' } }).node)).toBe(0);
    expect(defaultNormalize([15, 5, 0], false)).toEqual([100, 33, 0]);
  });

  it('TaintToleration counts untolerated PreferNoSchedule taints; fewer is better', () => {
    const n = node('n', {
      taints: [
        { key: 'a', effect: 'PreferNoSchedule' },
        { key: 'b', effect: 'PreferNoSchedule' },
      ],
    });
    expect(intolerableTaintCount(pod(), n.node)).toBe(2);
    expect(
      intolerableTaintCount(
        pod({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] }),
        n.node,
      ),
    ).toBe(1);
    expect(
      intolerableTaintCount(
        pod({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }] }),
        n.node,
      ),
    ).toBe(2);
    expect(defaultNormalize([2, 1, 0], true)).toEqual([0, 50, 100]);
    expect(defaultNormalize([0, 0], true)).toEqual([100, 100]);
  });

  it('LeastAllocated favours free room, counting 100m/200Mi for pods that ask nothing', () => {
    const empty = node('n');
    const busy = place(node('m'), requesting({ cpu: '2', memory: '4Gi' }));
    const p = podInfoOf(requesting({ cpu: '1', memory: '2Gi' }));
    expect(leastAllocatedScore(p, empty)).toBe(75);
    expect(leastAllocatedScore(p, busy)).toBe(25);
    // 100m of 4 CPUs and 200Mi of 8Gi: (97 + 97) / 2.
    expect(leastAllocatedScore(podInfoOf(pod()), empty)).toBe(97);
  });

  it('BalancedAllocation favours equal cpu and memory shares', () => {
    expect(balancedAllocationScore(podInfoOf(requesting({ cpu: '2', memory: '4Gi' })), node('n'))).toBe(100);
    expect(balancedAllocationScore(podInfoOf(requesting({ cpu: '4', memory: '0' })), node('n'))).toBe(50);
  });

  it('InterPodAffinity credits whole topology domains, both ways, then scales min–max', () => {
    const a1 = place(node('a1', { labels: { zone: 'a' } }), pod({}, { app: 'web' }));
    const a2 = node('a2', { labels: { zone: 'a' } });
    const b1 = node('b1', { labels: { zone: 'b' } });
    const nodes = [a1, a2, b1];
    const near = podInfoOf(
      pod({
        affinity: {
          podAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 50,
                podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'zone' },
              },
            ],
          },
        },
      }),
    );
    const context = { allNodes: nodes, nsLabels: () => undefined };
    expect(interPodAffinityScores(near, nodes, context)).toEqual([50, 50, 0]);
    expect(minMaxNormalize([50, 50, 0])).toEqual([100, 100, 0]);
    // Symmetry: a placed pod preferring to be away from `app=batch` pushes batch pods off its node.
    const shy = place(
      node('s', { labels: { zone: 'c' } }),
      pod({
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 30,
                podAffinityTerm: { labelSelector: { matchLabels: { app: 'batch' } }, topologyKey: 'zone' },
              },
            ],
          },
        },
      }),
    );
    const batch = podInfoOf(pod({}, { app: 'batch' }));
    expect(
      interPodAffinityScores(batch, [shy, b1], { allNodes: [shy, b1], nsLabels: () => undefined }),
    ).toEqual([-30, 0]);
  });
});
