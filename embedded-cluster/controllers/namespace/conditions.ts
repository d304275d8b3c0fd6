import type { CoreV1 } from '../../client/index.js';

/**
 * The conditions the namespace controller reports on a Terminating namespace, as kube 1.32's
 * `namespaceConditionUpdater` does: five types, each True with a failure reason while something is
 * wrong and False with its "ok" reason otherwise.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/namespace/deletion/status_condition_utils.go
 */

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

export type NamespaceConditionType = (typeof CONDITION_TYPES)[number];

const OK: Record<NamespaceConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: {
    reason: 'ResourcesDiscovered',
    message: 'All resources successfully discovered',
  },
  NamespaceDeletionGroupVersionParsingFailure: {
    reason: 'ParsedGroupVersions',
    message: 'All legacy kube types successfully parsed',
  },
  NamespaceDeletionContentFailure: {
    reason: 'ContentDeleted',
    message: 'All content successfully deleted, may be waiting on finalization',
  },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: {
    reason: 'ContentHasNoFinalizers',
    message: 'All content-preserving finalizers finished',
  },
};

/** What one pass of content deletion found, to be turned into conditions. */
export interface DeletionReport {
  /** The discovery error's message, if discovery failed for some groups. */
  discoveryError?: string;
  /** Group version strings that did not parse. */
  parseErrors: string[];
  /** One message per resource whose content could not be deleted. */
  contentErrors: string[];
  /** Remaining objects per resource, keyed `resource.group` (core: `pods.`). */
  remaining: Map<string, number>;
  /** Remaining objects per finalizer they carry. */
  finalizers: Map<string, number>;
}

export function emptyReport(): DeletionReport {
  return { parseErrors: [], contentErrors: [], remaining: new Map(), finalizers: new Map() };
}

/** The failing conditions a report gives; types not listed are ok. */
export function failingConditions(
  report: DeletionReport,
): Map<NamespaceConditionType, { reason: string; message: string }> {
  const out = new Map<NamespaceConditionType, { reason: string; message: string }>();
  if (report.discoveryError !== undefined) {
    out.set('NamespaceDeletionDiscoveryFailure', {
      reason: 'DiscoveryFailed',
      message: report.discoveryError,
    });
  }
  if (report.parseErrors.length > 0) {
    out.set('NamespaceDeletionGroupVersionParsingFailure', {
      reason: 'GroupVersionParsingFailed',
      message: report.parseErrors.join(', '),
    });
  }
  if (report.contentErrors.length > 0) {
    const messages = [...report.contentErrors].sort();
    out.set('NamespaceDeletionContentFailure', {
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(', ')}`,
    });
  }
  const remaining = counted(report.remaining, (key, n) => `${key} has ${n} resource instances`);
  if (remaining.length > 0) {
    out.set('NamespaceContentRemaining', {
      reason: 'SomeResourcesRemain',
      message: `Some resources are remaining: ${remaining.join(', ')}`,
    });
  }
  const finalizers = counted(report.finalizers, (key, n) => `${key} in ${n} resource instances`);
  if (finalizers.length > 0) {
    out.set('NamespaceFinalizersRemaining', {
      reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`,
    });
  }
  return out;
}

/** Sorted "what has how many" phrases, for stable messages (kube sorts too). */
function counted(counts: Map<string, number>, phrase: (key: string, n: number) => string): string[] {
  return [...counts]
    .filter(([, n]) => n > 0)
    .map(([key, n]) => phrase(key, n))
    .sort();
}

/**
 * The namespace's conditions after a pass: each of the five types set to its failing or ok
 * variant, the transition time moved only when the status flips; other conditions kept. Answers
 * undefined when nothing changed (no status write needed).
 */
export function updateConditions(
  existing: readonly CoreV1.NamespaceCondition[],
  report: DeletionReport,
  now: string,
): CoreV1.NamespaceCondition[] | undefined {
  const failing = failingConditions(report);
  const conditions = existing.map((c) => ({ ...c }));
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const fail = failing.get(type);
    const wanted = { type, status: fail ? 'True' : 'False', ...(fail ?? OK[type]) };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ ...wanted, lastTransitionTime: now });
      changed = true;
    } else if (
      old.status !== wanted.status ||
      old.reason !== wanted.reason ||
      old.message !== wanted.message
    ) {
      if (old.status !== wanted.status) old.lastTransitionTime = now;
      old.status = wanted.status;
      old.reason = wanted.reason;
      old.message = wanted.message;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
