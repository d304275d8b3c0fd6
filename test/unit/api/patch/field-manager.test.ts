import { describe, expect, it } from 'vitest';
import {
  defaultFieldManager,
  managerOrUserAgent,
  resetFieldsFor,
  validatePatchOptions,
} from '../../../../embedded-cluster/api/patch/index.js';

describe('field manager names and patch options', () => {
  // create.go prefixFromUserAgent: the User-Agent up to its first "/", printable, ≤ 128 bytes.
  it('derives the manager from the User-Agent like the apiserver', () => {
    expect(defaultFieldManager('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9')).toBe('kubectl');
    expect(
      defaultFieldManager(
        'kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/70d3cc9/system:serviceaccount',
      ),
    ).toBe('kube-controller-manager');
    expect(defaultFieldManager('my\u0007tool/1.0')).toBe('mytool');
    expect(defaultFieldManager('é'.repeat(100))).toBe('é'.repeat(64));
    expect(defaultFieldManager(undefined)).toBe('');
    expect(managerOrUserAgent('kubectl-edit', 'kubectl/v1.32.0')).toBe('kubectl-edit');
  });

  it('requires a fieldManager for apply and refuses force elsewhere, as PatchOptions validation does', () => {
    expect(validatePatchOptions(true, {})?.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      reason: 'Invalid',
      code: 422,
      details: {
        name: '',
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [
          {
            reason: 'FieldValueRequired',
            field: 'fieldManager',
            message: 'Required value: is required for apply patch',
          },
        ],
      },
    });
    expect(validatePatchOptions(false, { force: true })?.status.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
    expect(validatePatchOptions(true, { fieldManager: 'kubectl', force: false })).toBeUndefined();
    expect(validatePatchOptions(false, { fieldManager: 'x'.repeat(129) })?.status.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
    );
  });

  // GetResetFields of the registry strategies (pkg/registry/apps/deployment/strategy.go,
  // pkg/registry/core/pod/strategy.go, …).
  it('knows which fields each (sub)resource resets', () => {
    expect(resetFieldsFor({ group: 'apps', kind: 'Deployment' }, undefined, true)).toEqual([['status']]);
    expect(resetFieldsFor({ group: '', kind: 'ConfigMap' }, undefined, false)).toEqual([]);
    expect(resetFieldsFor({ group: 'apps', kind: 'Deployment' }, 'status', true)).toEqual([
      ['spec'],
      ['metadata', 'labels'],
    ]);
    expect(resetFieldsFor({ group: '', kind: 'Pod' }, 'status', true)).toEqual([
      ['spec'],
      ['metadata', 'deletionTimestamp'],
      ['metadata', 'ownerReferences'],
    ]);
    expect(resetFieldsFor({ group: 'apps', kind: 'StatefulSet' }, 'scale', true)).toEqual([]);
  });
});
