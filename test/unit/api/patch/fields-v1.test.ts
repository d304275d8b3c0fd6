import { describe, expect, it } from 'vitest';
import {
  FieldSet,
  fromFieldsV1,
  pathString,
  toFieldsV1,
} from '../../../../embedded-cluster/api/patch/index.js';

// managedFields of `kubectl create deployment nginx --image=nginx --port=80` as a real cluster
// shows them (kubectl get deploy -o yaml --show-managed-fields), manager kubectl-create.
const kubectlCreate = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:progressDeadlineSeconds': {},
    'f:replicas': {},
    'f:revisionHistoryLimit': {},
    'f:selector': {},
    'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
    'f:template': {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"nginx"}': {
            '.': {},
            'f:image': {},
            'f:imagePullPolicy': {},
            'f:name': {},
            'f:ports': {
              '.': {},
              'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} },
            },
            'f:resources': {},
            'f:terminationMessagePath': {},
            'f:terminationMessagePolicy': {},
          },
        },
        'f:dnsPolicy': {},
        'f:restartPolicy': {},
        'f:schedulerName': {},
        'f:securityContext': {},
        'f:terminationGracePeriodSeconds': {},
      },
    },
  },
};

describe('FieldsV1', () => {
  it('round-trips a real managedFields entry, keys in structured-merge-diff order', () => {
    const set = fromFieldsV1(kubectlCreate);
    const back = toFieldsV1(set);
    expect(back).toEqual(kubectlCreate);
    expect(JSON.stringify(back)).toBe(JSON.stringify(kubectlCreate));
  });

  it('reads "." as membership of the element itself, and empty objects as leaves', () => {
    const set = fromFieldsV1(kubectlCreate);
    const paths = set.paths().map(pathString);
    expect(paths).toContain('.metadata.labels');
    expect(paths).toContain('.metadata.labels.app');
    expect(paths).toContain('.spec.template.spec.containers[name="nginx"]');
    expect(paths).toContain(
      '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]',
    );
    expect(paths).not.toContain('.spec');
    expect(paths).not.toContain('.spec.strategy');
  });

  it('writes fields before keyed items, values and indexes, each group sorted', () => {
    const set = FieldSet.of(
      [{ kind: 'index', index: 1 }],
      [{ kind: 'value', value: 'b' }],
      [{ kind: 'value', value: 'a' }],
      [{ kind: 'key', fields: [['name', 'x']] }],
      [{ kind: 'field', name: 'z' }],
      [
        { kind: 'field', name: 'a' },
        { kind: 'field', name: 'b' },
      ],
    );
    expect(Object.keys(toFieldsV1(set))).toEqual(['f:a', 'f:z', 'k:{"name":"x"}', 'v:"a"', 'v:"b"', 'i:1']);
  });

  it('rejects keys it cannot read', () => {
    expect(() => fromFieldsV1({ 'x:y': {} })).toThrow(/unknown path element prefix/);
    expect(() => fromFieldsV1({ 'k:{oops': {} })).toThrow(/invalid JSON/);
    expect(() => fromFieldsV1({ 'f:a': 1 })).toThrow(/expected an object/);
  });
});
