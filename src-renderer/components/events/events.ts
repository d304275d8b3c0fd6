/**
 * Core v1 Events as the events views show them: when an event last happened (the newest of
 * `series.lastObservedTime`, `lastTimestamp`, `eventTime`, `firstTimestamp`, creation — events
 * from events.k8s.io clients fill different fields than the old recorder), how many times, who
 * reported it, newest-first order and the text filter.
 */
import type { Event } from 'kubernetes-types/core/v1.js';

/** An event as the informer hands it over (metadata always present). */
export type KubeEvent = Event & { metadata: NonNullable<Event['metadata']> };

/** When the event last happened, ms since the epoch (0 when unknown). */
export function lastSeen(event: KubeEvent): number {
  const candidates = [
    event.series?.lastObservedTime,
    event.lastTimestamp,
    event.eventTime,
    event.firstTimestamp,
    event.metadata.creationTimestamp,
  ];
  for (const c of candidates) {
    const t = c ? Date.parse(c) : NaN;
    if (!Number.isNaN(t)) return t;
  }
  return 0;
}

export function eventCount(event: KubeEvent): number {
  return event.series?.count ?? event.count ?? 1;
}

/** `kubelet, kubedesk` or the reporting controller. */
export function eventSource(event: KubeEvent): string {
  const component = event.source?.component || event.reportingComponent || '';
  const host = event.source?.host || event.reportingInstance || '';
  // Controllers report themselves as both component and instance: say it once.
  return [...new Set([component, host].filter(Boolean))].join(', ');
}

/** `Pod/web-1`, with `.spec.containers{app}` appended when the event is about part of it. */
export function involvedText(event: KubeEvent): string {
  const o = event.involvedObject;
  return `${o.kind ?? ''}/${o.name ?? ''}${o.fieldPath ? ` (${o.fieldPath})` : ''}`;
}

/** Newest first; ties by name for a stable order. */
export function sortEvents(events: readonly KubeEvent[]): KubeEvent[] {
  return [...events].sort(
    (a, b) => lastSeen(b) - lastSeen(a) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
}

/** Events matching every word of `text` (in type, reason, object, message, source, namespace). */
export function filterEvents(
  events: readonly KubeEvent[],
  options: { text?: string; warningsOnly?: boolean },
): KubeEvent[] {
  const words = (options.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return events.filter((e) => {
    if (options.warningsOnly && e.type !== 'Warning') return false;
    if (!words.length) return true;
    const haystack = [e.type, e.reason, involvedText(e), e.message, eventSource(e), e.metadata.namespace]
      .join(' ')
      .toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}
