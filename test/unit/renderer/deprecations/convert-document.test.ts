import { describe, expect, it } from 'vitest';
import { convertDocument, type Conversion } from '../../../../src-renderer/editor/deprecations/index.js';

type Converted = Extract<Conversion, { status: 'converted' }>;

function converted(object: unknown, serverVersion?: string): Converted {
  const result = convertDocument(object, serverVersion ? { serverVersion } : {});
  expect(result.status).toBe('converted');
  return result as Converted;
}

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};

describe('convertDocument: workloads', () => {
  it('adds spec.selector from the template labels, before the template', () => {
    const input = {
      apiVersion: 'apps/v1beta1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, template },
    };
    const result = converted(input);
    expect(result.to).toBe('apps/v1');
    expect(result.object).toEqual({
      ...input,
      apiVersion: 'apps/v1',
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
    });
    expect(Object.keys(result.object.spec as object)).toEqual(['replicas', 'selector', 'template']);
    expect(result.notes).toContain(
      'added spec.selector.matchLabels from the template labels (required in apps/v1)',
    );
    // The input is left alone.
    expect(input.apiVersion).toBe('apps/v1beta1');
    expect('selector' in input.spec).toBe(false);
  });

  it('keeps a selector that is there, and says when there is nothing to build one from', () => {
    const selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] };
    expect(
      converted({ apiVersion: 'apps/v1beta2', kind: 'ReplicaSet', spec: { selector, template } }).object.spec,
    ).toEqual({
      selector,
      template,
    });
    const bare = converted({
      apiVersion: 'extensions/v1beta1',
      kind: 'ReplicaSet',
      spec: { template: { spec: {} } },
    });
    expect(bare.object.spec).toEqual({ template: { spec: {} } });
    expect(bare.notes.join('\n')).toMatch(
      /spec\.selector is required in apps\/v1 and the template has no labels/,
    );
  });

  it('drops fields apps/v1 lacks and keeps the old rollout behaviour of extensions/v1beta1 Deployments', () => {
    const result = converted({
      apiVersion: 'extensions/v1beta1',
      kind: 'Deployment',
      spec: { rollbackTo: { revision: 2 }, strategy: { rollingUpdate: { maxSurge: 3 } }, template },
    });
    expect(result.object.spec).toEqual({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 1 } },
      selector: { matchLabels: { app: 'web' } },
      template,
    });
    expect(result.notes.join('\n')).toMatch(/removed spec\.rollbackTo/);
    expect(result.notes.join('\n')).toMatch(/progressDeadlineSeconds now defaults to 600/);
    // Recreate has nothing to default.
    const recreate = converted({
      apiVersion: 'extensions/v1beta1',
      kind: 'Deployment',
      spec: { strategy: { type: 'Recreate' }, template },
    });
    expect((recreate.object.spec as { strategy: unknown }).strategy).toEqual({ type: 'Recreate' });
  });

  it('keeps OnDelete where the old version defaulted to it', () => {
    const ds = converted({
      apiVersion: 'extensions/v1beta1',
      kind: 'DaemonSet',
      spec: { templateGeneration: 3, template },
    });
    expect(ds.object.spec).toEqual({
      selector: { matchLabels: { app: 'web' } },
      updateStrategy: { type: 'OnDelete' },
      template,
    });
    const sts = converted({
      apiVersion: 'apps/v1beta1',
      kind: 'StatefulSet',
      spec: { serviceName: 'web', template },
    });
    expect((sts.object.spec as { updateStrategy: unknown }).updateStrategy).toEqual({ type: 'OnDelete' });
    // apps/v1beta2 already defaulted to RollingUpdate: nothing to write out.
    const v1beta2 = converted({
      apiVersion: 'apps/v1beta2',
      kind: 'DaemonSet',
      spec: { selector: { matchLabels: { app: 'web' } }, template },
    });
    expect(v1beta2.object.spec).not.toHaveProperty('updateStrategy');
    expect(v1beta2.notes).toEqual([]);
  });
});

