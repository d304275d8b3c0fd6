import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../embedded-cluster/api/errors.js';
import type { KubeObject } from '../../../../embedded-cluster/api/object.js';
import { baseDefinitions } from '../../../../embedded-cluster/api/openapi/schema.js';
import {
  applyPatch,
  lastAppliedAnnotation,
  resetFieldsFor,
  updateManagedFields,
  type ApplyOptions,
} from '../../../../embedded-cluster/api/patch/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const scope = {
  definitions: baseDefinitions,
  definition: 'io.k8s.api.apps.v1.Deployment',
  resetFields: resetFieldsFor({ group: 'apps', kind: 'Deployment' }, undefined, true),
};

const config = (spec: Json = {}, containers: Json[] = [{ name: 'nginx', image: 'nginx:1.27' }]): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    ...spec,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
  },
});

function apply(
  live: KubeObject | undefined,
  applied: Json,
  manager: string,
  extra: Partial<ApplyOptions> = {},
) {
  const result = applyPatch({ live, applied, manager, time: '2025-01-01T00:00:00Z', ...scope, ...extra });
  return { ...result, object: result.object as KubeObject & Json };
}

/** What the store would hold after the write. */
const stored = (object: KubeObject): KubeObject => ({
  ...object,
  metadata: { ...object.metadata, uid: 'uid-1', resourceVersion: '7' },
});

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  throw new Error('expected a StatusError');
}

const kubectlFields = (withReplicas: boolean) => ({
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    ...(withReplicas ? { 'f:replicas': {} } : {}),
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    },
  },
});

