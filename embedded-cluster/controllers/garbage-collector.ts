import {
  recorderFor,
  resourceRef,
  runWorkers,
  WorkQueue,
  type Component,
  type Informer,
  type KubeObjectLike,
  type ReconcileResult,
  discoverResources,
  refOf,
  ResourceMapper,
  supports,
} from '../client/index.js';
import type { Timer } from '../util/clock.js';
import type { ControllerContext } from './controller-context.js';
import {
  Collector,
  NamespacedOwnerOfClusterScopedError,
  VirtualDeleteError,
} from './garbage-collector/collector.js';
import { GraphBuilder, type GraphNode } from './garbage-collector/graph.js';

const CRDS = resourceRef(
  'apiextensions.k8s.io',
  'v1',
  'customresourcedefinitions',
  'CustomResourceDefinition',
  false,
);

/**
 * Resources the collector does not watch: kube's default `--ignored-resources`. Events are many,
 * short-lived and never own anything.
 */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

/** How long to wait for new monitors to list before the workers start anyway. */
const MONITOR_SYNC_TIMEOUT_MS = 30_000;
/** CRD changes come in bursts (created, then Established): rediscover once per burst. */
const RESYNC_DELAY_MS = 250;
/** How often to look again at a node that exists but no informer has shown yet (kube: rate-limited). */
const UNOBSERVED_BASE_MS = 100;
const UNOBSERVED_MAX_MS = 5 * 60_000;

/**
 * The garbage collector: it deletes objects whose owners are all gone, following
 * ownerReferences with the propagation the owner was deleted with: Background (the owner goes at
 * once; its dependents after), Foreground (the owner waits, with the `foregroundDeletion`
 * finalizer, until its blocking dependents are gone) and Orphan (the dependents lose the reference
 * and stay). It watches every listable resource through the shared informers (so pods and the
 * rest are listed once for all controllers), rediscovering when CRDs change, and keeps the
 * owner→dependents graph in {@link GraphBuilder}; {@link Collector} acts on it.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/garbagecollector/garbagecollector.go
 */
