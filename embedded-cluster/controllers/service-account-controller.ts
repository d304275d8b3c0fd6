import {
  isStatus,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoreV1,
  type Informer,
  type ResourceClient,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import { isNamespaceTerminating } from './endpoints/namespace-errors.js';

/** The accounts every namespace gets (kube-controller-manager's default `ServiceAccountsToEnsure`). */
export const SERVICE_ACCOUNTS_TO_ENSURE = ['default'] as const;

/**
 * The ServiceAccount controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
 * every active namespace has a `default` ServiceAccount — made when the namespace appears, made
 * again when someone deletes it. Namespaces being deleted are left alone. Keys are namespace names.
 */
export class ServiceAccountController implements Component {
  readonly name = 'serviceaccount';
  private readonly queue: WorkQueue<string>;
  private readonly namespaces: Informer<CoreV1.Namespace>;
  private readonly accounts: Informer<CoreV1.ServiceAccount>;
  private readonly client: ResourceClient<CoreV1.ServiceAccount>;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.namespaces = context.informers.for(resources.namespaces);
    this.accounts = context.informers.for(resources.serviceAccounts);
    this.client = context.client.resource(resources.serviceAccounts);
    const namespace = (ns: CoreV1.Namespace) => this.queue.add(ns.metadata?.name ?? '');
    this.namespaces.addHandler({ added: namespace, updated: (_old, ns) => namespace(ns) });
    this.accounts.addHandler({
      deleted: (account) => {
        const name = account.metadata?.name ?? '';
        if ((SERVICE_ACCOUNTS_TO_ENSURE as readonly string[]).includes(name)) {
          this.queue.add(account.metadata?.namespace ?? '');
        }
      },
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

  private async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.store.get(namespace);
    if (!ns || !isActive(ns)) return;
    for (const name of SERVICE_ACCOUNTS_TO_ENSURE) {
      if (this.accounts.store.getByName(namespace, name)) continue;
      try {
        await this.client.create({ metadata: { name, namespace } });
      } catch (error) {
        // Already there (the cache was behind), or the namespace went meanwhile: nothing to do.
        if (
          isStatus(error, 'AlreadyExists') ||
          isStatus(error, 'NotFound') ||
          isNamespaceTerminating(error)
        ) {
          continue;
        }
        throw error;
      }
    }
  }
}

/** Not being deleted (phase Active; a namespace without a phase yet counts as active). */
function isActive(ns: CoreV1.Namespace): boolean {
  return !ns.metadata?.deletionTimestamp && (ns.status?.phase ?? 'Active') === 'Active';
}
