import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../embedded-cluster/api/errors.js';
import { applyJsonPatch } from '../../../../embedded-cluster/api/patch/index.js';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
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

describe('JSON patch (RFC 6902) as the apiserver applies it', () => {
  it('applies add, replace, remove, copy, move and test in order without touching the input', () => {
    const live = deployment();
    const out = applyJsonPatch(live, [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/name' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/layer' },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'sidecar', image: 'busybox' } },
      { op: 'remove', path: '/spec/template/spec/containers/0' },
    ]);
    expect(out.spec.replicas).toBe(3);
    expect(out.metadata.labels).toEqual({ app: 'web', name: 'web', layer: 'front' });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'sidecar', image: 'busybox' }]);
    expect(live).toEqual(deployment());
  });

  it('lets replace create a missing object member, as evanphx/json-patch v4 does', () => {
    const out = applyJsonPatch(deployment(), [{ op: 'replace', path: '/metadata/labels/new', value: 'x' }]);
    expect(out.metadata.labels).toEqual({ app: 'web', new: 'x' });
  });

  // patch.go: patchObj.Apply errors become NewGenericServerResponse(422, …, isUnexpectedResponse=false),
  // which drops the library's text: kubectl prints "The request is invalid: the server rejected our
  // request due to an error in our request".
  it.each([
    ['a failed test', [{ op: 'test', path: '/spec/replicas', value: 5 }]],
    ['removing a missing member', [{ op: 'remove', path: '/metadata/annotations' }]],
    ['adding under a missing parent', [{ op: 'add', path: '/status/conditions/0', value: {} }]],
    ['an index out of range', [{ op: 'replace', path: '/spec/template/spec/containers/4', value: {} }]],
    ['an unknown op', [{ op: 'frobnicate', path: '/spec' }]],
  ])('answers %s with the generic 422 Invalid', (_, patch) => {
    expect(statusOf(() => applyJsonPatch(deployment(), patch))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      code: 422,
      details: {},
    });
  });

  it('rejects a body that is not a list of operations with 400 and Go’s decoder message', () => {
    expect(statusOf(() => applyJsonPatch(deployment(), { op: 'add' }))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message:
        'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    });
    expect(statusOf(() => applyJsonPatch(deployment(), ['x'], 'Ignore'))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
    });
    expect(statusOf(() => applyJsonPatch(deployment(), [{ op: 'add', path: 5 }]))).toMatchObject({
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string',
    });
  });

  it('refuses more than 10,000 operations with 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
    expect(statusOf(() => applyJsonPatch(deployment(), ops))).toMatchObject({
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    });
  });
});