export class GarbageCollector implements Component {
  readonly name = 'garbagecollector';
  private readonly attemptToDeleteQueue: WorkQueue<string>;
  private readonly attemptToOrphanQueue: WorkQueue<string>;
  private readonly graph: GraphBuilder;
  private readonly collector: Collector;
  private mapper = new ResourceMapper([]);
  /** Monitored resources by `group/resource`. */
  private readonly monitors = new Map<string, Informer<KubeObjectLike>>();
  private readonly unobservedRetries = new Map<string, number>();
  private syncing: Promise<void> = Promise.resolve();
  private resyncTimer: Timer | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.attemptToDeleteQueue = new WorkQueue({ clock: context.clock });
    this.attemptToOrphanQueue = new WorkQueue({ clock: context.clock });
    const enqueueDelete = (node: GraphNode) => this.attemptToDeleteQueue.add(node.identity.uid);
    this.graph = new GraphBuilder({
      attemptToDelete: enqueueDelete,
      attemptToOrphan: (node) => this.attemptToOrphanQueue.add(node.identity.uid),
      invalidNamespaceOwnerRef: (dep, ownerUid) =>
        this.collector.reportInvalidNamespaceOwnerRef(dep, ownerUid),
    });
    this.collector = new Collector(
      context.client,
      this.graph,
      () => this.mapper,
      recorderFor(context, 'garbage-collector-controller'),
      enqueueDelete,
    );
    // New custom resources need monitors (kube rediscovers every 30 s; a CRD informer is cheaper).
    context.informers.for(CRDS).addHandler({
      added: () => this.scheduleResync(),
      updated: (old, crd) => {
        if (old !== crd) this.scheduleResync();
      },
      deleted: () => this.scheduleResync(),
    });
  }

  async start(): Promise<void> {
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resyncTimer) this.context.clock.clearTimeout(this.resyncTimer);
    this.attemptToDeleteQueue.shutDown();
    this.attemptToOrphanQueue.shutDown();
    await this.running;
  }

  /** Discover, watch, wait for the graph to fill, then work (kube starts workers after sync). */
  private async run(): Promise<void> {
    await this.resync();
    await this.syncing;
    await this.monitorsSynced();
    if (this.stopped) return;
    const logger = this.context.logger;
    await Promise.all([
      runWorkers(
        'garbagecollector/attempt-to-delete',
        this.attemptToDeleteQueue,
        (uid) => this.attemptToDelete(uid),
        {
          workers: 2,
          logger,
        },
      ),
      runWorkers(
        'garbagecollector/attempt-to-orphan',
        this.attemptToOrphanQueue,
        (uid) => this.attemptToOrphan(uid),
        {
          logger,
        },
      ),
    ]);
  }

  private scheduleResync(): void {
    if (this.resyncTimer || this.stopped) return;
    this.resyncTimer = this.context.clock.setTimeout(() => {
      this.resyncTimer = undefined;
      void this.resync();
    }, RESYNC_DELAY_MS);
    this.resyncTimer.unref?.();
  }

  /** Rediscover and start monitors for resources not yet watched; one at a time. */
  private resync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      if (this.stopped) return;
      try {
        const discovery = await discoverResources(this.context.client);
        this.mapper = new ResourceMapper(discovery.resources);
        for (const r of discovery.resources) {
          const key = `${r.group}/${r.resource}`;
          if (!r.preferred || IGNORED.has(key) || this.monitors.has(key)) continue;
          if (!supports(r, 'list', 'watch', 'delete')) continue;
          const informer = this.context.informers.for(refOf(r));
          // The graph is the collector's own cache, kept in the order events arrive (kube's single
          // graphChanges worker); it only enqueues work, it never calls the API.
          informer.addHandler({
            added: (object) => this.graph.process({ type: 'added', object }),
            updated: (old, object) => {
              if (old !== object) this.graph.process({ type: 'updated', object, old });
            },
            deleted: (object) => this.graph.process({ type: 'deleted', object }),
          });
          this.monitors.set(key, informer);
        }
        if (discovery.failedGroups.size > 0) this.scheduleResync();
      } catch (error) {
        this.context.logger.warn('garbage collector discovery failed; retrying', { error: String(error) });
        this.scheduleResync();
      }
    });
    return this.syncing;
  }

  private async monitorsSynced(): Promise<void> {
    let timer: Timer | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = this.context.clock.setTimeout(resolve, MONITOR_SYNC_TIMEOUT_MS);
      timer.unref?.();
    });
    await Promise.race([Promise.all([...this.monitors.values()].map((i) => i.synced())), timeout]);
    if (timer) this.context.clock.clearTimeout(timer);
  }

  private async attemptToDelete(uid: string): Promise<ReconcileResult | void> {
    const node = this.graph.get(uid);
    if (!node) {
      this.unobservedRetries.delete(uid);
      return;
    }
    try {
      await this.collector.attemptToDelete(node);
    } catch (error) {
      if (error instanceof VirtualDeleteError || error instanceof NamespacedOwnerOfClusterScopedError) {
        this.unobservedRetries.delete(uid);
        return;
      }
      throw error;
    }
    if (node.observed || this.graph.get(uid) !== node) {
      this.unobservedRetries.delete(uid);
      return;
    }
    // It exists, yet no informer has shown it: look again until one does (kube requeues it), so a
    // virtual node cannot linger in the graph.
    const retries = this.unobservedRetries.get(uid) ?? 0;
    this.unobservedRetries.set(uid, retries + 1);
    return { requeueAfterMs: Math.min(UNOBSERVED_BASE_MS * 2 ** retries, UNOBSERVED_MAX_MS) };
  }

  private async attemptToOrphan(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (node) await this.collector.attemptToOrphan(node);
  }
}
