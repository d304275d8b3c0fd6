import { describe, expect, it } from 'vitest';
import {
  nameIsDNSSubdomain,
  problemString,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../../../embedded-cluster/api/validation/index.js';

const nsd = { namespaced: true, nameFn: nameIsDNSSubdomain };
const msgs = (ps: Parameters<typeof problemString>[0][]) => ps.map(problemString);

describe('ObjectMeta on create', () => {
  it('requires a name or generateName', () => {
    expect(msgs(validateObjectMeta({ namespace: 'default' }, nsd))).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
  });

  it('requires a namespace on namespaced kinds and forbids it on the others', () => {
    expect(msgs(validateObjectMeta({ name: 'a' }, nsd))).toEqual(['metadata.namespace: Required value']);
    expect(msgs(validateObjectMeta({ name: 'a', namespace: 'x' }, { ...nsd, namespaced: false }))).toEqual([
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
    expect(msgs(validateObjectMeta({ name: 'a', namespace: 'Bad' }, nsd))[0]).toMatch(
      /^metadata.namespace: Invalid value: "Bad": a lowercase RFC 1123 label/,
    );
  });

  it('reports bad labels on the labels map itself', () => {
    const out = msgs(validateObjectMeta({ name: 'a', namespace: 'd', labels: { app: 'x'.repeat(64) } }, nsd));
    expect(out).toEqual([
      `metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`,
    ]);
  });

  it('limits annotations to 256 KiB in total', () => {
    const out = msgs(
      validateObjectMeta({ name: 'a', namespace: 'd', annotations: { big: 'x'.repeat(262142) } }, nsd),
    );
    expect(out).toEqual(['metadata.annotations: Too long: must have at most 262144 bytes']);
    expect(
      validateObjectMeta({ name: 'a', namespace: 'd', annotations: { big: 'x'.repeat(262141) } }, nsd),
    ).toEqual([]);
  });

  it('accepts annotation keys case-insensitively', () => {
    expect(
      validateObjectMeta({ name: 'a', namespace: 'd', annotations: { 'Example.COM/Key': 'v' } }, nsd),
    ).toEqual([]);
  });

  it('checks finalizer names', () => {
    expect(msgs(validateObjectMeta({ name: 'a', namespace: 'd', finalizers: ['custom'] }, nsd))).toEqual([
      'metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
    expect(
      validateObjectMeta({ name: 'a', namespace: 'd', finalizers: ['example.com/x', 'kubernetes'] }, nsd),
    ).toEqual([]);
  });

  it('validates owner references', () => {
    const out = msgs(
      validateObjectMeta(
        { name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: '', uid: '' }] },
        nsd,
      ),
    );
    expect(out).toEqual([
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]);
  });
});

describe('ObjectMeta on update', () => {
  const old = {
    name: 'a',
    namespace: 'd',
    uid: 'u1',
    resourceVersion: '5',
    creationTimestamp: '2024-05-01T10:00:00Z',
  };

  it('keeps name, namespace and uid immutable', () => {
    expect(msgs(validateObjectMetaUpdate({ ...old, name: 'b', uid: 'u2' }, old))).toEqual([
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
    ]);
  });

  it('prints a changed creationTimestamp as Go prints a time', () => {
    expect(
      msgs(validateObjectMetaUpdate({ ...old, creationTimestamp: '2024-05-02T10:00:00Z' }, old)),
    ).toEqual([
      'metadata.creationTimestamp: Invalid value: 2024-05-02 10:00:00 +0000 UTC: field is immutable',
    ]);
  });

  it('requires a resourceVersion and a non-decreasing generation', () => {
    expect(
      msgs(
        validateObjectMetaUpdate({ ...old, resourceVersion: '', generation: 1 }, { ...old, generation: 2 }),
      ),
    ).toEqual([
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 1: must not be decremented',
    ]);
  });

  it('refuses new finalizers once deletion started', () => {
    const deleting = { ...old, deletionTimestamp: '2024-05-03T00:00:00Z', finalizers: ['a.io/x'] };
    expect(
      msgs(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y'] }, deleting)),
    ).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
    ]);
  });
});
