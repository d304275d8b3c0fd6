import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../embedded-cluster/api/errors.js';
import { baseDefinitions } from '../../../../embedded-cluster/api/openapi/schema.js';
import {
  applyStrategicMergePatch,
  unsupportedPatchType,
} from '../../../../embedded-cluster/api/patch/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const pod = { definitions: baseDefinitions, definition: 'io.k8s.api.core.v1.Pod' };
const deployment = { definitions: baseDefinitions, definition: 'io.k8s.api.apps.v1.Deployment' };

const livePod = (): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', finalizers: ['a'] },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.26',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
      },
      { name: 'sidecar', image: 'busybox' },
    ],
    tolerations: [{ key: 'old', operator: 'Exists' }],
  },
});

const smp = (live: Json, patch: unknown, options = pod): Json =>
  applyStrategicMergePatch(live, patch, options);

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, keeping the other items', () => {
    const out = smp(livePod(), {
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'B', value: '3' }] }] },
    });
    expect(out.spec.containers).toEqual([
      {
        name: 'web',
        image: 'nginx:1.27',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
      },
      { name: 'sidecar', image: 'busybox' },
    ]);
  });

  // strategicpatch mergeSortedSlice: without $setElementOrder, items the live object lacks come
  // before the live-only items (the "not found" comparison takes the patch item).
  it('merges ports by containerPort, placing a new item before live-only ones', () => {
    const out = smp(livePod(), { spec: { containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }] } });
    expect(out.spec.containers[0].ports).toEqual([
      { containerPort: 8080 },
      { containerPort: 80, protocol: 'TCP' },
    ]);
  });

  it('deletes a list item with $patch: delete and a map entry with null', () => {
    const out = smp(livePod(), {
      metadata: { finalizers: null },
      spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] },
    });
    expect(out.metadata).toEqual({ name: 'web' });
    expect(out.spec.containers.map((c: Json) => c.name)).toEqual(['web']);
  });

  it('replaces lists without patch metadata (tolerations) and lists under $patch: replace', () => {
    const out = smp(livePod(), {
      spec: {
        tolerations: [{ key: 'new', operator: 'Exists' }],
        containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }],
      },
    });
    expect(out.spec.tolerations).toEqual([{ key: 'new', operator: 'Exists' }]);
    expect(out.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('merges finalizers as a set of strings', () => {
    expect(smp(livePod(), { metadata: { finalizers: ['b', 'a'] } }).metadata.finalizers).toEqual(['b', 'a']);
  });

  // patch_test.go "merge lists of scalars" (Current [1,2,4] + order [1,2,3] and [3] → [1,2,3,4])
  // and "delete items in lists of scalars" ([1,2,3,4] − 3 ordered [1,2] → [1,2,4]), on finalizers.
  it('orders by $setElementOrder and deletes with $deleteFromPrimitiveList', () => {
    const withFinalizers = (f: string[]) => ({ ...livePod(), metadata: { name: 'web', finalizers: f } });
    const added = smp(withFinalizers(['a', 'b', 'd']), {
      metadata: { '$setElementOrder/finalizers': ['a', 'b', 'c'], finalizers: ['c'] },
    });
    expect(added.metadata.finalizers).toEqual(['a', 'b', 'c', 'd']);
    const removed = smp(withFinalizers(['a', 'b', 'c', 'd']), {
      metadata: { '$setElementOrder/finalizers': ['a', 'b'], '$deleteFromPrimitiveList/finalizers': ['c'] },
    });
    expect(removed.metadata.finalizers).toEqual(['a', 'b', 'd']);
  });

  // patch_test.go: "$setElementOrder contains item that is not present in the list to be merged".
  it('reorders maps by $setElementOrder, ignoring items neither side has', () => {
    const live = { ...livePod(), spec: { containers: [{ name: '1' }, { name: '3' }] } };
    const out = smp(live, {
      spec: {
        '$setElementOrder/containers': [{ name: '3' }, { name: '2' }, { name: '1' }],
        containers: [
          { name: '3', image: 'c' },
          { name: '1', image: 'a' },
        ],
      },
    });
    expect(out.spec.containers).toEqual([
      { name: '3', image: 'c' },
      { name: '1', image: 'a' },
    ]);
  });

  // kubectl sends $retainKeys for fields tagged patchStrategy:"retainKeys" (DeploymentSpec.strategy).
  it('drops the keys $retainKeys does not list (Deployment strategy to Recreate)', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      },
    };
    const out = smp(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deployment);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('keeps the live object for a null patch and drops directives from new values', () => {
    expect(smp(livePod(), null)).toEqual(livePod());
    const out = smp(livePod(), {
      spec: { nodeSelector: { disk: 'ssd', gone: null }, extra: { $patch: 'delete' } },
    });
    expect(out.spec.nodeSelector).toEqual({ disk: 'ssd' });
    expect(out.spec).not.toHaveProperty('extra');
  });

  // patch.go interpretStrategicMergePatchError: format errors are 400; other errors are not
  // Status errors and reach the client as a 500 with no reason and the raw text.
  it('reports errors with the apiserver’s codes and texts', () => {
    expect(statusOf(() => smp(livePod(), [1]))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
    expect(statusOf(() => smp(livePod(), { spec: { $retainKeys: 'x' } }))).toMatchObject({
      code: 400,
      message: 'invalid patch format of retainKeys',
    });
    expect(statusOf(() => smp(livePod(), { metadata: { $deleteFromPrimitiveList: ['a'] } }))).toMatchObject({
      code: 400,
      message: 'invalid patch format of primitive list',
    });
    expect(statusOf(() => smp(livePod(), { spec: { containers: [{ image: 'x' }] } }))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'map: map[image:x] does not contain declared merge key: name',
      reason: '',
      code: 500,
    });
    expect(
      statusOf(() => smp(livePod(), { spec: { containers: [{ name: 'web', $patch: 'merge' }] } })),
    ).toMatchObject({ code: 500, message: 'merging lists cannot yet be specified in the patch' });
    const noFinalizers = { ...livePod(), metadata: { name: 'web', finalizers: [] } };
    expect(statusOf(() => smp(noFinalizers, { metadata: { finalizers: [['x']] } }))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
    });
  });

  // customresource_handler.go supportedTypes + negotiation.NewUnsupportedMediaTypeError.
  it('gives the 415 a custom resource answers strategic merge patch with', () => {
    expect(unsupportedPatchType(true).status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  });
});
