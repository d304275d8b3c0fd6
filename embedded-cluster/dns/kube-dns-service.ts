import { isIPv6 } from 'node:net';
import {
  isStatus,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoreV1,
  type DiscoveryV1,
  type Informer,
  type KubeClient,
} from '../client/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { SERVICE_NAME_LABEL } from './dns-index.js';

export const KUBE_DNS = { namespace: 'kube-system', name: 'kube-dns' } as const;
/** The cluster DNS address kubeadm gives a 10.96.0.0/12 service network: its tenth address. */
export const DEFAULT_DNS_CLUSTER_IP = '10.96.0.10';
/** Who manages the kube-dns EndpointSlice (`endpointslice.kubernetes.io/managed-by`). */
export const MANAGED_BY = 'dns.kubedesk.dev';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** kubeadm's labels on the Service (cmd/kubeadm/app/phases/addons/dns/manifests.go). */
const SERVICE_LABELS = {
  'k8s-app': 'kube-dns',
  'kubernetes.io/cluster-service': 'true',
  'kubernetes.io/name': 'CoreDNS',
};
const KEY = `${KUBE_DNS.namespace}/${KUBE_DNS.name}`;

export interface KubeDnsServiceConfig {
  client: KubeClient;
  services: Informer<CoreV1.Service>;
  slices: Informer<DiscoveryV1.EndpointSlice>;
  clock: Clock;
  logger: Logger;
  /** The cluster IP to ask for ({@link DEFAULT_DNS_CLUSTER_IP}). */
  clusterIP: string;
  /** Where the DNS server answers: the endpoint kube-proxy sends `clusterIP:53` to. */
  address: string;
  port: number;
}

/**
 * Keeps the `kube-dns` Service in `kube-system` (as kubeadm makes it: ports `dns` 53/UDP and
 * `dns-tcp` 53/TCP, cluster IP 10.96.0.10, but without a selector, since no pod serves it) and its
 * one EndpointSlice, which this component manages and points at the address the DNS server
 * listens on. Tools that look for kube-dns find it, and kube-proxy sends the service IP to the
 * server like any other service. Level-triggered: whatever is missing or changed is put back.
 */
export class KubeDnsService implements Component {
  readonly name = 'kube-dns-service';
  private readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;

  constructor(private readonly config: KubeDnsServiceConfig) {
    this.queue = new WorkQueue({ clock: config.clock });
    const enqueue = (object: CoreV1.Service | DiscoveryV1.EndpointSlice) => {
      if (object.metadata?.namespace === KUBE_DNS.namespace && object.metadata?.name === KUBE_DNS.name) {
        this.queue.add(KEY);
      }
    };
    for (const informer of [config.services, config.slices] as Informer<
      CoreV1.Service | DiscoveryV1.EndpointSlice
    >[]) {
      informer.addHandler({ added: enqueue, updated: (_, o) => enqueue(o), deleted: enqueue });
    }
  }

