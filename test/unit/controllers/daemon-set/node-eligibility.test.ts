import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  matchesNodeAffinity,
  nodeShouldRunDaemonPod,
  pinToNode,
  tolerates,
  withDaemonTolerations,
} from '../../../../embedded-cluster/controllers/daemon-set/node-eligibility.js';

function node(name: string, labels: Record<string, string> = {}, taints: CoreV1.Taint[] = []): CoreV1.Node {
  return { metadata: { name, labels }, spec: { taints } };
}

function ds(spec: Partial<CoreV1.PodSpec> = {}) {
  return { spec: { template: { spec: { containers: [{ name: 'c' }], ...spec } } } };
}

describe('which nodes a daemon pod belongs on', () => {
  it('runs everywhere by default', () => {
    expect(nodeShouldRunDaemonPod(ds(), node('a'))).toEqual({ shouldRun: true, shouldContinueRunning: true });
  });

  it('follows the node selector and required node affinity', () => {
    expect(nodeShouldRunDaemonPod(ds({ nodeSelector: { disk: 'ssd' } }), node('a')).shouldRun).toBe(false);
    expect(
      nodeShouldRunDaemonPod(ds({ nodeSelector: { disk: 'ssd' } }), node('a', { disk: 'ssd' })).shouldRun,
    ).toBe(true);
    const affinity: CoreV1.Affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] },
            { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] },
          ],
        },
      },
    };
    expect(matchesNodeAffinity({ containers: [], affinity }, node('n', { zone: 'b' }))).toBe(true);
    expect(matchesNodeAffinity({ containers: [], affinity }, node('n', { cores: '16' }))).toBe(true);
    expect(matchesNodeAffinity({ containers: [], affinity }, node('n', { zone: 'c', cores: '4' }))).toBe(
      false,
    );
  });

  it('does not start where a NoSchedule taint is not tolerated, but lets a running pod stay', () => {
    const tainted = node('a', {}, [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }]);
    expect(nodeShouldRunDaemonPod(ds(), tainted)).toEqual({ shouldRun: false, shouldContinueRunning: true });
    const tolerated = ds({
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
    });
    expect(nodeShouldRunDaemonPod(tolerated, tainted).shouldRun).toBe(true);
    const evicting = node('a', {}, [{ key: 'dedicated', effect: 'NoExecute' }]);
    expect(nodeShouldRunDaemonPod(ds(), evicting)).toEqual({
      shouldRun: false,
      shouldContinueRunning: false,
    });
  });

  it('tolerates the node-condition taints every daemon pod tolerates', () => {
    const sick = node('a', {}, [
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
    ]);
    expect(nodeShouldRunDaemonPod(ds(), sick).shouldRun).toBe(true);
    expect(withDaemonTolerations({ containers: [] })).toHaveLength(6);
    expect(withDaemonTolerations({ containers: [], hostNetwork: true })).toHaveLength(7);
  });

  it('matches tolerations to taints as the API defines', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(tolerates({ key: 'k', value: 'v' }, taint)).toBe(true);
    expect(tolerates({ key: 'k', value: 'w' }, taint)).toBe(false);
  });

  it('pins a pod to its node through required node affinity, keeping label terms', () => {
    const pinned = pinToNode(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
          },
        },
      },
      'n1',
    );
    expect(pinned.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
        matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }],
      },
    ]);
  });
});
