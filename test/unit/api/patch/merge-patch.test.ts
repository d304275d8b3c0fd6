import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../embedded-cluster/api/errors.js';
import { applyMergePatch } from '../../../../embedded-cluster/api/patch/index.js';

const configMap = (): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', labels: { a: '1', b: '2' } },
  data: { x: '1', y: '2' },
  list: [1, 2, 3],
});

describe('JSON merge patch (RFC 7386)', () => {
  it('deletes members set to null and merges objects recursively', () => {
    const out = applyMergePatch(configMap(), { metadata: { labels: { a: null, c: '3' } }, data: null });
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', labels: { b: '2', c: '3' } },
      list: [1, 2, 3],
    });
  });

  it('replaces arrays whole and never mutates its inputs', () => {
    const live = configMap();
    const patch = { list: [9] };
    expect(applyMergePatch(live, patch).list).toEqual([9]);
    expect(live).toEqual(configMap());
    expect(patch).toEqual({ list: [9] });
  });

  // evanphx/json-patch merge.go: a new value has its null members pruned (pruneNulls), but
  // null array elements are kept (pruneAryNulls appends them).
  it('prunes nulls inside a newly added value, keeping null array elements', () => {
    const out = applyMergePatch(configMap(), {
      spec: { a: null, b: { c: null, d: 1 }, e: [null, { f: null }] },
    });
    expect(out.spec).toEqual({ b: { d: 1 }, e: [null, {}] });
  });

  it('answers a null body with 400 "Invalid JSON Patch" and a non-object with the decoder message', () => {
    const status = (patch: unknown, validation?: 'Ignore') => {
      try {
        applyMergePatch(configMap(), patch, validation);
      } catch (err) {
        return (err as StatusError).status;
      }
    };
    expect(status(null)).toMatchObject({ code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' });
    expect(status([1])).toMatchObject({
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
    expect(status('x', 'Ignore')).toMatchObject({ code: 400, message: 'Invalid JSON Patch' });
  });
});
