import {
  isStatus,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoreV1,
  type Informer,
  type ReconcileResult,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import { updateConditions } from './namespace/conditions.js';
import { NamespaceContentDeleter } from './namespace/content-deleter.js';

/** The finalizer the API server puts on every namespace and this controller removes. */
export const NAMESPACE_FINALIZER = 'kubernetes';

const NAMESPACES_PATH = '/api/v1/namespaces';

/**
 * The namespace controller: when a namespace is deleted (it then has a deletionTimestamp and the
 * phase Terminating, and the API server refuses new objects in it), it deletes everything in the
 * namespace, reports progress as the namespace's conditions, looks again while content remains,
 * and finally removes the `kubernetes` finalizer through `/finalize`, upon which the API server
 * deletes the namespace.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/namespace/namespace_controller.go
 *
 * Kube looks again after half the estimated time (the longest pod grace period, or 15 s for
 * objects held by finalizers). This controller also looks again as soon as the last pod of a
 * Terminating namespace is gone, so that a namespace whose pods end quickly goes quickly.
 */
export class NamespaceController implements Component {
  readonly name = 'namespace';
  private readonly queue: WorkQueue<string>;
  private readonly namespaces: Informer<CoreV1.Namespace>;
  private readonly deleter: NamespaceContentDeleter;
  private workers: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.deleter = new NamespaceContentDeleter(context.client, () => context.clock.now());
    this.namespaces = context.informers.for(resources.namespaces);
    this.namespaces.addHandler({
      added: (ns) => this.enqueue(ns),
      updated: (_old, ns) => this.enqueue(ns),
    });
    const pods = context.informers.for(resources.pods);
    pods.addHandler({
      deleted: (pod) => {
        const namespace = pod.metadata?.namespace;
        if (!namespace) return;
        const ns = this.namespaces.store.get(namespace);
        if (ns?.metadata?.deletionTimestamp && pods.store.byIndex('namespace', namespace).length === 0) {
          this.queue.add(namespace);
        }
      },
    });
  }

  async start(): Promise<void> {
    this.workers = runWorkers(this.name, this.queue, (key) => this.reconcile(key), {
      workers: 2,
      logger: this.context.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** Only namespaces being deleted are work (kube's `enqueueNamespace`). */
  private enqueue(ns: CoreV1.Namespace): void {
    if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name!);
  }

  /** One pass over a Terminating namespace (kube's `syncNamespaceFromKey` and `Delete`). */
  async reconcile(name: string): Promise<ReconcileResult | void> {
    if (!this.namespaces.store.get(name)) return;
    // Several parties edit a namespace while it terminates: act on its latest state.
    let namespace: CoreV1.Namespace;
    try {
      namespace = await this.namespacesClient().get(name);
    } catch (error) {
      if (isStatus(error, 'NotFound')) return;
      throw error;
    }
    if (!namespace.metadata?.deletionTimestamp) return;
    if (namespace.status?.phase !== 'Terminating') {
      namespace = await this.namespacesClient().updateStatus({
        ...namespace,
        status: { ...namespace.status, phase: 'Terminating' },
      });
    }
    if (!(namespace.spec?.finalizers ?? []).includes(NAMESPACE_FINALIZER)) return;

    const { estimateSeconds, report } = await this.deleter.deleteAllContent(namespace);
    const conditions = updateConditions(namespace.status?.conditions ?? [], report, this.timestamp());
    if (conditions) {
      try {
        namespace = await this.namespacesClient().updateStatus({
          ...namespace,
          status: { ...namespace.status, conditions },
        });
      } catch (error) {
        // Conditions are informative; a failed write must not hold the deletion up.
        if (isStatus(error, 'NotFound')) return;
        this.context.logger.warn('could not update namespace conditions', {
          namespace: name,
          error: String(error),
        });
      }
    }
    const failures = [...report.contentErrors, ...report.parseErrors];
    if (report.discoveryError) failures.push(report.discoveryError);
    if (failures.length > 0) throw new Error(failures.join('; '));
    // Kube waits half the estimate, plus a second, before it looks again.
    if (estimateSeconds > 0) return { requeueAfterMs: (Math.floor(estimateSeconds / 2) + 1) * 1000 };
    await this.finalize(name);
  }

  /** Remove our finalizer through `/finalize`, retrying on conflicts with the latest object. */
  private async finalize(name: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let namespace: CoreV1.Namespace;
      try {
        namespace = await this.namespacesClient().get(name);
      } catch (error) {
        if (isStatus(error, 'NotFound')) return;
        throw error;
      }
      const finalizers = (namespace.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
      try {
        await this.context.client.request({
          method: 'PUT',
          path: `${NAMESPACES_PATH}/${encodeURIComponent(name)}/finalize`,
          body: {
            ...namespace,
            apiVersion: 'v1',
            kind: 'Namespace',
            spec: { ...namespace.spec, finalizers },
          },
        });
        return;
      } catch (error) {
        if (isStatus(error, 'NotFound')) return;
        if (!isStatus(error, 'Conflict') || attempt >= 5) throw error;
      }
    }
  }

  private namespacesClient() {
    return this.context.client.resource(resources.namespaces);
  }

  private timestamp(): string {
    return new Date(this.context.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  }
}
