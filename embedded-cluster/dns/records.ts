import type { Answer, Question, RecordType } from 'dns-packet';
import type { CoreV1, DiscoveryV1 } from '../client/index.js';
import {
  canonicalIP,
  canonicalName,
  inZone,
  ipFromDashed,
  ipFromReverseName,
  isReverseName,
  isV4,
  labelsBelow,
} from './names.js';
import { clusterIPs, dnsEndpoints, isHeadless, servicePorts, type NamedPort } from './service-endpoints.js';

/**
 * What the cluster DNS answers, as a pure function of the question and the cluster's state: the
 * records of the Kubernetes DNS-based service discovery specification
 * (https://github.com/kubernetes/dns/blob/master/docs/specification.md) with the choices CoreDNS's
 * `kubernetes` plugin makes where the specification leaves room (plugin/kubernetes/kubernetes.go,
 * plugin/backend_lookup.go), configured as kubeadm does (`pods insecure`, `ttl 30`, reverse zones
 * falling through).
 */

/** The cluster's state the answers are made from; {@link DnsIndex} keeps it from informers. */
export interface ClusterView {
  namespaceExists(namespace: string): boolean;
  service(namespace: string, name: string): CoreV1.Service | undefined;
  /** The EndpointSlices labelled with the service's name. */
  endpointSlices(namespace: string, service: string): readonly DiscoveryV1.EndpointSlice[];
  /** Services whose cluster IPs include `ip` ({@link canonicalIP} form). */
  servicesWithIP(ip: string): readonly CoreV1.Service[];
  /** EndpointSlices with an endpoint at `ip` ({@link canonicalIP} form). */
  slicesWithAddress(ip: string): readonly DiscoveryV1.EndpointSlice[];
  /** The SOA serial: when the cluster's DNS data last changed, in Unix seconds. */
  serial(): number;
}

export interface ZoneOptions {
  /** The cluster domain, e.g. `cluster.local`. */
  domain: string;
  /** TTL of every answer, in seconds. */
  ttl: number;
  /** The DNS service itself, whose IPs `ns.dns.<domain>` answers with. */
  dnsService?: { namespace: string; name: string };
}

/** kubeadm's Corefile sets `ttl 30` (the plugin's own default is 5), matching the old kube-dns. */
export const DEFAULT_TTL = 30;

export type Resolution =
  /** Not the cluster's to answer: ask the host's resolvers. */
  { kind: 'forward' } | ZoneAnswer;

export interface ZoneAnswer {
  kind: 'answer';
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** An ExternalName's target outside the cluster, still to resolve upstream and append. */
  chase?: { name: string; type: 'A' | 'AAAA' };
}

const FORWARD: Resolution = { kind: 'forward' };
/** How many CNAMEs an answer follows inside the zone (CoreDNS stops after 8). */
const MAX_CNAME_DEPTH = 8;

/** The answer to `question`, or `forward` for names outside the cluster domain. */
export function resolve(question: Question, view: ClusterView, options: ZoneOptions): Resolution {
  if ((question.class ?? 'IN') !== 'IN') return FORWARD;
  const name = canonicalName(question.name);
  if (isReverseName(name)) return reverse(question, name, view, options);
  const zone = canonicalName(options.domain);
  if (!inZone(name, zone)) return FORWARD;
  return new ZoneLookup(view, options, zone).answer(question.name, question.type, 0);
}

/** What a name in the zone is. */
type NameNode =
  | { kind: 'missing' }
  /** Exists, with nothing of its own (`svc.<domain>`, `<ns>.svc.<domain>`). */
  | { kind: 'empty' }
  | { kind: 'apex' }
  | { kind: 'alias'; target: string }
  | { kind: 'addresses'; ips: string[]; srv: SrvTarget[] };

interface SrvTarget {
  target: string;
  port: number;
  ips: string[];
}

class ZoneLookup {
  constructor(
    private readonly view: ClusterView,
    private readonly options: ZoneOptions,
    private readonly zone: string,
  ) {}

