import { describe, expect, it } from 'vitest';
import { strategyFor } from '../../../../embedded-cluster/api/kinds/index.js';
import { container, create, update } from './helpers.js';

const template = (labels: Record<string, string> = { app: 'web' }, spec: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { containers: [container()], ...spec },
});
const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec,
});

describe('Deployments', () => {
  it('get replicas, strategy, history and deadline defaults, and generation 1', () => {
    const { obj, problems } = create(
      'apps',
      deployment({ selector: { matchLabels: { app: 'web' } }, template: template() }),
    );
    expect(problems).toEqual([]);
    expect(obj.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(obj.metadata.generation).toBe(1);
    expect(obj.status).toEqual({});
  });

  it('must select their template', () => {
    expect(
      create('apps', deployment({ selector: { matchLabels: { app: 'other' } }, template: template() }))
        .problems,
    ).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
    expect(create('apps', deployment({ template: template() })).problems).toEqual([
      'spec.selector: Required value',
    ]);
    expect(create('apps', deployment({ selector: {}, template: template() })).problems).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });

  it('run pods that always restart', () => {
    expect(
      create(
        'apps',
        deployment({
          selector: { matchLabels: { app: 'web' } },
          template: template(undefined, { restartPolicy: 'Never' }),
        }),
      ).problems,
    ).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
  });

  it('check replicas and the rolling update', () => {
    expect(
      create(
        'apps',
        deployment({
          replicas: -1,
          selector: { matchLabels: { app: 'web' } },
          template: template(),
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } },
        }),
      ).problems,
    ).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]);
  });

  it('keep their selector, and bump the generation on spec changes only', () => {
    const old = create(
      'apps',
      deployment({ selector: { matchLabels: { app: 'web' } }, template: template() }),
    ).obj;
    old.metadata.resourceVersion = '1';
    const moved = update(
      'apps',
      deployment({
        selector: { matchLabels: { app: 'web', v: '2' } },
        template: template({ app: 'web', v: '2' }),
      }),
      old,
    );
    expect(moved.problems).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    const scaled = update(
      'apps',
      deployment({ replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template() }),
      old,
    );
    expect(scaled.problems).toEqual([]);
    expect(scaled.obj.metadata.generation).toBe(2);
    const same = update(
      'apps',
      {
        ...deployment({ selector: { matchLabels: { app: 'web' } }, template: template() }),
        metadata: { name: 'web', labels: { x: 'y' } },
      },
      old,
    );
    expect(same.obj.metadata.generation).toBe(1);
  });
});

describe('ReplicationControllers', () => {
  it('take their selector and labels from the template', () => {
    const { obj, problems } = create('', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'rc' },
      spec: { template: template() },
    });
    expect(problems).toEqual([]);
    expect(obj.spec).toMatchObject({ replicas: 1, selector: { app: 'web' } });
    expect(obj.metadata.labels).toEqual({ app: 'web' });
  });

  it('forbid a deadline on their pods', () => {
    expect(
      create('', {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        metadata: { name: 'rc' },
        spec: { template: template(undefined, { activeDeadlineSeconds: 5 }) },
      }).problems,
    ).toEqual([
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported',
    ]);
  });
});

describe('StatefulSets', () => {
  const sts = (spec: Record<string, unknown>, name = 'db') => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec,
  });
  const claim = {
    metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } },
  };

  it('default their policies and claim templates', () => {
    const { obj } = create(
      'apps',
      sts({
        serviceName: 'db',
        selector: { matchLabels: { app: 'web' } },
        template: template(),
        volumeClaimTemplates: [claim],
      }),
    );
    expect(obj.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      replicas: 1,
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          spec: { volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ],
    });
  });

  it('need DNS-label names', () => {
    expect(
      create('apps', sts({ selector: { matchLabels: { app: 'web' } }, template: template() }, 'db.one'))
        .problems,
    ).toEqual(['metadata.name: Invalid value: "db.one": must not contain dots']);
  });

  it('allow only some spec fields to change', () => {
    const old = create(
      'apps',
      sts({ serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template: template() }),
    ).obj;
    expect(
      update(
        'apps',
        sts({ serviceName: 'other', selector: { matchLabels: { app: 'web' } }, template: template() }),
        old,
      ).problems,
    ).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('DaemonSets', () => {
  it('roll out one pod at a time by default', () => {
    const { obj, problems } = create('apps', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
    });
    expect(problems).toEqual([]);
    expect(obj.spec).toMatchObject({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
  });
});

describe('generation and status', () => {
  it('are declared per kind as the registry strategies have them', () => {
    expect(strategyFor('apps', 'Deployment')).toMatchObject({ hasGeneration: true, hasStatus: true });
    expect(strategyFor('', 'Pod')).toMatchObject({ hasGeneration: false, hasStatus: true });
    expect(strategyFor('', 'ConfigMap')).toMatchObject({ hasGeneration: false, hasStatus: false });
    expect(strategyFor('networking.k8s.io', 'NetworkPolicy')).toMatchObject({
      hasGeneration: true,
      hasStatus: false,
    });
    expect(strategyFor('', 'PodTemplate')).toMatchObject({ hasGeneration: true });
  });
});