describe('convertDocument: Ingress', () => {
  it('renames backends, ports and adds pathType as networking.k8s.io/v1 requires', () => {
    const result = converted({
      apiVersion: 'networking.k8s.io/v1beta1',
      kind: 'Ingress',
      metadata: { name: 'web' },
      spec: {
        backend: { serviceName: 'default', servicePort: 'http' },
        rules: [
          {
            host: 'a.example.com',
            http: {
              paths: [
                { path: '/', backend: { serviceName: 'web', servicePort: 80 } },
                { path: '/api', pathType: 'Prefix', backend: { serviceName: 'api', servicePort: '8080' } },
                { backend: { resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'static' } } },
              ],
            },
          },
        ],
      },
    });
    expect(result.object).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web' },
      spec: {
        defaultBackend: { service: { name: 'default', port: { name: 'http' } } },
        rules: [
          {
            host: 'a.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'ImplementationSpecific',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
                {
                  path: '/api',
                  pathType: 'Prefix',
                  backend: { service: { name: 'api', port: { number: 8080 } } },
                },
                {
                  pathType: 'ImplementationSpecific',
                  backend: { resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'static' } },
                },
              ],
            },
          },
        ],
      },
    });
    expect(Object.keys((result.object.spec as { defaultBackend: object }).defaultBackend)).toEqual([
      'service',
    ]);
    expect(result.notes.join('\n')).toMatch(/servicePort "8080" is a number written as a string/);
    expect(result.notes.join('\n')).toMatch(/set pathType: ImplementationSpecific on 2 paths/);
  });
});

