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

/** The ConfigMap published in every namespace (`RootCACertConfigMapName`). */
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
/** Its one key: the PEM of the cluster CA. */
export const ROOT_CA_KEY = 'ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
/** The description Kubernetes puts on the ConfigMap, word for word. */
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints ' +
  'such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

/**
 * The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher/publisher.go):
 * a `kube-root-ca.crt` ConfigMap holding the cluster CA under `ca.crt` in every namespace, so pods
 * can verify the API server (the projected service-account volume mounts it). Made when a
 * namespace appears, made again when deleted, restored when edited. Keys are namespace names.
 */
export class RootCaPublisher implements Component {
  readonly name = 'root-ca-cert-publisher';
  private readonly queue: WorkQueue<string>;
  private readonly namespaces: Informer<CoreV1.Namespace>;
  private readonly configMaps: Informer<CoreV1.ConfigMap>;
  private readonly client: ResourceClient<CoreV1.ConfigMap>;
  private running: Promise<void> | undefined;

  constructor(private readonly context: ControllerContext) {
    this.queue = new WorkQueue({ clock: context.clock });
    this.namespaces = context.informers.for(resources.namespaces);
    this.configMaps = context.informers.for(resources.configMaps);
    this.client = context.client.resource(resources.configMaps);
    this.namespaces.addHandler({
      added: (ns) => this.queue.add(ns.metadata?.name ?? ''),
      updated: (_old, ns) => {
        if ((ns.status?.phase ?? 'Active') === 'Active') this.queue.add(ns.metadata?.name ?? '');
      },
    });
    const configMap = (cm: CoreV1.ConfigMap) => {
      if (cm.metadata?.name === ROOT_CA_CONFIG_MAP) this.queue.add(cm.metadata.namespace ?? '');
    };
    this.configMaps.addHandler({ updated: (_old, cm) => configMap(cm), deleted: configMap });
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
    const data = { [ROOT_CA_KEY]: this.context.caCert };
    const current = this.configMaps.store.getByName(namespace, ROOT_CA_CONFIG_MAP);
    if (!current) {
      const ns = this.namespaces.store.get(namespace);
      if (!ns || ns.metadata?.deletionTimestamp) return;
      try {
        await this.client.create({
          metadata: {
            name: ROOT_CA_CONFIG_MAP,
            namespace,
            annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION },
          },
          data,
        });
      } catch (error) {
        // Don't retry for a namespace that is gone or going.
        if (isStatus(error, 'NotFound') || isNamespaceTerminating(error)) return;
        throw error;
      }
      return;
    }
    const sameData =
      Object.keys(current.data ?? {}).length === 1 && current.data?.[ROOT_CA_KEY] === data[ROOT_CA_KEY];
    if (sameData && current.metadata?.annotations?.[DESCRIPTION_ANNOTATION]) return;
    await this.client.update({
      ...current,
      metadata: {
        ...current.metadata,
        annotations: { ...current.metadata?.annotations, [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION },
      },
      data,
    });
  }
}
