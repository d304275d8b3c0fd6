import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { EventRecorder } from './event-recorder.js';
import type { InformerFactory } from './informer-factory.js';
import type { KubeClient } from './kube-client.js';

/**
 * What every control-plane component is built from: its API client, the shared informers, a
 * clock (manual in tests) and a logger. One object, so a component's constructor takes one config.
 */
export interface ComponentContext {
  client: KubeClient;
  informers: InformerFactory;
  clock: Clock;
  logger: Logger;
  /** The node name events are reported from. */
  host?: string;
}

/** An event recorder reporting as `component`. */
export function recorderFor(context: ComponentContext, component: string): EventRecorder {
  return new EventRecorder(
    context.client,
    { component, ...(context.host ? { host: context.host } : {}) },
    { clock: context.clock, logger: context.logger },
  );
}
