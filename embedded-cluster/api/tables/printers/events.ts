import type { KubeObject } from '../../object.js';
import { DOC } from '../descriptions.js';
import { since } from '../human-duration.js';
import { column, int, obj, str, type Obj, type Printer } from '../types.js';

/**
 * The event printer (`printEvent`): LAST SEEN, TYPE, REASON, OBJECT, MESSAGE,
 * and wide SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME. Serves core/v1 Events
 * and events.k8s.io/v1 Events alike, as both are the same stored object.
 */

/** The core/v1 view of an events.k8s.io/v1 Event (pkg/apis/events/v1/conversion.go). */
function asCoreEvent(o: KubeObject): Obj {
  if (typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('events.k8s.io/')) return o;
  return {
    ...o,
    involvedObject: o.regarding,
    message: o.note,
    source: o.deprecatedSource,
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    count: o.deprecatedCount,
    reportingComponent: o.reportingController,
  };
}

/** `formatEventSource`: component (or reporting controller), then `, host` (or reporting instance). */
function eventSource(e: Obj): string {
  const source = obj(e.source);
  const component = str(source.component) || str(e.reportingComponent);
  const instance = str(source.host) || str(e.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

export const EVENT_PRINTER: Printer = {
  columns: [
    column('Last Seen', 'string', DOC['Event.lastTimestamp']),
    column('Type', 'string', DOC['Event.type']),
    column('Reason', 'string', DOC['Event.reason']),
    column('Object', 'string', DOC['Event.involvedObject']),
    column('Subobject', 'string', DOC['ObjectReference.fieldPath'], { priority: 1 }),
    column('Source', 'string', DOC['Event.source'], { priority: 1 }),
    column('Message', 'string', DOC['Event.message']),
    column('First Seen', 'string', DOC['Event.firstTimestamp'], { priority: 1 }),
    column('Count', 'string', DOC['Event.count'], { priority: 1 }),
    column('Name', 'string', DOC['ObjectMeta.name'], { priority: 1, format: 'name' }),
  ],
  print(o, { now }) {
    const e = asCoreEvent(o);
    const ref = obj(e.involvedObject);
    const firstSeen = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
    let lastSeen = e.lastTimestamp ? since(e.lastTimestamp, now) : firstSeen;
    let count = int(e.count);
    if (e.series) {
      lastSeen = since(obj(e.series).lastObservedTime, now);
      count = int(obj(e.series).count);
    } else if (count === 0) {
      // Singleton events of the new API carry no count.
      count = 1;
    }
    const kind = str(ref.kind).toLowerCase();
    const target = str(ref.name) ? `${kind}/${str(ref.name)}` : kind;
    return {
      cells: [
        lastSeen,
        str(e.type),
        str(e.reason),
        target,
        str(ref.fieldPath),
        eventSource(e),
        str(e.message).trim(),
        firstSeen,
        count,
        o.metadata?.name ?? '',
      ],
    };
  },
};
