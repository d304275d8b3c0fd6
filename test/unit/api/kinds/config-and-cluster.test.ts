import { describe, expect, it } from 'vitest';
import { strategyFor } from '../../../../embedded-cluster/api/kinds/index.js';
import { DecodeError } from '../../../../embedded-cluster/api/validation/index.js';
import { create, update } from './helpers.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('ConfigMaps', () => {
  const cm = (extra: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg' },
    ...extra,
  });

  it('need valid keys and at most 1 MiB', () => {
    expect(create('', cm({ data: { 'bad key': 'x' } })).problems).toEqual([
      `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ]);
    expect(create('', cm({ data: { big: 'x'.repeat(1024 * 1024 + 1) } })).problems).toEqual([
      ': Too long: must have at most 1048576 bytes',
    ]);
    expect(create('', cm({ data: { a: '1' }, binaryData: { a: b64('1') } })).problems).toEqual([
      'data[a]: Invalid value: "a": duplicate of key present in binaryData',
    ]);
  });

  it('freeze their data when immutable', () => {
    const old = create('', cm({ data: { a: '1' }, immutable: true })).obj;
    expect(update('', cm({ data: { a: '2' } }), old).problems).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});

describe('Secrets', () => {
  const secret = (extra: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    ...extra,
  });

  it('default to Opaque and fold stringData into data', () => {
    const { obj, problems } = create('', secret({ stringData: { user: 'admin' } }));
    expect(problems).toEqual([]);
    expect(obj).toMatchObject({ type: 'Opaque', data: { user: b64('admin') } });
    expect(obj.stringData).toBeUndefined();
  });

  it('check the data their type needs', () => {
    expect(create('', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('x') } })).problems).toEqual(
      ['data[tls.key]: Required value'],
    );
  });

  it('keep their type', () => {
    const old = create('', secret({ data: { a: b64('1') } })).obj;
    expect(
      update('', secret({ type: 'kubernetes.io/basic-auth', data: { username: b64('u') } }), old).problems,
    ).toEqual(['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
  });

  it('cannot be decoded with malformed base64', () => {
    expect(() =>
      strategyFor('', 'Secret').default?.(secret({ data: { a: 'not base64!' } }) as never),
    ).toThrow(DecodeError);
  });
});

describe('Namespaces', () => {
  it('get their name label, the kubernetes finalizer and the Active phase', () => {
    const { obj, problems } = create(
      '',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'custom-namespace' } },
      false,
    );
    expect(problems).toEqual([]);
    expect(obj.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'custom-namespace' });
    expect(obj.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(obj.status).toEqual({ phase: 'Active' });
  });

  it('need DNS-label names', () => {
    expect(
      create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }, false).problems,
    ).toEqual(['metadata.name: Invalid value: "a.b": must not contain dots']);
  });
});

describe('PersistentVolumes and claims', () => {
  it('default reclaim policy, volume mode and phase', () => {
    const { obj, problems } = create(
      '',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'pv' },
        spec: {
          capacity: { storage: '1024Mi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: '/tmp/x' },
        },
      },
      false,
    );
    expect(problems).toEqual([]);
    expect(obj.spec).toMatchObject({
      persistentVolumeReclaimPolicy: 'Retain',
      volumeMode: 'Filesystem',
      capacity: { storage: '1Gi' },
      hostPath: { type: '' },
    });
    expect(obj.status).toMatchObject({ phase: 'Pending' });
  });

  it('need access modes, a storage request and one volume source', () => {
    expect(
      create('', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: {} })
        .problems,
    ).toEqual([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
    expect(
      create(
        '',
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: 'pv' },
          spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
        },
        false,
      ).problems,
    ).toEqual(['spec: Required value: must specify a volume type']);
  });
});

describe('Ingresses and NetworkPolicies', () => {
  const ingress = (spec: Record<string, unknown>) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'i' },
    spec,
  });

  it('need a path type and a backend port', () => {
    expect(
      create(
        'networking.k8s.io',
        ingress({
          rules: [
            {
              host: 'kubia.example.com',
              http: { paths: [{ path: '/', backend: { service: { name: 'kubia' } } }] },
            },
          ],
        }),
      ).problems,
    ).toEqual(['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']);
    expect(
      create(
        'networking.k8s.io',
        ingress({
          rules: [
            { http: { paths: [{ path: 'x', pathType: 'Prefix', backend: { service: { name: 'kubia' } } }] } },
          ],
        }),
      ).problems,
    ).toEqual([
      'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path',
      'spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
    ]);
    expect(create('networking.k8s.io', ingress({})).problems).toEqual([
      'spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified',
    ]);
  });

  it('default a network policy to Ingress, plus Egress with egress rules', () => {
    const np = (spec: Record<string, unknown>) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'n' },
      spec,
    });
    expect(create('networking.k8s.io', np({ podSelector: null })).obj.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    const egress = create('networking.k8s.io', np({ podSelector: {}, egress: [{ ports: [{ port: 5432 }] }] }))
      .obj.spec;
    expect(egress).toEqual({
      podSelector: {},
      egress: [{ ports: [{ port: 5432, protocol: 'TCP' }] }],
      policyTypes: ['Ingress', 'Egress'],
    });
  });
});

describe('RBAC', () => {
  it('checks rules and bindings', () => {
    expect(
      create('rbac.authorization.k8s.io', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'r' },
        rules: [{ resources: ['pods'] }],
      }).problems,
    ).toEqual([
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    ]);
    const binding = create('rbac.authorization.k8s.io', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b' },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'ServiceAccount', name: 'default' },
      ],
    });
    expect(binding.problems).toEqual([]);
    expect(binding.obj).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io' }, { apiGroup: '' }],
    });
  });
});

describe('cluster and policy kinds', () => {
  it('default StorageClasses, PriorityClasses and HPAs', () => {
    expect(
      create(
        'storage.k8s.io',
        {
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: { name: 'fast' },
          provisioner: 'k8s.io/minikube-hostpath',
        },
        false,
      ).obj,
    ).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    expect(
      create(
        'scheduling.k8s.io',
        { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'hi' }, value: 10 },
        false,
      ).obj,
    ).toMatchObject({ preemptionPolicy: 'PreemptLowerPriority' });
    const hpa = create('autoscaling', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
    });
    expect(hpa.problems).toEqual([]);
    expect(hpa.obj.spec).toMatchObject({
      minReplicas: 1,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    });
  });

  it('check LimitRanges', () => {
    expect(
      create('', {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'l' },
        spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] },
      }).problems[0],
    ).toMatch(
      /^spec.limits\[0\].min\[cpu\]: Invalid value: resource.Quantity\{.*\}: min value 2 is greater than max value 1$/,
    );
  });

  it('fall back to name and metadata checks for other kinds', () => {
    expect(
      create('example.com', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'Bad' } })
        .problems[0],
    ).toMatch(/^metadata.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain/);
  });
});