  /** Make both exist (resolves once they do), then keep them so. */
  async start(): Promise<void> {
    await Promise.all([this.config.services.synced(), this.config.slices.synced()]);
    await this.ensureWithRetries();
    this.running = runWorkers(this.name, this.queue, () => this.sync(), { logger: this.config.logger });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  /** The Service's cluster IP, once {@link start} has resolved. */
  clusterIP(): string | undefined {
    const ip = this.config.services.store.get(KEY)?.spec?.clusterIP;
    return ip && ip !== 'None' ? ip : undefined;
  }

  private async ensureWithRetries(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sync();
        return;
      } catch (error) {
        // A conflict means our cache was behind our own write: it catches up within moments.
        if (attempt >= 5 || !(isStatus(error, 'Conflict') || isStatus(error, 'AlreadyExists'))) throw error;
        await new Promise<void>((resolve) => this.config.clock.setTimeout(resolve, 50 * attempt));
      }
    }
  }

  private async sync(): Promise<void> {
    const service = await this.syncService();
    await this.syncSlice(service);
  }

  private async syncService(): Promise<CoreV1.Service> {
    const client = this.config.client.resource(resources.services);
    const current = this.config.services.store.get(KEY);
    if (!current) {
      try {
        return await client.create(desiredService(this.config.clusterIP));
      } catch (error) {
        if (!isStatus(error, 'Invalid')) throw error;
        // The address is someone else's (a Service made before the cluster had DNS): take any.
        this.config.logger.warn('kube-dns cannot have its usual cluster IP; taking another', {
          clusterIP: this.config.clusterIP,
          error: String(error),
        });
        return await client.create(desiredService(undefined));
      }
    }
    if (serviceUpToDate(current, this.config.port)) return current;
    const spec: CoreV1.ServiceSpec = {
      ...current.spec,
      type: 'ClusterIP',
      ports: desiredPorts(this.config.port),
    };
    delete spec.selector;
    return client.update({
      ...current,
      metadata: { ...current.metadata, labels: { ...current.metadata?.labels, ...SERVICE_LABELS } },
      spec,
    });
  }

  private async syncSlice(service: CoreV1.Service): Promise<void> {
    const client = this.config.client.resource(resources.endpointSlices);
    const desired = this.desiredSlice(service);
    const current = this.config.slices.store.get(KEY);
    if (!current) {
      await client.create(desired);
      return;
    }
    if (sliceUpToDate(current, desired)) return;
    if (current.addressType !== desired.addressType) {
      // addressType is immutable: the slice is replaced (the listen address changed family).
      await client.delete(KUBE_DNS.name, { namespace: KUBE_DNS.namespace });
      await client.create(desired);
      return;
    }
    await client.update({
      ...current,
      metadata: {
        ...current.metadata,
        labels: { ...current.metadata?.labels, ...desired.metadata!.labels },
        ownerReferences: desired.metadata!.ownerReferences!,
      },
      addressType: desired.addressType,
      endpoints: desired.endpoints,
      ports: desired.ports!,
    });
  }

  private desiredSlice(service: CoreV1.Service): DiscoveryV1.EndpointSlice {
    const { address, port } = this.config;
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...KUBE_DNS,
        labels: { [SERVICE_NAME_LABEL]: KUBE_DNS.name, [MANAGED_BY_LABEL]: MANAGED_BY },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            name: KUBE_DNS.name,
            uid: service.metadata?.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      addressType: isIPv6(address) ? 'IPv6' : 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true, serving: true, terminating: false } }],
      ports: [
        { name: 'dns', port, protocol: 'UDP' },
        { name: 'dns-tcp', port, protocol: 'TCP' },
      ],
    };
  }
}

function desiredPorts(port: number): CoreV1.ServicePort[] {
  return [
    { name: 'dns', port: 53, protocol: 'UDP', targetPort: port },
    { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: port },
  ];
}

function desiredService(clusterIP: string | undefined): CoreV1.Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...KUBE_DNS, labels: { ...SERVICE_LABELS } },
    spec: { type: 'ClusterIP', ...(clusterIP ? { clusterIP } : {}), ports: desiredPorts(53) },
  };
}

function serviceUpToDate(service: CoreV1.Service, port: number): boolean {
  const labels = service.metadata?.labels ?? {};
  const want = desiredPorts(port);
  const have = service.spec?.ports ?? [];
  return (
    Object.entries(SERVICE_LABELS).every(([k, v]) => labels[k] === v) &&
    !service.spec?.selector &&
    (service.spec?.type ?? 'ClusterIP') === 'ClusterIP' &&
    have.length === want.length &&
    want.every(
      (p, i) =>
        have[i]?.name === p.name &&
        have[i]?.port === p.port &&
        (have[i]?.protocol ?? 'TCP') === p.protocol &&
        have[i]?.targetPort === p.targetPort,
    )
  );
}

function sliceUpToDate(current: DiscoveryV1.EndpointSlice, desired: DiscoveryV1.EndpointSlice): boolean {
  const labels = current.metadata?.labels ?? {};
  const owner = current.metadata?.ownerReferences?.[0];
  return (
    Object.entries(desired.metadata!.labels!).every(([k, v]) => labels[k] === v) &&
    owner?.uid === desired.metadata!.ownerReferences![0]!.uid &&
    current.addressType === desired.addressType &&
    JSON.stringify(current.endpoints?.map((e) => [e.addresses, e.conditions?.ready])) ===
      JSON.stringify(desired.endpoints.map((e) => [e.addresses, e.conditions?.ready])) &&
    JSON.stringify(current.ports?.map((p) => [p.name, p.port, p.protocol])) ===
      JSON.stringify(desired.ports!.map((p) => [p.name, p.port, p.protocol]))
  );
}
