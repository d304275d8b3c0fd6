import { describe, expect, it } from 'vitest';
import type { AppsV1 } from '../../../../embedded-cluster/client/index.js';
import {
  CHANGE_CAUSE,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  REVISION,
  REVISION_HISTORY,
  setNewReplicaSetAnnotations,
} from '../../../../embedded-cluster/controllers/deployment/annotations.js';

const deployment: AppsV1.Deployment = {
  metadata: {
    name: 'web',
    annotations: {
      [CHANGE_CAUSE]: 'kubectl set image',
      [REVISION]: '7',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    },
  },
  spec: { replicas: 4, selector: {}, template: {} },
};

describe('the new ReplicaSet annotations', () => {
  it('copy the change cause (not controller annotations) and set revision and replica counts on a new ReplicaSet', () => {
    const rs: AppsV1.ReplicaSet = { metadata: { name: 'web-x' } };
    expect(setNewReplicaSetAnnotations(deployment, rs, 3, false)).toBe(true);
    expect(rs.metadata?.annotations).toEqual({
      [CHANGE_CAUSE]: 'kubectl set image',
      [REVISION]: '3',
      [DESIRED_REPLICAS]: '4',
      [MAX_REPLICAS]: '5',
    });
  });

  it('keep the replaced revision in revision-history on a rollback', () => {
    const rs: AppsV1.ReplicaSet = { metadata: { name: 'web-x', annotations: { [REVISION]: '1' } } };
    setNewReplicaSetAnnotations(deployment, rs, 3, true);
    expect(rs.metadata?.annotations?.[REVISION]).toBe('3');
    expect(rs.metadata?.annotations?.[REVISION_HISTORY]).toBe('1');
    setNewReplicaSetAnnotations(deployment, rs, 5, true);
    expect(rs.metadata?.annotations?.[REVISION_HISTORY]).toBe('1,3');
    expect(setNewReplicaSetAnnotations(deployment, rs, 5, true)).toBe(false);
  });
});
