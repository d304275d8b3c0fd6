import {
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  splitKey,
  WorkQueue,
  type Component,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type ResourceClient,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import {
  endpointSubsets,
  OVER_CAPACITY,
  sameSubsets,
  truncateSubsets,
} from './endpoints/endpoints-subsets.js';
import { isNamespaceTerminating } from './endpoints/namespace-errors.js';
import {
  HEADLESS_LABEL,
  isServiceIpSet,
  LAST_CHANGE_TRIGGER_TIME,
  rfc3339Nano,
  sameStringMap,
} from './endpoints/pod-endpoints.js';
import { ServiceMembership } from './endpoints/service-membership.js';
import { CacheBehindError, WriteTracker } from './endpoints/stale-cache.js';
import { TriggerTimeTracker } from './endpoints/trigger-time.js';

/**
 * How long pod changes are gathered before a service's Endpoints are rewritten
 * (kube-controller-manager's `--endpoint-updates-batch-period`, 0 there by default). A short batch
 * turns a burst of pod updates — a 1,000-pod rollout — into a few writes of the Endpoints object
 * instead of hundreds.
 */
export const ENDPOINT_UPDATES_BATCH_MS = 50;

/**
 * The Endpoints controller (pkg/controller/endpoint/endpoints_controller.go): for every Service
 * with a selector, an Endpoints object of the same name listing the selected pods' addresses —
 * ready pods in `addresses`, running but not ready ones in `notReadyAddresses` (all in
 * `addresses` when the service sets `publishNotReadyAddresses`) — grouped by the ports they offer,
 * named target ports resolved per pod. Services without a selector keep the Endpoints their users
 * write; ExternalName services get none. The Endpoints object goes when its Service does, and is
 * rewritten only when its content changes.
 */
export class EndpointsController implements Component {
  readonly name = 'endpoints';
  private readonly queue: WorkQueue<string>;
  private readonly services: Informer<CoreV1.Service>;
  private readonly endpoints: Informer<CoreV1.Endpoints>;
  private readonly membership: ServiceMembership;
  private readonly client: ResourceClient<CoreV1.Endpoints>;
  private readonly recorder: EventRecorder;
  private readonly writes = new WriteTracker();
  private readonly triggerTimes = new TriggerTimeTracker();
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.services = context.informers.for(resources.services);
    this.endpoints = context.informers.for(resources.endpoints);
    this.membership = new ServiceMembership(this.services, context.informers.for(resources.pods));
    this.client = context.client.resource(resources.endpoints);
    this.recorder = recorderFor(context, 'endpoint-controller');
    this.membership.watch((key, cause) =>
      cause === 'pod' ? this.queue.addAfter(key, ENDPOINT_UPDATES_BATCH_MS) : this.queue.add(key),
    );
    // Deleted Endpoints of a live service come back.
    this.endpoints.addHandler({
      deleted: (endpoints) => {
        const key = objectKey(endpoints);
        this.writes.forgetObject(key, key);
        this.queue.add(key);
      },
    });
  }

  async start(): Promise<void> {
    // Endpoints left behind by services deleted while the controller was down (`checkLeftoverEndpoints`).
    for (const key of this.endpoints.store.keys()) this.queue.add(key);
    this.running = runWorkers(this.name, this.queue, (key) => this.sync(key), {
      workers: 2,
      logger: this.context.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const service = this.services.store.get(key);
    if (!service) {
      await this.deleteEndpoints(key, namespace, name);
      return;
    }
    if (service.spec?.type === 'ExternalName' || !service.spec?.selector) return;

    const pods = this.membership.podsOf(service);
    // Computed on every sync so the tracker sees each state, even when nothing is written.
    const triggerTime = this.triggerTimes.compute(key, service, pods);
    const { subsets, truncated } = truncateSubsets(endpointSubsets(service, pods));

    const current = this.endpoints.store.get(key);
    if (this.writes.isBehind(key, (k) => this.endpoints.store.get(k)))
      throw new CacheBehindError(`endpoints ${key}`);
    const labels = endpointsLabels(service);
    if (
      current &&
      sameSubsets(current.subsets, subsets) &&
      sameStringMap(current.metadata?.labels, labels) &&
      (current.metadata?.annotations?.[OVER_CAPACITY] === 'truncated') === truncated
    ) {
      return;
    }

    const annotations: Record<string, string> = { ...current?.metadata?.annotations };
    if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(triggerTime);
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    if (truncated) annotations[OVER_CAPACITY] = 'truncated';
    else delete annotations[OVER_CAPACITY];
    const desired: CoreV1.Endpoints = {
      ...current,
      metadata: { ...current?.metadata, name, namespace, labels, annotations },
      subsets,
    };
    try {
      const written = current ? await this.client.update(desired) : await this.client.create(desired);
      this.writes.wrote(key, key, written);
    } catch (error) {
      // A terminating namespace takes no new objects; its services are going anyway.
      if (!current && isNamespaceTerminating(error)) return;
      if (!isStatus(error, 'Conflict')) {
        this.recorder.event(
          desired,
          'Warning',
          current ? 'FailedToUpdateEndpoint' : 'FailedToCreateEndpoint',
          current
            ? `Failed to update endpoint ${namespace}/${name}: ${String(error)}`
            : `Failed to create endpoint for service ${namespace}/${name}: ${String(error)}`,
        );
      }
      throw error;
    }
  }

  /** The service is gone: so are its Endpoints (whoever wrote them, as upstream). */
  private async deleteEndpoints(key: string, namespace: string, name: string): Promise<void> {
    this.triggerTimes.deleteService(key);
    this.writes.forget(key);
    if (!this.endpoints.store.get(key)) return;
    try {
      await this.client.delete(name, { namespace });
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
    }
  }
}

/** The service's labels, plus the headless mark when it has no cluster IP. */
function endpointsLabels(service: CoreV1.Service): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  if (isServiceIpSet(service)) delete labels[HEADLESS_LABEL];
  else labels[HEADLESS_LABEL] = '';
  return labels;
}
