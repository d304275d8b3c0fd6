import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { KubeClient, ResourceClient } from './kube-client.js';
import { resources, type KubeObjectLike } from './resources.js';

export type EventType = 'Normal' | 'Warning';

const SIMILAR_WINDOW_MS = 10 * 60_000;
const MAX_IN_FLIGHT = 500;
const CACHE_LIMIT = 4096;

/**
 * Records core/v1 Events about objects, as client-go's `record.EventRecorder`: the same event
 * (object and field path, type, reason, message) again within ten minutes bumps the existing
 * Event's `count` and `lastTimestamp` instead of creating another. Recording never blocks or fails
 * the caller: events are best-effort, as in Kubernetes.
 *
 * An event can be about a part of its object: `fieldPath` becomes `involvedObject.fieldPath`, as
 * the kubelet's container events carry `spec.containers{app}` (k8s.io/kubernetes
 * pkg/kubelet/container/ref.go `GenerateContainerRef`), shown by `kubectl get events -o wide`
 * as SUBOBJECT. It is part of the key events are counted under, as in client-go's `getEventKey`
 * (https://github.com/kubernetes/client-go/blob/master/tools/record/events_cache.go), so the same
 * event from two containers of a pod stays two Events.
 */
export class EventRecorder {
  private readonly events: ResourceClient<Event>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly seen = new Map<
    string,
    { name: string; namespace: string; count: number; at: number; written: Promise<boolean> }
  >();
  private inFlight = 0;
  private pending = Promise.resolve();

  constructor(
    client: KubeClient,
    private readonly source: { component: string; host?: string },
    options: { clock?: Clock; logger?: Logger } = {},
  ) {
    this.events = client.resource(resources.events);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Record an event about `object`, or about the part of it `fieldPath` names (e.g.
   * `spec.containers{app}`); never throws, never waits.
   */
  event(object: KubeObjectLike, type: EventType, reason: string, message: string, fieldPath?: string): void {
    if (this.inFlight >= MAX_IN_FLIGHT) return; // a storm of events: drop, as the spam filter would
    const meta = object.metadata ?? {};
    const involved: ObjectReference = {
      kind: object.kind ?? '',
      apiVersion: object.apiVersion ?? '',
      name: meta.name ?? '',
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      ...(meta.uid ? { uid: meta.uid } : {}),
      ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      ...(fieldPath ? { fieldPath } : {}),
    };
    this.inFlight++;
    const write = this.write(involved, type, reason, message)
      .catch((error: unknown) => this.logger.warn('could not record event', { reason, error: String(error) }))
      .finally(() => this.inFlight--);
    const previous = this.pending;
    this.pending = Promise.all([previous, write]).then(() => {});
  }

  /** Resolves once every event recorded so far has been written (for tests and orderly stops). */
  flush(): Promise<void> {
    return this.pending;
  }

  private write(involved: ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.clock.now();
    const timestamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    const subject = involved.uid ?? involved.name;
    const id = [subject, involved.fieldPath ?? '', type, reason, message].join('\u0000');
    const similar = this.seen.get(id);
    if (similar && now - similar.at < SIMILAR_WINDOW_MS) {
      // Known (possibly still being created): count it on the existing Event, in order.
      const count = ++similar.count;
      similar.at = now;
      similar.written = similar.written.then(async (exists) => {
        if (!exists) return false;
        try {
          await this.events.patch(
            similar.name,
            { count, lastTimestamp: timestamp },
            { namespace: similar.namespace },
          );
          return true;
        } catch {
          return false; // gone (expired, deleted): the next one is recorded afresh
        }
      });
      return similar.written.then((exists) => {
        if (!exists && this.seen.get(id) === similar) this.seen.delete(id);
      });
    }
    // Events about cluster-scoped objects live in `default`, as client-go puts them.
    const namespace = involved.namespace ?? 'default';
    const name = `${involved.name}.${(now * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
    const written = this.events
      .create({
        metadata: { name, namespace },
        involvedObject: involved,
        reason,
        message,
        type,
        source: { component: this.source.component, ...(this.source.host ? { host: this.source.host } : {}) },
        firstTimestamp: timestamp,
        lastTimestamp: timestamp,
        count: 1,
        reportingComponent: this.source.component,
        reportingInstance: this.source.host ?? this.source.component,
      })
      .then(() => true);
    if (this.seen.size >= CACHE_LIMIT) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(id, { name, namespace, count: 1, at: now, written: written.catch(() => false) });
    return written.then(() => {});
  }
}
