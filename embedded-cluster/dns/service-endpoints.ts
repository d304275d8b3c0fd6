import type { CoreV1, DiscoveryV1 } from '../client/index.js';
import { dashedIP } from './names.js';

/** A port as DNS names it: `_<name>._<protocol>`. */
export interface NamedPort {
  name: string;
  port: number;
  protocol: string;
}

/** One backend of a service as DNS publishes it. */
export interface DnsEndpoint {
  /** The endpoint's `hostname`, or its first address dashed (CoreDNS `endpointHostname`). */
  label: string;
  addresses: string[];
  /** The ports of the slice it is in. */
  ports: NamedPort[];
}

/**
 * The endpoints DNS answers with for `service`, from its EndpointSlices: those ready (a missing
 * condition counts as ready, as the API says), or all of them when the service publishes not-ready
 * addresses (the EndpointSlice controller already marks them ready then; checking here too keeps
 * hand-written slices right). FQDN slices are not addresses and are skipped.
 */
export function dnsEndpoints(
  service: CoreV1.Service,
  slices: readonly DiscoveryV1.EndpointSlice[],
): DnsEndpoint[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const result: DnsEndpoint[] = [];
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    const ports: NamedPort[] = [];
    for (const p of slice.ports ?? []) {
      if (p.port === undefined) continue; // "all ports": nothing a SRV record can name
      ports.push({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' });
    }
    for (const endpoint of slice.endpoints ?? []) {
      if (!publishNotReady && endpoint.conditions?.ready === false) continue;
      const addresses = endpoint.addresses ?? [];
      if (addresses.length === 0) continue;
      result.push({ label: endpoint.hostname || dashedIP(addresses[0]!), addresses, ports });
    }
  }
  return result;
}

/** A service's ports, as DNS names them. */
export function servicePorts(service: CoreV1.Service): NamedPort[] {
  return (service.spec?.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.port,
    protocol: p.protocol ?? 'TCP',
  }));
}

/** Whether a service is headless: no cluster IP, so its name resolves to its endpoints. */
export function isHeadless(service: CoreV1.Service): boolean {
  return service.spec?.clusterIP === 'None';
}

/** A service's cluster IPs (both families), without `None`. */
export function clusterIPs(service: CoreV1.Service): string[] {
  const ips = service.spec?.clusterIPs?.length ? service.spec.clusterIPs : [service.spec?.clusterIP];
  return ips.filter((ip): ip is string => !!ip && ip !== 'None');
}
