import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../embedded-cluster/api/object.js';
import { baseDefinitions } from '../../../../embedded-cluster/api/openapi/schema.js';
import {
  resetFieldsFor,
  updateManagedFields,
  type ManagedFieldsEntry,
  type UpdateManagedFieldsOptions,
} from '../../../../embedded-cluster/api/patch/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const deploymentScope = (subresource?: string) => ({
  definitions: baseDefinitions,
  definition: 'io.k8s.api.apps.v1.Deployment',
  subresource,
  resetFields: resetFieldsFor({ group: 'apps', kind: 'Deployment' }, subresource, true),
});

/** A Deployment as `kubectl create deployment nginx --image=nginx` leaves it after defaulting. */
const created = (): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'nginx',
    namespace: 'default',
    labels: { app: 'nginx' },
    uid: 'u1',
    resourceVersion: '1',
    generation: 1,
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx',
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'Always',
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
      },
    },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  },
  status: {},
});

// The managedFields a real cluster shows for that command (kubectl get deploy -o yaml).
const kubectlCreateFields = {
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

function update(
  old: Json | undefined,
  updated: Json,
  manager: string,
  time: string,
  extra: Partial<UpdateManagedFieldsOptions> = {},
) {
  return updateManagedFields({
    old: old as KubeObject | undefined,
    updated: updated as KubeObject,
    manager,
    operation: 'Update',
    time,
    ...deploymentScope(),
    ...extra,
  });
}

const withFields = (obj: Json, managedFields: ManagedFieldsEntry[]): Json => ({
  ...obj,
  metadata: { ...obj.metadata, managedFields },
});

/** The object a client sends back: the stored one, changed, without managedFields. */
function edit(stored: Json, change: (o: Json) => void): Json {
  const copy = structuredClone(stored);
  delete copy.metadata.managedFields;
  change(copy);
  return copy;
}

const createdStored = () =>
  withFields(created(), update(undefined, created(), 'kubectl-create', '2025-01-01T00:00:00Z'));

describe('managedFields after create, update and patch', () => {
  it('gives the creator every field it set, as kubectl create deployment shows', () => {
    expect(update(undefined, created(), 'kubectl-create', '2025-01-01T00:00:00Z')).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2025-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: kubectlCreateFields,
      },
    ]);
  });

  // Real clusters: `kubectl create secret generic basic-auth --from-file=auth` gives
  // {f:data: {.: {}, f:auth: {}}, f:type: {}}.
  it('marks a map the write added with "." (Secret data)', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'basic-auth' },
      data: { auth: 'eA==' },
      type: 'Opaque',
    };
    const [entry] = updateManagedFields({
      old: undefined,
      updated: secret as KubeObject,
      manager: 'kubectl-create',
      time: '2025-01-01T00:00:00Z',
      definitions: baseDefinitions,
      definition: 'io.k8s.api.core.v1.Secret',
    });
    expect(entry?.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:auth': {} }, 'f:type': {} });
  });

  it('adds an entry for a label change (kubectl label) and leaves the creator alone', () => {
    const stored = createdStored();
    const labeled = edit(stored, (o) => (o.metadata.labels.env = 'prod'));
    const entries = update(stored, labeled, 'kubectl-label', '2025-01-01T00:05:00Z');
    expect(entries.map((e) => [e.manager, e.time])).toEqual([
      ['kubectl-create', '2025-01-01T00:00:00Z'],
      ['kubectl-label', '2025-01-01T00:05:00Z'],
    ]);
    expect(entries[1]!.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:env': {} } } });
    expect(entries[0]!.fieldsV1).toEqual(kubectlCreateFields);
  });

  it('moves a spec field it changed (kubectl edit of replicas) away from the creator', () => {
    const stored = createdStored();
    const entries = update(
      stored,
      edit(stored, (o) => (o.spec.replicas = 3)),
      'kubectl-edit',
      '2025-01-01T00:06:00Z',
    );
    expect(entries[1]).toEqual({
      manager: 'kubectl-edit',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2025-01-01T00:06:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    expect(entries[0]!.fieldsV1).not.toHaveProperty(['f:spec', 'f:replicas']);
  });

  it('merges repeated writes of one manager into one entry, and leaves no-op writes untimed', () => {
    const stored = createdStored();
    const first = withFields(
      edit(stored, (o) => (o.spec.replicas = 3)),
      update(
        stored,
        edit(stored, (o) => (o.spec.replicas = 3)),
        'kubectl-edit',
        '2025-01-01T00:06:00Z',
      ),
    );
    const second = update(
      first,
      edit(first, (o) => (o.spec.minReadySeconds = 5)),
      'kubectl-edit',
      '2025-01-01T00:07:00Z',
    );
    expect(second.find((e) => e.manager === 'kubectl-edit')).toMatchObject({
      time: '2025-01-01T00:07:00Z',
      fieldsV1: { 'f:spec': { 'f:minReadySeconds': {}, 'f:replicas': {} } },
    });
    const noop = update(
      first,
      edit(first, () => {}),
      'kubectl-edit',
      '2025-01-01T00:09:00Z',
    );
    expect(noop.find((e) => e.manager === 'kubectl-edit')?.time).toBe('2025-01-01T00:06:00Z');
  });

  it('tracks status under the status subresource entry, ignoring spec there', () => {
    const stored = createdStored();
    const withStatus = edit(stored, (o) => {
      o.spec.replicas = 9; // reset by the status strategy: never owned through /status
      o.status = { replicas: 1, conditions: [{ type: 'Available', status: 'True' }] };
    });
    const entries = update(
      stored,
      withStatus,
      'kube-controller-manager',
      '2025-01-01T00:01:00Z',
      deploymentScope('status'),
    );
    expect(entries.find((e) => e.manager === 'kube-controller-manager')).toEqual({
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2025-01-01T00:01:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:status': {
          'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } },
          'f:replicas': {},
        },
      },
      subresource: 'status',
    });
  });

  it('lets a client reset managedFields with [{}], after which updates are not tracked', () => {
    const stored = createdStored();
    const reset = edit(stored, (o) => (o.metadata.managedFields = [{}]));
    expect(update(stored, reset, 'kubectl-patch', '2025-01-01T00:02:00Z')).toEqual([]);
    const untracked = edit(created(), (o) => (o.spec.replicas = 2));
    expect(update(created(), untracked, 'kubectl-edit', '2025-01-01T00:03:00Z')).toEqual([]);
  });

  it('keeps managedFields a JSON patch edited (kubectl’s client-side-apply upgrade)', () => {
    const stored = createdStored();
    const rewritten = structuredClone(stored);
    rewritten.metadata.managedFields[0].manager = 'kubectl';
    rewritten.metadata.managedFields[0].operation = 'Apply';
    const entries = update(stored, rewritten, 'kubectl', '2025-01-01T00:02:00Z');
    expect(entries.map((e) => [e.manager, e.operation])).toEqual([['kubectl', 'Apply']]);
  });

  // capmanagers.go: past DefaultMaxUpdateManagers (10) the oldest updates merge into ancient-changes.
  it('keeps at most ten update entries, folding the oldest into ancient-changes', () => {
    let obj = createdStored();
    for (let i = 1; i <= 10; i++) {
      const next = edit(obj, (o) => (o.metadata.labels[`l${i}`] = 'x'));
      obj = withFields(
        next,
        update(obj, next, `writer-${i}`, `2025-01-01T01:${String(i).padStart(2, '0')}:00Z`),
      );
    }
    const managers = obj.metadata.managedFields.map((e: ManagedFieldsEntry) => e.manager);
    expect(managers).toHaveLength(10);
    expect(managers[0]).toBe('ancient-changes');
    expect(managers).not.toContain('kubectl-create');
    expect(managers).not.toContain('writer-1');
    expect(obj.metadata.managedFields[0].fieldsV1['f:metadata']['f:labels']).toHaveProperty('f:l1');
  });
});
