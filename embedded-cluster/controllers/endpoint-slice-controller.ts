import {
  isStatus,
  objectKey,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoreV1,
  type DiscoveryV1,
  type Informer,
  type ResourceClient,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import { isNamespaceTerminating } from './endpoints/namespace-errors.js';
import { LAST_CHANGE_TRIGGER_TIME, rfc3339Nano } from './endpoints/pod-endpoints.js';
import { ServiceMembership } from './endpoints/service-membership.js';
import {
  CONTROLLER_NAME,
  MANAGED_BY_LABEL,
  planSlices,
  SERVICE_NAME_LABEL,
  ZONE_LABEL,
} from './endpoints/slice-planner.js';
import { CacheBehindError, WriteTracker } from './endpoints/stale-cache.js';
import { TriggerTimeTracker } from './endpoints/trigger-time.js';

type Slice = DiscoveryV1.EndpointSlice;

/** Index of managed slices by `namespace/service` (their service-name label). */
const BY_SERVICE = 'endpointslice-controller/service';

/** How long pod changes are gathered before a service's slices are rewritten (`--endpointslice-updates-batch-period`). */
export const SLICE_UPDATES_BATCH_MS = 50;

/**
 * The EndpointSlice controller (pkg/controller/endpointslice/endpointslice_controller.go with the
 * reconciler of k8s.io/endpointslice): for every Service with a selector, EndpointSlices named
 * `<service>-<random>` listing the selected pods as endpoints with `ready`/`serving`/`terminating`
 * conditions, at most 100 to a slice, grouped by the ports they offer. Slices carry the
 * `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by` labels and a
 * controller ownerReference to the Service, so the garbage collector removes them with it (as
 * upstream, this controller never deletes them for a deleted service). A slice someone else edits
 * or deletes is put right; slices are written only when their content changes.
 */
export class EndpointSliceController implements Component {
  readonly name = 'endpointslice';
  private readonly queue: WorkQueue<string>;
  private readonly services: Informer<CoreV1.Service>;
  private readonly slices: Informer<Slice>;
  private readonly nodes: Informer<CoreV1.Node>;
  private readonly membership: ServiceMembership;
  private readonly client: ResourceClient<Slice>;
  private readonly writes = new WriteTracker();
  private readonly triggerTimes = new TriggerTimeTracker();
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.services = context.informers.for(resources.services);
    this.slices = context.informers.for(resources.endpointSlices);
    this.nodes = context.informers.for(resources.nodes);
    this.membership = new ServiceMembership(this.services, context.informers.for(resources.pods));
    this.client = context.client.resource(resources.endpointSlices);
    this.slices.store.addIndex(BY_SERVICE, (slice) => {
      const service = managedServiceName(slice);
      return service ? [`${slice.metadata?.namespace ?? ''}/${service}`] : [];
    });
    this.membership.watch((key, cause) =>
      cause === 'pod' ? this.queue.addAfter(key, SLICE_UPDATES_BATCH_MS) : this.queue.add(key),
    );
    // A managed slice changed or deleted by anyone but us: sync its service to put it right.
    const sliceChanged = (slice: Slice, gone: boolean) => {
      const service = managedServiceName(slice);
      if (!service) return;
      const serviceKey = `${slice.metadata?.namespace ?? ''}/${service}`;
      const key = objectKey(slice);
      if (this.writes.isOwnEcho(serviceKey, key, gone ? undefined : slice)) return;
      if (gone) this.writes.forgetObject(serviceKey, key);
      this.queue.add(serviceKey);
    };
    this.slices.addHandler({
      added: (slice) => sliceChanged(slice, false),
      updated: (old, slice) => {
        if (old.metadata?.resourceVersion !== slice.metadata?.resourceVersion) sliceChanged(slice, false);
      },
      deleted: (slice) => sliceChanged(slice, true),
    });
  }

  async start(): Promise<void> {
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
    const service = this.services.store.get(key);
    if (!service) {
      // The garbage collector removes the slices through their ownerReferences.
      this.triggerTimes.deleteService(key);
      this.writes.forget(key);
      return;
    }
    if (service.spec?.type === 'ExternalName' || !service.spec?.selector) return;
    if (this.writes.isBehind(key, (k) => this.slices.store.get(k)))
      throw new CacheBehindError(`slices of ${key}`);

    const pods = this.membership.podsOf(service);
    const triggerTime = this.triggerTimes.compute(key, service, pods);
    const existing = this.slices.store.byIndex(BY_SERVICE, key);
    const plan = planSlices(service, pods, existing, {
      nodeZone: (node) => this.nodes.store.get(node)?.metadata?.labels?.[ZONE_LABEL],
    });
    const stamp = (slice: Slice): Slice => {
      const annotations: Record<string, string> = { ...slice.metadata?.annotations };
      if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(triggerTime);
      else delete annotations[LAST_CHANGE_TRIGGER_TIME];
      return { ...slice, metadata: { ...slice.metadata, annotations } };
    };

    // No new slices for a service on its way out: the garbage collector would race us.
    if (!service.metadata?.deletionTimestamp) {
      for (const slice of plan.create) {
        try {
          const created = await this.client.create(stamp(slice));
          this.writes.wrote(key, objectKey(created), created);
        } catch (error) {
          if (isNamespaceTerminating(error)) return;
          throw error;
        }
      }
    }
    for (const slice of plan.update) {
      const updated = await this.client.update(stamp(slice));
      this.writes.wrote(key, objectKey(updated), updated);
    }
    for (const slice of plan.delete) {
      const { name = '', namespace = '' } = slice.metadata ?? {};
      try {
        await this.client.delete(name, { namespace });
      } catch (error) {
        if (!isStatus(error, 'NotFound')) throw error;
      }
      this.writes.deleted(key, `${namespace}/${name}`);
    }
  }
}

/** The service a slice managed by this controller belongs to. */
function managedServiceName(slice: Slice): string | undefined {
  const labels = slice.metadata?.labels;
  return labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME ? labels[SERVICE_NAME_LABEL] || undefined : undefined;
}
