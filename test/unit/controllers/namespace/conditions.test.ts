import { describe, expect, it } from 'vitest';
import {
  CONDITION_TYPES,
  emptyReport,
  updateConditions,
} from '../../../../embedded-cluster/controllers/namespace/conditions.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';

describe('namespace deletion conditions', () => {
  it('starts with the five ok conditions, False with their ok reasons', () => {
    const conditions = updateConditions([], emptyReport(), T0)!;
    expect(conditions.map((c) => c.type)).toEqual([...CONDITION_TYPES]);
    expect(conditions.map((c) => [c.status, c.reason])).toEqual([
      ['False', 'ResourcesDiscovered'],
      ['False', 'ParsedGroupVersions'],
      ['False', 'ContentDeleted'],
      ['False', 'ContentRemoved'],
      ['False', 'ContentHasNoFinalizers'],
    ]);
    expect(conditions.every((c) => c.lastTransitionTime === T0)).toBe(true);
  });

  it('reports remaining content and finalizers sorted, with kube messages', () => {
    const report = emptyReport();
    report.remaining.set('pods.', 2);
    report.remaining.set('gizmos.ns.example.com', 1);
    report.finalizers.set('z.example.com/x', 1);
    report.finalizers.set('a.example.com/y', 3);
    const byType = new Map(updateConditions([], report, T0)!.map((c) => [c.type, c]));
    expect(byType.get('NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message:
        'Some resources are remaining: gizmos.ns.example.com has 1 resource instances, pods. has 2 resource instances',
    });
    expect(byType.get('NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message:
        'Some content in the namespace has finalizers remaining: a.example.com/y in 3 resource instances, z.example.com/x in 1 resource instances',
    });
  });

  it('reports failures: discovery, parsing and content deletion', () => {
    const report = emptyReport();
    report.discoveryError = 'Discovery failed for some groups, 1 failing: boom';
    report.parseErrors.push('unexpected GroupVersion string: a/b/c');
    report.contentErrors.push('second', 'first');
    const byType = new Map(updateConditions([], report, T0)!.map((c) => [c.type, c]));
    expect(byType.get('NamespaceDeletionDiscoveryFailure')).toMatchObject({
      status: 'True',
      reason: 'DiscoveryFailed',
    });
    expect(byType.get('NamespaceDeletionGroupVersionParsingFailure')).toMatchObject({
      status: 'True',
      reason: 'GroupVersionParsingFailed',
      message: 'unexpected GroupVersion string: a/b/c',
    });
    expect(byType.get('NamespaceDeletionContentFailure')).toMatchObject({
      status: 'True',
      reason: 'ContentDeletionFailed',
      message: 'Failed to delete all resource types, 2 remaining: first, second',
    });
  });

  it('answers undefined when nothing changes, and moves the time only when a status flips', () => {
    const report = emptyReport();
    report.remaining.set('configmaps.', 1);
    const first = updateConditions([{ type: 'Other', status: 'True' }], report, T0)!;
    expect(updateConditions(first, report, T1)).toBeUndefined();

    report.remaining.set('configmaps.', 2);
    const recounted = new Map(updateConditions(first, report, T1)!.map((c) => [c.type, c]));
    expect(recounted.get('NamespaceContentRemaining')?.lastTransitionTime).toBe(T0);

    const cleared = updateConditions(first, emptyReport(), T1)!;
    const byType = new Map(cleared.map((c) => [c.type, c]));
    expect(byType.get('NamespaceContentRemaining')).toMatchObject({
      status: 'False',
      reason: 'ContentRemoved',
      lastTransitionTime: T1,
    });
    expect(byType.get('Other')).toEqual({ type: 'Other', status: 'True' });
  });
});