describe('server-side apply', () => {
  // An applier owns exactly the fields it sent: map keys, list items (".") and leaves, never
  // name/namespace (stripMetaManager) nor the struct fields that only lead to them.
  it('creates the object and records the applied fields', () => {
    const { object, managedFields, changed } = apply(undefined, config({ replicas: 3 }), 'kubectl');
    expect(changed).toBe(true);
    expect(object.spec).toMatchObject({ replicas: 3, selector: { matchLabels: { app: 'web' } } });
    expect(managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2025-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: kubectlFields(true),
      },
    ]);
    expect(object.metadata.managedFields).toEqual(managedFields);
  });

  it('removes a field the applier stops specifying when nobody else owns it', () => {
    const live = stored(apply(undefined, config({ replicas: 3 }), 'kubectl').object);
    const { object, managedFields } = apply(live, config(), 'kubectl', { time: '2025-01-01T00:01:00Z' });
    expect(object.spec).not.toHaveProperty('replicas');
    expect(managedFields).toEqual([
      expect.objectContaining({ time: '2025-01-01T00:01:00Z', fieldsV1: kubectlFields(false) }),
    ]);
  });

  it('shares a field applied with the same value, and keeps it while one owner remains', () => {
    const live = stored(apply(undefined, config({ replicas: 3 }), 'kubectl').object);
    const shared = apply(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } },
      'hpa-tool',
    );
    expect(shared.changed).toBe(false);
    // managedfieldsupdater.go only stamps a time when the apply changed the object; entries sort
    // Apply-first, then by time (none counts as zero).
    expect(shared.managedFields.map((e) => [e.manager, e.time])).toEqual([
      ['hpa-tool', undefined],
      ['kubectl', '2025-01-01T00:00:00Z'],
    ]);
    const after = apply(stored(shared.object), config(), 'kubectl');
    expect(after.object.spec.replicas).toBe(3);
    expect(after.managedFields.find((e) => e.manager === 'kubectl')?.fieldsV1).toEqual(kubectlFields(false));
  });

  // conflict.go: one conflict is "Apply failed with 1 conflict: conflict with <manager>: <path>",
  // appliers print as "name", updaters as "name" [with subresource "x"] using <apiVersion>.
  it('refuses to change a field another applier owns, worded as Kubernetes words it', () => {
    const live = stored(apply(undefined, config({ replicas: 3 }), 'kubectl').object);
    const status = statusOf(() =>
      apply(
        live,
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } },
        'ci',
      ),
    );
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas',
      reason: 'Conflict',
      code: 409,
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' },
        ],
      },
    });
  });

  // The message pulumi/pulumi#13321 reports from a real cluster after the HPA scaled a Deployment.
  it('names an updater with its subresource and API version', () => {
    const live = stored(apply(undefined, config({ replicas: 3 }), 'kubectl').object);
    const scaled = structuredClone(live) as Json;
    scaled.spec.replicas = 6;
    const managedFields = updateManagedFields({
      old: live,
      updated: scaled as KubeObject,
      manager: 'kube-controller-manager',
      subresource: 'scale',
      time: '2025-01-01T00:05:00Z',
      ...scope,
      resetFields: resetFieldsFor({ group: 'apps', kind: 'Deployment' }, 'scale', true),
    });
    const hpaScaled = { ...scaled, metadata: { ...scaled.metadata, managedFields } } as KubeObject;
    expect(statusOf(() => apply(hpaScaled, config({ replicas: 3 }), 'kubectl'))).toMatchObject({
      code: 409,
      message:
        'Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" using apps/v1: .spec.replicas',
    });
  });

  it('lists several conflicts per manager', () => {
    const live = stored(apply(undefined, config({ replicas: 3, minReadySeconds: 5 }), 'kubectl').object);
    const status = statusOf(() =>
      apply(
        live,
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: { replicas: 5, minReadySeconds: 1 },
        },
        'ci',
      ),
    );
    expect(status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.minReadySeconds\n- .spec.replicas',
    );
    expect(status.details?.causes?.map((c) => c.field)).toEqual(['.spec.minReadySeconds', '.spec.replicas']);
  });

  it('moves ownership with force', () => {
    const live = stored(apply(undefined, config({ replicas: 3 }), 'kubectl').object);
    const { object, managedFields } = apply(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } },
      'ci',
      { force: true, time: '2025-01-01T00:02:00Z' },
    );
    expect(object.spec.replicas).toBe(5);
    expect(managedFields.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['kubectl', kubectlFields(false)],
      ['ci', { 'f:spec': { 'f:replicas': {} } }],
    ]);
  });

  it('merges containers item by item (x-kubernetes-patch-merge-key name) between appliers', () => {
    const live = stored(apply(undefined, config(), 'kubectl').object);
    const sidecar = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } };
    const withSidecar = apply(
      live,
      { ...sidecar, spec: { template: { spec: { containers: [{ name: 'proxy', image: 'envoy:1' }] } } } },
      'mesh',
    );
    expect(withSidecar.object.spec.template.spec.containers).toEqual([
      { name: 'nginx', image: 'nginx:1.27' },
      { name: 'proxy', image: 'envoy:1' },
    ]);
    expect(withSidecar.managedFields.find((e) => e.manager === 'mesh')?.fieldsV1).toEqual({
      'f:spec': {
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"proxy"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    });
    // kubectl re-applies its own container list: the sidecar survives, and a container kubectl
    // no longer lists goes.
    const again = apply(stored(withSidecar.object), config({}, [{ name: 'app', image: 'app:2' }]), 'kubectl');
    expect(again.object.spec.template.spec.containers).toEqual([
      { name: 'proxy', image: 'envoy:1' },
      { name: 'app', image: 'app:2' },
    ]);
  });

  it('keys ports by containerPort and protocol, defaulting protocol to TCP', () => {
    const { managedFields } = apply(
      undefined,
      config({}, [{ name: 'nginx', ports: [{ containerPort: 80 }] }]),
      'kubectl',
    );
    const containers = (managedFields[0]!.fieldsV1 as Json)['f:spec']['f:template']['f:spec']['f:containers'];
    expect(containers['k:{"name":"nginx"}']['f:ports']).toEqual({
      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
    });
  });

  it('never tracks status through the main resource (reset fields)', () => {
    const { managedFields } = apply(undefined, { ...config(), status: { replicas: 9 } }, 'kubectl');
    expect(managedFields[0]!.fieldsV1).not.toHaveProperty('f:status');
  });

  // lastappliedmanager.go / lastappliedupdater.go: `kubectl apply --server-side` after client-side apply.
  it('lets kubectl take over fields its client-side apply annotation still describes', () => {
    const csaConfig = config({ replicas: 3 });
    const created = structuredClone(csaConfig) as Json;
    created.metadata.annotations = { [lastAppliedAnnotation]: JSON.stringify(csaConfig) };
    created.metadata.managedFields = updateManagedFields({
      old: undefined,
      updated: created as KubeObject,
      manager: 'kubectl-client-side-apply',
      time: '2025-01-01T00:00:00Z',
      ...scope,
    });
    const live = stored(created as KubeObject);
    const { object, managedFields } = apply(live, config({ replicas: 4 }), 'kubectl');
    expect(object.spec.replicas).toBe(4);
    expect(managedFields.find((e) => e.manager === 'kubectl')?.fieldsV1).toEqual(kubectlFields(true));
    expect(object.metadata.annotations?.[lastAppliedAnnotation]).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"default"},' +
        '"spec":{"replicas":4,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},' +
        '"spec":{"containers":[{"image":"nginx:1.27","name":"nginx"}]}}}}\n',
    );
    // Another manager would still conflict with the client-side apply owner.
    expect(statusOf(() => apply(live, config({ replicas: 4 }), 'ci')).message).toContain(
      'conflict with "kubectl-client-side-apply" using apps/v1',
    );
  });

  it('rejects a configuration with the wrong apiVersion, with managedFields, or with unknown fields', () => {
    expect(
      statusOf(() =>
        apply(undefined, { ...config(), apiVersion: 'apps/v1beta1' }, 'kubectl', { apiVersion: 'apps/v1' }),
      ),
    ).toMatchObject({
      code: 400,
      message:
        'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1',
    });
    const withManaged = config();
    withManaged.metadata.managedFields = [];
    expect(statusOf(() => apply(undefined, withManaged, 'kubectl'))).toMatchObject({
      code: 400,
      message: 'metadata.managedFields must be nil',
    });
    // kubernetes/kubernetes#122480: a 500 with no reason, as a real v1.32 apiserver answers.
    expect(statusOf(() => apply(undefined, config({ topologyKeys: ['x'] }), 'kubectl'))).toMatchObject({
      code: 500,
      reason: '',
      message:
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.topologyKeys: field not declared in schema',
    });
  });
});
