/**
 * Where a Service can be reached, for its details page: from the user's machine (NodePorts on
 * 127.0.0.1, a LoadBalancer's published address) and from inside the cluster (the cluster IP,
 * the DNS names, an ExternalName's CNAME). Kubedesk's kube-proxy opens NodePorts and LoadBalancer
 * ports on the host's loopback, as Docker Desktop and k3s do; cluster IPs are virtual and answer
 * only inside the cluster, so the desktop reaches a ClusterIP Service by port-forward.
 *
 * The semantics follow https://kubernetes.io/docs/concepts/services-networking/service/ and
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/.
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';

/** The loopback address NodePorts answer on (`localhost` works too). */
export const HOST_IP = '127.0.0.1';
/** The cluster's DNS domain (kubelet's `--cluster-domain`). */
export const CLUSTER_DOMAIN = 'cluster.local';

/** One way in: a link when a browser can follow it, else text to copy (or both). */
export interface Address {
  /** What it is, e.g. `NodePort 80/TCP`, `cluster IP`, `DNS`. */
  label: string;
  /** What to show: the URL or the `host:port`. */
  text: string;
  /** Set when a browser can open it (TCP from the host). */
  url?: string;
  /** A note after it, e.g. the port's name or why it is not a link. */
  note?: string;
  /** Shown as waiting: no address yet (a LoadBalancer without status). */
  pending?: boolean;
  /** Shown as an error (a port the load balancer could not open). */
  error?: string;
}

/** Everything the Service's network section shows. */
export interface ServiceAddresses {
  /** `ClusterIP` (the default; `ClusterIP (headless)` without a cluster IP), `NodePort`, `LoadBalancer` or `ExternalName`. */
  type: string;
  /** Reachable from the user's machine. */
  host: Address[];
  /** Reachable only from pods. */
  cluster: Address[];
  /** Sentences about the Service as a whole (headless, no selector, …). */
  notes: string[];
  /** TCP ports to offer a port-forward to (ClusterIP Services with a selector); empty for none. */
  forwardPorts: (number | string)[];
}

/** A port as `80/TCP`, the way `kubectl get svc` prints it. */
function portText(port: ServicePort): string {
  return `${port.port}/${port.protocol ?? 'TCP'}`;
}

function isTcp(port: ServicePort): boolean {
  return (port.protocol ?? 'TCP') === 'TCP';
}

/**
 * The scheme a browser should use for a port: `https` when the port says so (its
 * `appProtocol`, its name, or 443/8443 as the service's own port), else `http`.
 */
export function schemeOf(port: ServicePort): 'http' | 'https' {
  const hint = `${port.appProtocol ?? ''} ${port.name ?? ''}`.toLowerCase();
  if (/\bhttps\b|kubernetes\.io\/wss/.test(hint)) return 'https';
  return port.port === 443 || port.port === 8443 ? 'https' : 'http';
}

/** A host as URLs write it: an IPv6 address in brackets. */
export function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `host:port`, with an IPv6 address in brackets as URLs need. */
export function hostPort(host: string, port: number): string {
  return `${bracketed(host)}:${port}`;
}

