import { LabelSelector, labelSelectorFromObject } from '../api/selectors/index.js';
import type { CoreV1 } from '../client/index.js';

/** Labels of a namespace by name (empty when unknown): what `namespaceSelector` is matched against. */
export type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>> | undefined;

/**
 * A pod (anti-)affinity term made ready for matching, as the framework's `AffinityTerm`
 * (pkg/scheduler/framework/types.go): the namespaces it names (the pod's own when it names none
 * and has no `namespaceSelector`), its namespace selector (nil selects nothing, `{}` everything),
 * its label selector and topology key.
 */
export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  namespaceSelector: LabelSelector;
  selector: LabelSelector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** Whether `pod` is selected by `term` (`AffinityTerm.Matches`). */
export function termMatches(term: AffinityTerm, pod: CoreV1.Pod, nsLabels: NamespaceLabels): boolean {
  const namespace = pod.metadata?.namespace ?? '';
  const inNamespace =
    term.namespaces.has(namespace) ||
    (!term.namespaceSelector.nothing && term.namespaceSelector.matches(nsLabels(namespace) ?? {}));
  return inNamespace && term.selector.matches(pod.metadata?.labels ?? {});
}

/** Parse one term; a term whose selectors do not parse selects nothing (validation rejects those first). */
export function affinityTerm(pod: CoreV1.Pod, term: CoreV1.PodAffinityTerm): AffinityTerm {
  const names = term.namespaces ?? [];
  const namespaces =
    names.length === 0 && !term.namespaceSelector
      ? new Set([pod.metadata?.namespace ?? ''])
      : new Set<string>(names);
  return {
    namespaces,
    namespaceSelector: safeSelector(term.namespaceSelector),
    selector: safeSelector(term.labelSelector),
    topologyKey: term.topologyKey,
  };
}

function safeSelector(selector: CoreV1.PodAffinityTerm['labelSelector']): LabelSelector {
  try {
    return labelSelectorFromObject(selector);
  } catch {
    return LabelSelector.nothing;
  }
}

/** A pod's four lists of affinity terms, parsed once per pod. */
export interface PodAffinityTerms {
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
}

export function podAffinityTerms(pod: CoreV1.Pod): PodAffinityTerms {
  const affinity = pod.spec?.affinity;
  const required = (terms: CoreV1.PodAffinityTerm[] | undefined) =>
    (terms ?? []).map((t) => affinityTerm(pod, t));
  const preferred = (terms: CoreV1.WeightedPodAffinityTerm[] | undefined) =>
    (terms ?? [])
      .filter((t) => t.weight !== 0)
      .map((t) => ({ ...affinityTerm(pod, t.podAffinityTerm), weight: t.weight }));
  return {
    requiredAffinity: required(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinity: required(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinity: preferred(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: preferred(
      affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    ),
  };
}
