import type { CoreV1 } from '../../client/index.js';
import { podReadyTransitionTime } from './pod-endpoints.js';

interface ServiceState {
  serviceTime: number;
  podTimes: Map<string, number>;
}

/**
 * Computes the `endpoints.kubernetes.io/last-change-trigger-time` annotation: the earliest change
 * (a pod's Ready transition, or the service's creation) not yet reflected, so that latency from a
 * change to its endpoints can be measured. A copy of `TriggerTimeTracker`
 * (k8s.io/endpointslice/util/trigger_time_tracker.go), with the same accepted limitation: an
 * object that changes twice between two syncs reports only its last change.
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /**
   * The trigger time for this sync, in epoch ms (undefined: no new trigger; drop the annotation).
   * Records the state it saw, so call it once per sync even when nothing will be written.
   */
  compute(serviceKey: string, service: CoreV1.Service, pods: readonly CoreV1.Pod[]): number | undefined {
    const known = this.states.get(serviceKey);
    let earliest: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const time = parseTime(podReadyTransitionTime(pod));
      if (time === undefined) continue;
      const name = pod.metadata?.name ?? '';
      podTimes.set(name, time);
      if (time > (known?.podTimes.get(name) ?? -Infinity)) earliest = Math.min(earliest ?? time, time);
    }
    const serviceTime = parseTime(service.metadata?.creationTimestamp) ?? 0;
    if (serviceTime > (known?.serviceTime ?? -Infinity))
      earliest = Math.min(earliest ?? serviceTime, serviceTime);
    this.states.set(serviceKey, { serviceTime, podTimes });
    // A service seen for the first time reports its creation.
    return known ? earliest : serviceTime || undefined;
  }

  deleteService(serviceKey: string): void {
    this.states.delete(serviceKey);
  }
}

function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
