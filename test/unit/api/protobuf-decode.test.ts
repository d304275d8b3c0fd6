import { describe, expect, it } from 'vitest';
import {
  decodableKinds,
  decodeKubernetesProtobuf,
  hasProtobufMagic,
} from '../../../embedded-cluster/api/protobuf/index.js';
import { durationJson } from '../../../embedded-cluster/api/protobuf/shapes.js';
import { BUILTIN_RESOURCES } from '../../../embedded-cluster/api/builtin-resources.js';
import {
  bool,
  bytes,
  cat,
  double,
  entry,
  int,
  intOrString,
  k8s,
  msg,
  objectMeta,
  quantity,
  str,
  stringMap,
  time,
  varint,
} from './protobuf-writer.js';

const decode = (body: Uint8Array) => decodeKubernetesProtobuf(body).object;

describe('decodeKubernetesProtobuf', () => {
  it('decodes a ConfigMap, leaving out the empty fields gogo-protobuf always writes', () => {
    const body = k8s(
      'v1',
      'ConfigMap',
      objectMeta('settings', stringMap(11, { app: 'web' })),
      stringMap(2, { mode: 'fast', level: '3' }),
      entry(3, 'blob', bytes(2, Uint8Array.of(0, 0xff, 0x10))),
      bool(4, false),
    );
    const decoded = decodeKubernetesProtobuf(body);
    expect(decoded.apiVersion).toBe('v1');
    expect(decoded.kind).toBe('ConfigMap');
    expect(JSON.stringify(decoded.object)).toBe(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', labels: { app: 'web' } },
        // `immutable` is a *bool: false was set, so it stays
        immutable: false,
        data: { mode: 'fast', level: '3' },
        binaryData: { blob: 'AP8Q' },
      }),
    );
  });

  it('decodes a Secret: bytes become base64, fields come in Go struct order', () => {
    const body = k8s(
      'v1',
      'Secret',
      objectMeta('db'),
      str(3, 'Opaque'),
      entry(2, 'password', bytes(2, Buffer.from('s3cr3t'))),
      entry(2, 'raw', bytes(2, Uint8Array.of(0xde, 0xad, 0xbe, 0xef))),
      entry(4, 'note', str(2, 'plain')),
    );
    const object = decode(body);
    expect(object).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { password: 'czNjcjN0', raw: '3q2+7w==' },
      stringData: { note: 'plain' },
      type: 'Opaque',
    });
    expect(Object.keys(object)).toEqual(['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type']);
  });

  it('decodes a Deployment with its pod template, quantities, int-or-strings and an inline probe handler', () => {
    const container = cat(
      str(1, 'nginx'),
      str(2, 'nginx:1.27'),
      msg(6, str(1, 'http'), int(2, 0), int(3, 80), str(4, 'TCP'), str(5, '')),
      msg(
        8,
        entry(1, 'memory', quantity(2, '128Mi')),
        entry(2, 'cpu', quantity(2, '250m')),
        entry(2, 'memory', quantity(2, '64Mi')),
      ),
      msg(
        11,
        msg(1, msg(2, str(1, '/healthz'), intOrString(2, 'http'), str(3, ''), str(4, 'HTTP'))),
        int(4, 5),
      ),
      str(13, ''),
      str(14, 'IfNotPresent'),
      bool(16, false),
    );
    const body = k8s(
      'apps/v1',
      'Deployment',
      objectMeta('web', stringMap(11, { app: 'web' })),
      msg(
        2,
        int(1, 0),
        msg(2, stringMap(1, { app: 'web' })),
        msg(3, msg(1, str(1, ''), time(8), stringMap(11, { app: 'web' })), msg(2, msg(2, container))),
        msg(4, str(1, 'RollingUpdate'), msg(2, intOrString(1, 1), intOrString(2, '25%'))),
        int(5, 0),
        bool(7, false),
      ),
      msg(3),
    );
    expect(decode(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.27',
                ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
                resources: { limits: { memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
                readinessProbe: {
                  httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
                  periodSeconds: 5,
                },
                imagePullPolicy: 'IfNotPresent',
              },
            ],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      },
      status: {},
    });
  });

  it('decodes SelfSubjectAccessReviews for a resource and for a non-resource URL', () => {
    const resource = k8s(
      'authorization.k8s.io/v1',
      'SelfSubjectAccessReview',
      objectMeta(''),
      msg(
        2,
        msg(
          1,
          str(1, 'kube-system'),
          str(2, 'get'),
          str(3, ''),
          str(4, ''),
          str(5, 'pods'),
          str(6, 'log'),
          str(7, ''),
        ),
      ),
      msg(3, bool(1, false), str(2, ''), str(3, ''), bool(4, false)),
    );
    expect(decode(resource)).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods', subresource: 'log' },
      },
      // `allowed` has no omitempty in Go
      status: { allowed: false },
    });
    const nonResource = k8s(
      'authorization.k8s.io/v1',
      'SelfSubjectAccessReview',
      objectMeta(''),
      msg(2, msg(2, str(1, '/healthz'), str(2, 'get'))),
    );
    expect(decode(nonResource)).toMatchObject({
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    });
  });

  it('decodes DeleteOptions sent under any group version, keeping a zero grace period', () => {
    const options = [int(1, 0), msg(2, str(1, 'c0ffee'), str(2, '42')), str(4, 'Foreground'), str(5, 'All')];
    for (const apiVersion of ['meta.k8s.io/v1', 'v1', 'apps/v1']) {
      expect(decode(k8s(apiVersion, 'DeleteOptions', ...options))).toEqual({
        apiVersion,
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        preconditions: { uid: 'c0ffee', resourceVersion: '42' },
        propagationPolicy: 'Foreground',
        dryRun: ['All'],
      });
    }
  });

  it('writes times as RFC 3339 in UTC: seconds for Time, microseconds for MicroTime; a zero time is left out', () => {
    const jan1 = 1704067200; // 2024-01-01T00:00:00Z
    const event = k8s(
      'v1',
      'Event',
      objectMeta('e', time(9, jan1 + 61, 999_999_999)),
      time(6, jan1),
      time(7),
      time(10, jan1, 123_456_789),
    );
    expect(decode(event)).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', deletionTimestamp: '2024-01-01T00:01:01Z' },
      firstTimestamp: '2024-01-01T00:00:00Z',
      eventTime: '2024-01-01T00:00:00.123456Z',
    });
    const lease = k8s(
      'coordination.k8s.io/v1',
      'Lease',
      objectMeta('l'),
      msg(2, str(1, 'node-1'), time(3, 0), time(4, jan1, 5000)),
    );
    expect(decode(lease)).toMatchObject({
      spec: {
        holderIdentity: 'node-1',
        acquireTime: '1970-01-01T00:00:00.000000Z',
        renewTime: '2024-01-01T00:00:00.000005Z',
      },
    });
  });

  it('reads negative int64s and repeated int64s, packed or not', () => {
    const pod = (groups: Uint8Array) =>
      k8s('v1', 'Pod', objectMeta('p'), msg(2, msg(14, int(2, -1), groups, int(5, 2000))));
    const unpacked = pod(cat(int(4, 1000), int(4, 2000)));
    const packed = pod(bytes(4, cat(varint(1000), varint(2000))));
    for (const body of [unpacked, packed]) {
      expect(decode(body)).toEqual({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { securityContext: { runAsUser: -1, supplementalGroups: [1000, 2000], fsGroup: 2000 } },
      });
    }
  });

  it('parses raw JSON: RawExtension data and managedFields fieldsV1', () => {
    const fields = '{"f:data":{"f:a":{}}}';
    const body = k8s(
      'apps/v1',
      'ControllerRevision',
      objectMeta(
        'web-1',
        msg(
          17,
          str(1, 'kubectl'),
          str(2, 'Apply'),
          str(3, 'v1'),
          time(4, 0),
          str(6, 'FieldsV1'),
          msg(7, str(1, fields)),
          str(8, ''),
        ),
      ),
      msg(2, str(1, '{"spec":{"replicas":2}}')),
      int(3, 1),
    );
    expect(decode(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: 'web-1',
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Apply',
            apiVersion: 'v1',
            time: '1970-01-01T00:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:a': {} } },
          },
        ],
      },
      data: { spec: { replicas: 2 } },
      revision: 1,
    });
  });

  it('turns a map of wrapped lists (ExtraValue) into a map of arrays', () => {
    const body = k8s(
      'authorization.k8s.io/v1',
      'SubjectAccessReview',
      objectMeta(''),
      msg(
        2,
        str(3, 'alice'),
        str(4, 'devs'),
        entry(5, 'scopes', msg(2, str(1, 'a'), str(1, 'b'))),
        entry(5, 'none', msg(2)),
      ),
    );
    expect(decode(body)).toMatchObject({
      spec: { user: 'alice', groups: ['devs'], extra: { scopes: ['a', 'b'], none: [] } },
    });
  });

  it('decodes a CustomResourceDefinition schema: JSON values, or-array, or-bool and x-kubernetes names', () => {
    const stringProp = msg(2, str(5, 'string'), bool(10, false));
    const schema = msg(
      1,
      str(5, 'object'),
      entry(29, 'size', msg(2, str(5, 'integer'), double(9, 10), msg(8, str(1, '3')))),
      entry(29, 'tags', msg(2, str(5, 'array'), msg(24, msg(1, str(5, 'string'))))),
      entry(29, 'color', msg(2, str(5, 'string'), msg(20, str(1, '"red"')), msg(20, str(1, '"blue"')))),
      entry(29, 'labels', msg(2, str(5, 'object'), msg(30, bool(1, true), stringProp))),
      entry(29, 'closed', msg(2, str(5, 'object'), msg(30, bool(1, false)))),
      str(23, 'size'),
      bool(38, true),
      msg(44, str(1, 'self.size > 0'), str(2, ''), str(4, 'FieldValueInvalid'), str(5, '.size')),
    );
    const body = k8s(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      objectMeta('widgets.example.com'),
      msg(
        2,
        str(1, 'example.com'),
        msg(3, str(1, 'widgets'), str(2, 'widget'), str(4, 'Widget'), str(5, 'WidgetList')),
        str(4, 'Namespaced'),
        msg(7, str(1, 'v1'), bool(2, true), bool(3, true), bool(7, false), msg(4, schema)),
        bool(10, false),
      ),
    );
    const crd = decode(body) as { spec: { versions: { schema: unknown }[] } };
    expect(crd.spec).toMatchObject({
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true }],
    });
    expect(crd.spec.versions[0]!.schema).toEqual({
      openAPIV3Schema: {
        type: 'object',
        required: ['size'],
        properties: {
          size: { type: 'integer', default: 3, maximum: 10 },
          tags: { type: 'array', items: { type: 'string' } },
          color: { type: 'string', enum: ['red', 'blue'] },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          closed: { type: 'object', additionalProperties: false },
        },
        'x-kubernetes-preserve-unknown-fields': true,
        'x-kubernetes-validations': [
          { rule: 'self.size > 0', reason: 'FieldValueInvalid', fieldPath: '.size' },
        ],
      },
    });
  });

  it('keeps a map key named __proto__ as a key', () => {
    const body = k8s('v1', 'ConfigMap', objectMeta('c'), stringMap(2, { ['__proto__']: 'x', ok: 'y' }));
    const data = decode(body).data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__', 'ok']);
  });

  it('skips fields it does not know, as newer clients may send them', () => {
    const body = k8s(
      'v1',
      'Namespace',
      objectMeta('team-a', str(99, 'future')),
      msg(2),
      msg(3),
      str(42, 'x'),
    );
    expect(decode(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a' },
      spec: {},
      status: {},
    });
  });

  it('has a schema for every built-in kind Kubedesk serves', () => {
    const kinds = new Set(decodableKinds());
    const missing = BUILTIN_RESOURCES.map(
      (r) => `${r.group ? `${r.group}/` : ''}${r.version}/${r.kind}`,
    ).filter((k) => !kinds.has(k));
    expect(missing).toEqual([]);
  });

  it('tells a protobuf body by its prefix', () => {
    expect(hasProtobufMagic(k8s('v1', 'ConfigMap'))).toBe(true);
    expect(hasProtobufMagic(Buffer.from('{}'))).toBe(false);
  });
});

describe('metav1.Duration', () => {
  const of = (ns: number | bigint) => durationJson(int(1, ns));
  it.each([
    [0, '0s'],
    [1, '1ns'],
    [1500, '1.5µs'],
    [2_000_000, '2ms'],
    [1_500_000_000, '1.5s'],
    [90_000_000_000, '1m30s'],
    [3_600_000_000_000, '1h0m0s'],
    [-5_000_000_000, '-5s'],
  ])('%d ns is %s, as Go prints it', (ns, text) => {
    expect(of(ns)).toBe(text);
  });
});
