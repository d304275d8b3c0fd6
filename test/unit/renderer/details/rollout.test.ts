import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import {
  planUndo,
  restartPatch,
  RESTARTED_AT,
  UndoError,
} from '../../../../src-renderer/components/actions/rollout.js';

const template = (image: string, hash?: string) => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'app', image }] },
});

const rs = (
  name: string,
  revision: string | undefined,
  image: string,
  annotations: Record<string, string> = {},
): ReplicaSet => ({
  metadata: {
    name,
    annotations: { ...(revision ? { 'deployment.kubernetes.io/revision': revision } : {}), ...annotations },
  },
  spec: { selector: { matchLabels: { app: 'web' } }, template: template(image, name.split('-')[1]) },
});

const deployment = (image: string, extra: Partial<Deployment['spec']> = {}): Deployment => ({
  metadata: {
    name: 'web',
    annotations: {
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
      team: 'blue',
    },
  },
  spec: { selector: { matchLabels: { app: 'web' } }, template: template(image), ...extra },
});

describe('rollout undo (kubectl rollout undo)', () => {
  const history = [
    rs('web-111', '1', 'nginx:1.25', { 'kubernetes.io/change-cause': 'first' }),
    rs('web-333', '3', 'nginx:1.27'),
    rs('web-222', '2', 'nginx:1.26', {
      'kubernetes.io/change-cause': 'second',
      'deployment.kubernetes.io/desired-replicas': '9',
    }),
  ];

  it('patches the template back to the second-newest revision, without its hash label', () => {
    const plan = planUndo(deployment('nginx:1.27'), history);
    expect(plan.action).toBe('patch');
    if (plan.action !== 'patch') return;
    expect(plan.replicaSet).toBe('web-222');
    expect(plan.revision).toBe(2);
    expect(plan.patch[0]).toEqual({
      op: 'replace',
      path: '/spec/template',
      value: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] },
      },
    });
  });

  it('takes the ReplicaSet’s annotations but keeps the Deployment’s revision bookkeeping', () => {
    const plan = planUndo(deployment('nginx:1.27'), history);
    if (plan.action !== 'patch') throw new Error('expected a patch');
    // As kubectl: the Deployment's own other annotations ('team') are replaced too.
    expect(plan.patch[1]).toEqual({
      op: 'replace',
      path: '/metadata/annotations',
      value: {
        'deployment.kubernetes.io/revision': '3',
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
        'kubernetes.io/change-cause': 'second',
      },
    });
  });

  it('skips when the template already matches the previous revision (hash ignored)', () => {
    const plan = planUndo(deployment('nginx:1.26'), history);
    expect(plan).toEqual({
      action: 'skip',
      message: 'skipped rollback (current template already matches revision 2, replicaset web-222)',
    });
  });

  it('refuses without history and for a paused Deployment', () => {
    expect(() => planUndo(deployment('nginx:1.27'), [history[1]!])).toThrow(
      new UndoError('no rollout history found for deployment "web"'),
    );
    expect(() => planUndo(deployment('nginx:1.27', { paused: true }), history)).toThrow(/paused/);
  });

  it('counts a ReplicaSet without a revision as revision 0, and ignores unparsable ones', () => {
    const plan = planUndo(deployment('nginx:1.27'), [
      rs('web-000', undefined, 'nginx:1.0'),
      rs('web-333', '3', 'nginx:1.27'),
      rs('web-bad', 'x', 'bad'),
    ]);
    expect(plan.action === 'patch' && plan.replicaSet).toBe('web-000');
  });
});

describe('rollout restart', () => {
  it('stamps restartedAt on the pod template, in RFC 3339 as kubectl does', () => {
    expect(restartPatch(new Date('2025-03-04T05:06:07.890Z'))).toEqual({
      spec: { template: { metadata: { annotations: { [RESTARTED_AT]: '2025-03-04T05:06:07Z' } } } },
    });
  });
});