/** Whether a URL leaves the port out: 80 for http, 443 for https. */
export function isDefaultPort(scheme: 'http' | 'https', port: number): boolean {
  return (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
}

/** What a port is called in a label: `80/TCP (http)`. */
function portLabel(port: ServicePort): string {
  return port.name ? `${portText(port)} (${port.name})` : portText(port);
}

/** A host address for `port` at `host:number`: a link for TCP, text for UDP and SCTP. */
function hostAddress(label: string, host: string, number: number, port: ServicePort): Address {
  const text = hostPort(host, number);
  if (!isTcp(port))
    return { label, text: `${text}/${port.protocol}`, note: 'not HTTP: use a client of that protocol' };
  const scheme = schemeOf(port);
  const url = `${scheme}://${isDefaultPort(scheme, number) ? bracketed(host) : text}`;
  return { label, text: url, url };
}

/** The NodePort addresses: one per port that has a node port. */
function nodePorts(ports: readonly ServicePort[], pendingWhenMissing: boolean): Address[] {
  return ports.flatMap((port): Address[] => {
    const label = `NodePort ${portLabel(port)}`;
    if (port.nodePort) return [hostAddress(label, HOST_IP, port.nodePort, port)];
    return pendingWhenMissing
      ? [{ label, text: 'pending', pending: true, note: 'no node port allocated yet' }]
      : [];
  });
}

/**
 * A LoadBalancer's addresses from `status.loadBalancer.ingress` (each point × each port, with a
 * port's error when the status gives one); "pending" while the status is empty, as `kubectl get
 * svc` shows `<pending>`.
 */
function loadBalancer(service: Service, ports: readonly ServicePort[]): Address[] {
  const points = service.status?.loadBalancer?.ingress ?? [];
  if (points.length === 0) {
    return [
      {
        label: 'LoadBalancer',
        text: 'pending',
        pending: true,
        note: 'no address yet; if it stays pending, the Service’s events say why (e.g. a host port already in use)',
      },
    ];
  }
  return points.flatMap((point) => {
    const host = point.ip ?? point.hostname;
    if (!host) return [];
    return ports.map((port) => {
      const address = hostAddress(`LoadBalancer ${portLabel(port)}`, host, port.port, port);
      const status = point.ports?.find(
        (p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
      );
      return status?.error ? { ...address, url: undefined, error: status.error } : address;
    });
  });
}

/** The DNS names pods resolve the Service by, shortest last (the short name only in its own namespace). */
export function serviceDnsNames(name: string, namespace: string): string[] {
  return [`${name}.${namespace}.svc.${CLUSTER_DOMAIN}`, `${name}.${namespace}`, name];
}

/** The in-cluster addresses: cluster IP(s) and DNS names with each port, or the CNAME of an ExternalName. */
function inCluster(service: Service, ports: readonly ServicePort[], headless: boolean): Address[] {
  const name = service.metadata?.name ?? '';
  const namespace = service.metadata?.namespace ?? 'default';
  const spec = service.spec ?? {};
  const [full, ...short] = serviceDnsNames(name, namespace);
  if (spec.type === 'ExternalName') {
    const target = spec.externalName ?? '';
    return [
      { label: 'DNS (CNAME)', text: full!, note: `a CNAME for ${target}: clients connect to it directly` },
    ];
  }
  const out: Address[] = [];
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  if (!headless) {
    for (const ip of ips) {
      for (const port of ports)
        out.push({ label: `cluster IP ${portText(port)}`, text: hostPort(ip, port.port) });
    }
    if (ips.length === 0) out.push({ label: 'cluster IP', text: 'pending', pending: true });
  }
  const aliases = `also ${short[0]}, or ${short[1]} from namespace ${namespace}`;
  const dnsNote = headless ? `${aliases}; resolves to the pods' IPs` : aliases;
  if (ports.length === 0) out.push({ label: 'DNS', text: full!, note: dnsNote });
  for (const port of ports) {
    // Headless: nothing translates ports, so clients dial the pods' own port (the target port).
    const target = headless ? (port.targetPort ?? port.port) : port.port;
    out.push(
      typeof target === 'number'
        ? { label: `DNS ${portText(port)}`, text: hostPort(full!, target), note: dnsNote }
        : { label: `DNS ${portText(port)}`, text: full!, note: `${dnsNote}, on their port named ${target}` },
    );
  }
  return out;
}

/** Where `service` can be reached, from the desktop and from pods. */
export function serviceAddresses(service: Service): ServiceAddresses {
  const spec = service.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const ports = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  const hasSelector = Object.keys(spec.selector ?? {}).length > 0;
  const notes: string[] = [];
  let host: Address[] = [];

  if (type === 'NodePort') host = nodePorts(ports, true);
  if (type === 'LoadBalancer') host = [...loadBalancer(service, ports), ...nodePorts(ports, false)];
  if (type === 'ExternalName') {
    notes.push(
      `An alias in DNS only: ${serviceDnsNames(service.metadata?.name ?? '', service.metadata?.namespace ?? 'default')[0]} is a CNAME for ${spec.externalName ?? '(no name)'}; there is no cluster IP, proxy or port.`,
    );
  } else if (headless) {
    notes.push(
      spec.publishNotReadyAddresses
        ? 'Headless (clusterIP: None): its DNS name resolves to the IPs of all its pods, ready or not (publishNotReadyAddresses); no proxying.'
        : 'Headless (clusterIP: None): its DNS name resolves to the IPs of its ready pods, one A record each; no virtual IP, no proxying, so clients dial the pods’ own ports.',
    );
  }
  if (type !== 'ExternalName' && !hasSelector) {
    notes.push(
      'No selector: no pods are chosen for it; its endpoints are the EndpointSlices someone creates by hand.',
    );
  }
  if (type === 'ClusterIP' && !headless) {
    notes.push(
      'A cluster IP is virtual and answers only inside the cluster: from this machine, use a port-forward.',
    );
  }
  const forwardPorts = type === 'ClusterIP' && hasSelector ? ports.filter(isTcp).map((p) => p.port) : [];
  return {
    type: headless && type === 'ClusterIP' ? 'ClusterIP (headless)' : type,
    host,
    cluster: inCluster(service, ports, headless),
    notes,
    forwardPorts,
  };
}