  answer(qname: string, type: RecordType, depth: number): ZoneAnswer {
    const node = this.lookup(canonicalName(qname));
    const ttl = this.options.ttl;
    switch (node.kind) {
      case 'missing':
        return this.negative('NXDOMAIN');
      case 'empty':
        return this.negative('NOERROR');
      case 'apex':
        if (type === 'SOA') return this.positive([this.soa()]);
        if (type === 'NS') {
          const ns = `ns.dns.${this.zone}`;
          const additionals = this.dnsServiceIPs().map((ip) => address(ns, ip, ttl));
          return this.positive([{ type: 'NS', name: qname, ttl, data: ns }], additionals);
        }
        return this.negative('NOERROR');
      case 'alias': {
        if (type !== 'A' && type !== 'AAAA' && type !== 'CNAME') return this.negative('NOERROR');
        const cname: Answer = { type: 'CNAME', name: qname, ttl, data: node.target };
        if (type === 'CNAME') return this.positive([cname]);
        const target = canonicalName(node.target);
        if (!inZone(target, this.zone))
          return { ...this.positive([cname]), chase: { name: node.target, type } };
        if (depth >= MAX_CNAME_DEPTH) return this.positive([cname]);
        const next = this.answer(node.target, type, depth + 1);
        return { ...next, rcode: 'NOERROR', answers: [cname, ...next.answers] };
      }
      case 'addresses': {
        if (type === 'A' || type === 'AAAA') {
          const v4 = type === 'A';
          const answers = node.ips.filter((ip) => isV4(ip) === v4).map((ip) => address(qname, ip, ttl));
          return answers.length > 0 ? this.positive(answers) : this.negative('NOERROR');
        }
        if (type === 'SRV' && node.srv.length > 0) return this.srv(qname, node.srv);
        return this.negative('NOERROR');
      }
    }
  }

  /** The name's place in the cluster's tree: `[endpoint|_port._proto].<svc>.<ns>.svc` or `<ip>.<ns>.pod`. */
  private lookup(name: string): NameNode {
    const labels = labelsBelow(name, this.zone);
    if (labels.length === 0) return { kind: 'apex' };
    if (labels.length === 2 && labels[0] === 'ns' && labels[1] === 'dns') {
      return { kind: 'addresses', ips: this.dnsServiceIPs(), srv: [] };
    }
    const tree = labels[labels.length - 1];
    if (tree !== 'svc' && tree !== 'pod') return { kind: 'missing' };
    if (labels.length === 1) return { kind: 'empty' };
    const namespace = labels[labels.length - 2]!;
    if (!this.view.namespaceExists(namespace)) return { kind: 'missing' };
    if (labels.length === 2) return { kind: 'empty' };
    if (tree === 'pod') {
      // `pods insecure`: any well-formed address in an existing namespace, pod or no pod.
      const ip = labels.length === 3 ? ipFromDashed(labels[0]!) : undefined;
      return ip ? { kind: 'addresses', ips: [ip], srv: [] } : { kind: 'missing' };
    }
    const service = this.view.service(namespace, labels[labels.length - 3]!);
    const rest = labels.slice(0, -3);
    if (!service || rest.length > 2) return { kind: 'missing' };
    return this.serviceNode(service, rest);
  }

  private serviceNode(service: CoreV1.Service, rest: string[]): NameNode {
    const namespace = service.metadata?.namespace ?? '';
    const serviceName = service.metadata?.name ?? '';
    const fqdn = `${serviceName}.${namespace}.svc.${this.zone}`;

    if (service.spec?.type === 'ExternalName') {
      // An ExternalName has no endpoints or ports of its own; an IP there is not a name to alias.
      const target = (service.spec.externalName ?? '').replace(/\.$/, '');
      if (rest.length > 0 || !target || canonicalIP(target)) return { kind: 'missing' };
      return { kind: 'alias', target };
    }

    const wanted =
      rest.length === 2
        ? { name: stripUnderscore(rest[0]!), protocol: stripUnderscore(rest[1]!) }
        : undefined;
    const matches = (p: NamedPort) =>
      !wanted || (p.name.toLowerCase() === wanted.name && p.protocol.toLowerCase() === wanted.protocol);

    if (isHeadless(service) || rest.length === 1) {
      let endpoints = dnsEndpoints(service, this.view.endpointSlices(namespace, serviceName));
      if (rest.length === 1) endpoints = endpoints.filter((e) => e.label.toLowerCase() === rest[0]);
      if (wanted) endpoints = endpoints.filter((e) => e.ports.some(matches));
      // CoreDNS answers NXDOMAIN for a headless service without endpoints.
      if (endpoints.length === 0) return { kind: 'missing' };
      return {
        kind: 'addresses',
        ips: unique(endpoints.flatMap((e) => e.addresses)),
        srv: endpoints.flatMap((e) =>
          e.ports
            .filter(matches)
            .map((p) => ({ target: `${e.label}.${fqdn}`, port: p.port, ips: e.addresses })),
        ),
      };
    }

    const ports = servicePorts(service).filter(matches);
    if (wanted && ports.length === 0) return { kind: 'missing' };
    const ips = clusterIPs(service);
    return { kind: 'addresses', ips, srv: ports.map((p) => ({ target: fqdn, port: p.port, ips })) };
  }

