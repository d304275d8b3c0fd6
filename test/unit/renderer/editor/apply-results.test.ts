import { describe, expect, it } from 'vitest';
import {
  classifyApply,
  resultLine,
  type DocumentResult,
} from '../../../../src-renderer/editor/apply/apply.js';
import { conflictsOf, problemsOf } from '../../../../src-renderer/editor/apply/server-problems.js';
import type { KubeObject, Status } from '../../../../src-renderer/kube/index.js';

const obj = (rv: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', resourceVersion: rv, generation: 1, managedFields: [] },
    spec: { replicas: 1 },
    ...extra,
  }) as KubeObject;

describe('classifyApply', () => {
  it('says created when the object did not exist', () => {
    expect(classifyApply(undefined, obj('5'), false)).toBe('created');
    expect(classifyApply(undefined, obj('5'), true)).toBe('created');
  });

  it('says unchanged when the server kept the resourceVersion, else configured', () => {
    expect(classifyApply(obj('5'), obj('5'), false)).toBe('unchanged');
    expect(classifyApply(obj('5'), obj('6'), false)).toBe('configured');
  });

  it('says unchanged when only others wrote between the read and the apply (a controller’s status or annotation)', () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1 },
    };
    const controllerWrote = obj('7', {
      status: { replicas: 1 },
      metadata: {
        name: 'web',
        resourceVersion: '7',
        annotations: { 'deployment.kubernetes.io/revision': '1' },
      },
    });
    expect(classifyApply(obj('5'), controllerWrote, false, manifest)).toBe('unchanged');
    expect(classifyApply(obj('5'), obj('7', { spec: { replicas: 3 } }), false, manifest)).toBe('configured');
  });

  it('compares the objects in a dry run, ignoring what only the server writes', () => {
    const after = obj('5', { status: { replicas: 3 } });
    (after.metadata as Record<string, unknown>).managedFields = [{ manager: 'kubedesk' }];
    expect(classifyApply(obj('5'), after, true)).toBe('unchanged');
    expect(classifyApply(obj('5'), obj('5', { spec: { replicas: 2 } }), true)).toBe('configured');
  });
});

describe('resultLine', () => {
  const base: DocumentResult = {
    index: 0,
    description: 'Deployment web',
    resourceName: 'deployment.apps/web',
    dryRun: false,
    problems: [],
    conflicts: [],
  };
  it('prints what kubectl prints', () => {
    expect(resultLine({ ...base, outcome: 'created' })).toBe('deployment.apps/web created');
    expect(resultLine({ ...base, outcome: 'configured', dryRun: true })).toBe(
      'deployment.apps/web configured (server dry run)',
    );
  });
});

describe('problems from a Status', () => {
  it('takes each cause with a field (422 Invalid)', () => {
    const status: Status = {
      kind: 'Status',
      code: 422,
      reason: 'Invalid',
      message:
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      details: {
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.replicas',
            message: 'Invalid value: -1: must be greater than or equal to 0',
          },
        ],
      },
    };
    expect(problemsOf(status)).toEqual([
      {
        field: 'spec.replicas',
        message: 'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        severity: 'error',
      },
    ]);
  });

  it("reads strict validation's unknown fields from the message", () => {
    const status: Status = {
      kind: 'Status',
      code: 400,
      reason: 'BadRequest',
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagee"',
    };
    expect(problemsOf(status).map((p) => p.field)).toEqual([
      'spec.replica',
      'spec.template.spec.containers[0].imagee',
    ]);
  });

  it('names the conflicting fields and managers of a 409', () => {
    const status: Status = {
      kind: 'Status',
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            field: '.spec.replicas',
            message: 'conflict with "kubectl" using apps/v1',
          },
        ],
      },
    };
    expect(conflictsOf(status)).toEqual([{ field: '.spec.replicas', manager: '"kubectl" using apps/v1' }]);
    expect(problemsOf(status)[0]).toMatchObject({ field: 'spec.replicas' });
  });

  it('makes one problem for the whole document when no field is named', () => {
    expect(problemsOf({ kind: 'Status', code: 403, message: 'forbidden' })).toEqual([
      { message: 'forbidden', severity: 'error' },
    ]);
  });
});

describe('problems server-side apply puts in its message', () => {
  it('reads the field of a typed patch error', () => {
    const status: Status = {
      kind: 'Status',
      code: 400,
      reason: 'BadRequest',
      message:
        'failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].imagePolicy: field not declared in schema',
    };
    expect(problemsOf(status)).toEqual([
      {
        field: 'spec.template.spec.containers[name="web"].imagePolicy',
        message: 'spec.template.spec.containers[name="web"].imagePolicy: field not declared in schema',
        severity: 'error',
      },
    ]);
  });
});
