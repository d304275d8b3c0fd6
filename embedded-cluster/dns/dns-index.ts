import type { Clock } from '../util/clock.js';
import type { CoreV1, DiscoveryV1, Informer } from '../client/index.js';
import { canonicalIP } from './names.js';
import type { ClusterView } from './records.js';
import { clusterIPs } from './service-endpoints.js';

/** The label naming the Service an EndpointSlice belongs to. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Index names on the shared informers' caches; prefixed so they never clash with another component's. */
const SLICES_BY_SERVICE = 'dns/service';
const SLICES_BY_ADDRESS = 'dns/address';
const SERVICES_BY_IP = 'dns/cluster-ip';

/**
 * The {@link ClusterView} the cluster DNS answers from: the Service, EndpointSlice and Namespace
 * informers' caches, read through O(1) lookups and secondary indexes (slices by service, services
 * by cluster IP, slices by endpoint address), so a question costs the same with 10,000 services as
 * with ten. It also tracks when anything last changed, for the SOA serial.
 */
export class DnsIndex implements ClusterView {
  private modified: number;

  constructor(
    private readonly informers: {
      services: Informer<CoreV1.Service>;
      slices: Informer<DiscoveryV1.EndpointSlice>;
      namespaces: Informer<CoreV1.Namespace>;
    },
    private readonly clock: Clock,
  ) {
    this.modified = Math.floor(clock.now() / 1000);
    informers.slices.store.addIndex(SLICES_BY_SERVICE, (slice) => {
      const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      return service ? [`${slice.metadata?.namespace ?? ''}/${service}`] : [];
    });
    informers.slices.store.addIndex(SLICES_BY_ADDRESS, (slice) =>
      slice.addressType === 'FQDN'
        ? []
        : (slice.endpoints ?? []).flatMap((e) =>
            (e.addresses ?? []).map(canonicalIP).filter((ip): ip is string => !!ip),
          ),
    );
    informers.services.store.addIndex(SERVICES_BY_IP, (service) =>
      clusterIPs(service)
        .map(canonicalIP)
        .filter((ip): ip is string => !!ip),
    );
    const touch = () => (this.modified = Math.floor(this.clock.now() / 1000));
    const handler = { added: touch, updated: touch, deleted: touch };
    informers.services.addHandler(handler);
    informers.slices.addHandler(handler);
    informers.namespaces.addHandler(handler);
  }

  /** Resolves once every informer has listed. */
  async synced(): Promise<void> {
    await Promise.all([
      this.informers.services.synced(),
      this.informers.slices.synced(),
      this.informers.namespaces.synced(),
    ]);
  }

  namespaceExists(namespace: string): boolean {
    return this.informers.namespaces.store.get(namespace) !== undefined;
  }

  service(namespace: string, name: string): CoreV1.Service | undefined {
    return this.informers.services.store.getByName(namespace, name);
  }

  endpointSlices(namespace: string, service: string): readonly DiscoveryV1.EndpointSlice[] {
    return this.informers.slices.store.byIndex(SLICES_BY_SERVICE, `${namespace}/${service}`);
  }

  servicesWithIP(ip: string): readonly CoreV1.Service[] {
    return this.informers.services.store.byIndex(SERVICES_BY_IP, ip);
  }

  slicesWithAddress(ip: string): readonly DiscoveryV1.EndpointSlice[] {
    return this.informers.slices.store.byIndex(SLICES_BY_ADDRESS, ip);
  }

  serial(): number {
    return this.modified;
  }
}