  /** SRV records, weights shared out as CoreDNS does (100 split evenly, at least 1), with their addresses. */
  private srv(qname: string, targets: SrvTarget[]): ZoneAnswer {
    const ttl = this.options.ttl;
    const seen = new Set<string>();
    const records = targets.filter((t) => {
      const key = `${t.target}|${t.port}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    const weight = Math.max(1, Math.floor(100 / records.length));
    const answers: Answer[] = records.map((t) => ({
      type: 'SRV',
      name: qname,
      ttl,
      data: { priority: 0, weight, port: t.port, target: t.target },
    }));
    const additionals: Answer[] = [];
    const added = new Set<string>();
    for (const t of records) {
      for (const ip of t.ips) {
        if (added.has(`${t.target}|${ip}`)) continue;
        added.add(`${t.target}|${ip}`);
        additionals.push(address(t.target, ip, ttl));
      }
    }
    return this.positive(answers, additionals);
  }

  private dnsServiceIPs(): string[] {
    const ref = this.options.dnsService;
    const service = ref && this.view.service(ref.namespace, ref.name);
    return service ? clusterIPs(service) : [];
  }

  /** The zone's SOA as CoreDNS makes it: `ns.dns.<zone>`, `hostmaster.<zone>`, TTL capped at 300 s. */
  private soa(): Answer {
    const ttl = this.options.ttl;
    return {
      type: 'SOA',
      name: this.zone,
      ttl: Math.min(ttl, 300),
      data: {
        mname: `ns.dns.${this.zone}`,
        rname: `hostmaster.${this.zone}`,
        serial: this.view.serial() >>> 0,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: ttl,
      },
    };
  }

  private positive(answers: Answer[], additionals: Answer[] = []): ZoneAnswer {
    return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [], additionals };
  }

  /** NXDOMAIN, or NOERROR without records (NODATA): either way the SOA in authority, for negative caching. */
  private negative(rcode: 'NOERROR' | 'NXDOMAIN'): ZoneAnswer {
    return { kind: 'answer', rcode, answers: [], authorities: [this.soa()], additionals: [] };
  }
}

/**
 * PTR records for service cluster IPs (`<svc>.<ns>.svc.<domain>`) and endpoint addresses
 * (`<hostname or dashed IP>.<svc>.<ns>.svc.<domain>`); any other reverse question goes to the host's
 * resolvers (kubeadm's `fallthrough in-addr.arpa ip6.arpa`).
 */
function reverse(question: Question, name: string, view: ClusterView, options: ZoneOptions): Resolution {
  if (question.type !== 'PTR') return FORWARD;
  const ip = ipFromReverseName(name);
  if (!ip) return FORWARD;
  const zone = canonicalName(options.domain);
  const targets = new Set<string>();
  for (const service of view.servicesWithIP(ip)) {
    targets.add(`${service.metadata?.name}.${service.metadata?.namespace}.svc.${zone}`);
  }
  for (const slice of view.slicesWithAddress(ip)) {
    const namespace = slice.metadata?.namespace ?? '';
    const serviceName = slice.metadata?.labels?.['kubernetes.io/service-name'];
    const service = serviceName ? view.service(namespace, serviceName) : undefined;
    if (!service) continue;
    for (const endpoint of dnsEndpoints(service, [slice])) {
      if (endpoint.addresses.some((a) => canonicalIP(a) === ip)) {
        targets.add(`${endpoint.label}.${serviceName}.${namespace}.svc.${zone}`);
      }
    }
  }
  if (targets.size === 0) return FORWARD;
  const answers: Answer[] = [...targets].map((target) => ({
    type: 'PTR',
    name: question.name,
    ttl: options.ttl,
    data: target,
  }));
  return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [], additionals: [] };
}

function address(name: string, ip: string, ttl: number): Answer {
  return { type: isV4(ip) ? 'A' : 'AAAA', name, ttl, data: ip };
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