describe('convertDocument: other kinds', () => {
  it('changes only apiVersion where the shape is the same', () => {
    for (const [apiVersion, kind, to] of [
      ['batch/v1beta1', 'CronJob', 'batch/v1'],
      ['batch/v2alpha1', 'CronJob', 'batch/v1'],
      ['extensions/v1beta1', 'NetworkPolicy', 'networking.k8s.io/v1'],
      ['rbac.authorization.k8s.io/v1beta1', 'ClusterRole', 'rbac.authorization.k8s.io/v1'],
      ['scheduling.k8s.io/v1beta1', 'PriorityClass', 'scheduling.k8s.io/v1'],
      ['storage.k8s.io/v1beta1', 'StorageClass', 'storage.k8s.io/v1'],
      ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'autoscaling/v2'],
    ] as const) {
      const input = { apiVersion, kind, metadata: { name: 'x' }, spec: { a: 1 } };
      const result = converted(input);
      expect(result.object).toEqual({ ...input, apiVersion: to });
      expect(result.notes).toEqual([]);
    }
  });

  it('reports PodSecurityPolicy instead of converting it', () => {
    const result = convertDocument({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', spec: {} });
    expect(result).toEqual({
      status: 'unconvertible',
      from: 'policy/v1beta1',
      message: expect.stringMatching(/with no replacement: .*Pod Security Admission/),
    });
  });

  it('leaves current, custom and non-manifest values alone', () => {
    expect(convertDocument({ apiVersion: 'apps/v1', kind: 'Deployment' })).toEqual({ status: 'current' });
    expect(convertDocument({ apiVersion: 'servicecatalog.k8s.io/v1alpha1', kind: 'Broker' })).toEqual({
      status: 'current',
    });
    expect(convertDocument({ kind: 'Website' })).toEqual({ status: 'current' });
    expect(convertDocument('text')).toEqual({ status: 'current' });
    expect(convertDocument(null)).toEqual({ status: 'current' });
  });

  it('converts a v1beta1 CRD: versions, schema, subresources, printer columns, webhook conversion', () => {
    const schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
    };
    const result = converted({
      apiVersion: 'apiextensions.k8s.io/v1beta1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        versions: [
          { name: 'v1', served: true, storage: true },
          { name: 'v1alpha1', served: true, storage: false },
        ],
        names: { kind: 'Widget', plural: 'widgets' },
        validation: { openAPIV3Schema: schema },
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Size', type: 'integer', JSONPath: '.spec.size' }],
        preserveUnknownFields: false,
        conversion: { strategy: 'Webhook', webhookClientConfig: { url: 'https://example.com/convert' } },
      },
    });
    const version = (name: string) => ({
      name,
      served: true,
      storage: name === 'v1',
      schema: { openAPIV3Schema: schema },
      subresources: { status: {} },
      additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
    });
    expect(result.object.spec).toEqual({
      group: 'example.com',
      scope: 'Namespaced',
      versions: [version('v1'), version('v1alpha1')],
      names: { kind: 'Widget', plural: 'widgets' },
      conversion: {
        strategy: 'Webhook',
        webhook: {
          clientConfig: { url: 'https://example.com/convert' },
          conversionReviewVersions: ['v1beta1'],
        },
      },
    });
  });

  it('gives a schemaless CRD a schema that accepts anything, and says so', () => {
    const result = converted({
      apiVersion: 'apiextensions.k8s.io/v1beta1',
      kind: 'CustomResourceDefinition',
      spec: {
        scope: 'Cluster',
        group: 'example.com',
        version: 'v1',
        names: { kind: 'Widget', plural: 'widgets' },
      },
    });
    expect(result.object.spec).toEqual({
      scope: 'Cluster',
      group: 'example.com',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
      names: { kind: 'Widget', plural: 'widgets' },
    });
    expect(result.notes.join('\n')).toMatch(/write a real schema/);
    // A schema that did not opt into pruning keeps unknown fields, at the schema root.
    const kept = converted({
      apiVersion: 'apiextensions.k8s.io/v1beta1',
      kind: 'CustomResourceDefinition',
      spec: { version: 'v1', validation: { openAPIV3Schema: { properties: {} } } },
    });
    expect((kept.object.spec as { versions: { schema: unknown }[] }).versions[0]!.schema).toEqual({
      openAPIV3Schema: { properties: {}, type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    });
  });

  it('rewrites autoscaling/v2beta1 metrics in the v2 shape', () => {
    const result = converted({
      apiVersion: 'autoscaling/v2beta1',
      kind: 'HorizontalPodAutoscaler',
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', targetAverageUtilization: 50 } },
          { type: 'Resource', resource: { name: 'memory', targetAverageValue: '100Mi' } },
          { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10' } },
          {
            type: 'Object',
            object: { target: { kind: 'Service', name: 'web' }, metricName: 'hits', targetValue: '100' },
          },
          {
            type: 'External',
            external: {
              metricName: 'queue',
              metricSelector: { matchLabels: { q: 'a' } },
              targetAverageValue: '30',
            },
          },
        ],
      },
    });
    expect((result.object.spec as { metrics: unknown }).metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
      },
      {
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
      },
      {
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } },
      },
      {
        type: 'Object',
        object: {
          describedObject: { kind: 'Service', name: 'web' },
          metric: { name: 'hits' },
          target: { type: 'Value', value: '100' },
        },
      },
      {
        type: 'External',
        external: {
          metric: { name: 'queue', selector: { matchLabels: { q: 'a' } } },
          target: { type: 'AverageValue', averageValue: '30' },
        },
      },
    ]);
  });

  it('applies the small renames the guide lists', () => {
    expect(
      converted({
        apiVersion: 'authorization.k8s.io/v1beta1',
        kind: 'SubjectAccessReview',
        spec: { user: 'u', group: ['g'] },
      }).object.spec,
    ).toEqual({
      user: 'u',
      groups: ['g'],
    });
    const slice = converted({
      apiVersion: 'discovery.k8s.io/v1beta1',
      kind: 'EndpointSlice',
      endpoints: [
        {
          topology: { 'kubernetes.io/hostname': 'n1', 'topology.kubernetes.io/zone': 'z1' },
          addresses: ['10.0.0.1'],
        },
      ],
    });
    expect(slice.object.endpoints).toEqual([{ nodeName: 'n1', zone: 'z1', addresses: ['10.0.0.1'] }]);
    const plc = converted({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
      kind: 'PriorityLevelConfiguration',
      spec: { type: 'Limited', limited: { assuredConcurrencyShares: 5 } },
    });
    expect(plc.to).toBe('flowcontrol.apiserver.k8s.io/v1');
    expect(plc.object.spec).toEqual({ type: 'Limited', limited: { nominalConcurrencyShares: 5 } });
    const csr = converted({
      apiVersion: 'certificates.k8s.io/v1beta1',
      kind: 'CertificateSigningRequest',
      spec: { request: 'x' },
    });
    expect(csr.object.spec).toEqual({ request: 'x', usages: ['digital signature', 'key encipherment'] });
    expect(csr.notes.join('\n')).toMatch(/signerName is required/);
    const hook = converted({
      apiVersion: 'admissionregistration.k8s.io/v1beta1',
      kind: 'ValidatingWebhookConfiguration',
      webhooks: [{ name: 'a.example.com', clientConfig: { url: 'https://a' } }],
    });
    expect(hook.object.webhooks).toEqual([
      {
        name: 'a.example.com',
        clientConfig: { url: 'https://a' },
        failurePolicy: 'Ignore',
        matchPolicy: 'Exact',
        timeoutSeconds: 30,
        admissionReviewVersions: ['v1beta1'],
      },
    ]);
    expect(hook.notes.join('\n')).toMatch(/sideEffects must be None or NoneOnDryRun/);
    expect(
      converted({
        apiVersion: 'policy/v1beta1',
        kind: 'PodDisruptionBudget',
        spec: { minAvailable: 1 },
      }).notes.join('\n'),
    ).toMatch(/empty spec\.selector matched no pods/);
  });

  it('converts the items of a List', () => {
    const result = converted({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
        { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c' } },
        { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'p' } },
      ],
    });
    expect((result.object.items as { apiVersion: string }[]).map((i) => i.apiVersion)).toEqual([
      'v1',
      'batch/v1',
      'policy/v1beta1',
    ]);
    expect(result.notes[0]).toBe('items[1]: batch/v1beta1 → batch/v1');
    expect(result.notes.join('\n')).toMatch(/items\[2\]: policy\/v1beta1 PodSecurityPolicy was removed/);
  });
});
