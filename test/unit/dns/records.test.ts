import type { Answer, RecordType } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { CoreV1, DiscoveryV1 } from '../../../embedded-cluster/client/index.js';
import { canonicalIP } from '../../../embedded-cluster/dns/names.js';
import {
  DEFAULT_TTL,
  resolve,
  type ClusterView,
  type Resolution,
  type ZoneAnswer,
} from '../../../embedded-cluster/dns/records.js';

/** A ClusterView over plain arrays: what the informer-fed index answers, without informers. */
function view(objects: {
  namespaces?: string[];
  services?: CoreV1.Service[];
  slices?: DiscoveryV1.EndpointSlice[];
}): ClusterView {
  const services = objects.services ?? [];
  const slices = objects.slices ?? [];
  return {
    namespaceExists: (ns) => (objects.namespaces ?? ['default', 'kube-system']).includes(ns),
    service: (ns, name) => services.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
    endpointSlices: (ns, name) =>
      slices.filter(
        (s) => s.metadata?.namespace === ns && s.metadata?.labels?.['kubernetes.io/service-name'] === name,
      ),
    servicesWithIP: (ip) =>
      services.filter((s) =>
        (s.spec?.clusterIPs ?? [s.spec?.clusterIP]).some((c) => c && canonicalIP(c) === ip),
      ),
    slicesWithAddress: (ip) =>
      slices.filter((s) => (s.endpoints ?? []).some((e) => e.addresses.some((a) => canonicalIP(a) === ip))),
    serial: () => 1700000000,
  };
}

function service(name: string, spec: CoreV1.ServiceSpec, namespace = 'default'): CoreV1.Service {
  return { metadata: { name, namespace }, spec };
}

function slice(
  serviceName: string,
  endpoints: DiscoveryV1.Endpoint[],
  ports: DiscoveryV1.EndpointPort[] = [],
  addressType = 'IPv4',
): DiscoveryV1.EndpointSlice {
  return {
    metadata: {
      name: `${serviceName}-abc`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType,
    endpoints,
    ports,
  };
}

const web = service('web', {
  clusterIP: '10.96.3.4',
  clusterIPs: ['10.96.3.4'],
  ports: [
    { name: 'http', port: 80, protocol: 'TCP' },
    { name: 'metrics', port: 9090, protocol: 'TCP' },
  ],
});
const db = service('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] });
const dbSlice = slice(
  'db',
  [
    { addresses: ['10.244.0.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.244.0.6'], hostname: 'db-1', conditions: { ready: true } },
    { addresses: ['10.244.0.7'], conditions: { ready: false } },
  ],
  [{ name: 'pg', port: 5432, protocol: 'TCP' }],
);
const external = service('ext', { type: 'ExternalName', externalName: 'api.example.com' });
const dual = service('dual', {
  clusterIP: '10.96.0.20',
  clusterIPs: ['10.96.0.20', 'fd00::20'],
  ports: [{ port: 80 }],
});
const cluster = view({ services: [web, db, external, dual], slices: [dbSlice] });

function ask(name: string, type: RecordType, on: ClusterView = cluster): Resolution {
  return resolve({ name, type, class: 'IN' }, on, { domain: 'cluster.local', ttl: DEFAULT_TTL });
}

function answered(resolution: Resolution): ZoneAnswer {
  if (resolution.kind !== 'answer') throw new Error('expected an answer, got forward');
  return resolution;
}

function data(answers: Answer[]): unknown[] {
  return answers.map((a) => ('data' in a ? a.data : undefined));
}

describe('cluster DNS records', () => {
  it('answers a ClusterIP service name with its cluster IP, TTL 30, keeping the case of the question', () => {
    const a = answered(ask('Web.Default.svc.cluster.local', 'A'));
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers).toEqual([
      { type: 'A', name: 'Web.Default.svc.cluster.local', ttl: 30, data: '10.96.3.4' },
    ]);
    expect(answered(ask('web.default.svc.cluster.local.', 'A')).answers).toHaveLength(1);
  });

  it('answers AAAA from a dual-stack service and NODATA (with SOA) when the family is missing', () => {
    expect(data(answered(ask('dual.default.svc.cluster.local', 'AAAA')).answers)).toEqual(['fd00::20']);
    expect(data(answered(ask('dual.default.svc.cluster.local', 'A')).answers)).toEqual(['10.96.0.20']);
    const nodata = answered(ask('web.default.svc.cluster.local', 'AAAA'));
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities[0]?.type).toBe('SOA');
  });

  it('answers SRV for a named port with the service name as target and its address as additional', () => {
    const srv = answered(ask('_http._tcp.web.default.svc.cluster.local', 'SRV'));
    expect(srv.answers).toEqual([
      {
        type: 'SRV',
        name: '_http._tcp.web.default.svc.cluster.local',
        ttl: 30,
        data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' },
      },
    ]);
    expect(srv.additionals).toEqual([
      { type: 'A', name: 'web.default.svc.cluster.local', ttl: 30, data: '10.96.3.4' },
    ]);
    // Every port, weights shared, for SRV on the service name itself (as CoreDNS).
    const all = answered(ask('web.default.svc.cluster.local', 'SRV'));
    expect(data(all.answers)).toEqual([
      { priority: 0, weight: 50, port: 80, target: 'web.default.svc.cluster.local' },
      { priority: 0, weight: 50, port: 9090, target: 'web.default.svc.cluster.local' },
    ]);
    expect(ask('_nope._tcp.web.default.svc.cluster.local', 'SRV')).toMatchObject({ rcode: 'NXDOMAIN' });
    expect(ask('_http._udp.web.default.svc.cluster.local', 'SRV')).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('answers a headless service with its ready endpoints, and each endpoint by its hostname', () => {
    expect(data(answered(ask('db.default.svc.cluster.local', 'A')).answers)).toEqual([
      '10.244.0.5',
      '10.244.0.6',
    ]);
    expect(data(answered(ask('db-1.db.default.svc.cluster.local', 'A')).answers)).toEqual(['10.244.0.6']);
    const srv = answered(ask('_pg._tcp.db.default.svc.cluster.local', 'SRV'));
    expect(data(srv.answers)).toEqual([
      { priority: 0, weight: 50, port: 5432, target: 'db-0.db.default.svc.cluster.local' },
      { priority: 0, weight: 50, port: 5432, target: 'db-1.db.default.svc.cluster.local' },
    ]);
    expect(srv.additionals.map((a) => [a.name, 'data' in a && a.data])).toEqual([
      ['db-0.db.default.svc.cluster.local', '10.244.0.5'],
      ['db-1.db.default.svc.cluster.local', '10.244.0.6'],
    ]);
    // Not ready: not published, by name or otherwise.
    expect(ask('10-244-0-7.db.default.svc.cluster.local', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('publishes not-ready endpoints, named by their dashed IP, when the service asks for it', () => {
    const open = { ...db, spec: { ...db.spec, publishNotReadyAddresses: true } };
    const on = view({ services: [open], slices: [dbSlice] });
    expect(data(answered(ask('db.default.svc.cluster.local', 'A', on)).answers)).toHaveLength(3);
    expect(data(answered(ask('10-244-0-7.db.default.svc.cluster.local', 'A', on)).answers)).toEqual([
      '10.244.0.7',
    ]);
  });

  it('answers NXDOMAIN for a headless service without ready endpoints (as CoreDNS)', () => {
    const on = view({ services: [db], slices: [] });
    expect(ask('db.default.svc.cluster.local', 'A', on)).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('answers an ExternalName with a CNAME, left to chase upstream for A/AAAA only', () => {
    const a = answered(ask('ext.default.svc.cluster.local', 'A'));
    expect(a.answers).toEqual([
      { type: 'CNAME', name: 'ext.default.svc.cluster.local', ttl: 30, data: 'api.example.com' },
    ]);
    expect(a.chase).toEqual({ name: 'api.example.com', type: 'A' });
    const cname = answered(ask('ext.default.svc.cluster.local', 'CNAME'));
    expect(cname.chase).toBeUndefined();
    expect(data(cname.answers)).toEqual(['api.example.com']);
    expect(answered(ask('ext.default.svc.cluster.local', 'TXT')).answers).toEqual([]);
    expect(ask('x.ext.default.svc.cluster.local', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('follows an ExternalName that points inside the cluster itself', () => {
    const alias = service('alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' });
    const on = view({ services: [web, alias] });
    const a = answered(ask('alias.default.svc.cluster.local', 'A', on));
    expect(a.chase).toBeUndefined();
    expect(a.answers.map((r) => r.type)).toEqual(['CNAME', 'A']);
    expect(data(a.answers)).toEqual(['web.default.svc.cluster.local', '10.96.3.4']);
  });

  it('answers pod names as `pods insecure`: any well-formed address in an existing namespace', () => {
    expect(data(answered(ask('10-244-1-9.default.pod.cluster.local', 'A')).answers)).toEqual(['10.244.1.9']);
    expect(data(answered(ask('fd00--1.default.pod.cluster.local', 'AAAA')).answers)).toEqual(['fd00::1']);
    expect(ask('10-244-1-999.default.pod.cluster.local', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
    expect(ask('10-244-1-9.nowhere.pod.cluster.local', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('answers NXDOMAIN with the SOA for unknown names in the zone, NODATA for names that exist', () => {
    const nx = answered(ask('nope.default.svc.cluster.local', 'A'));
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authorities).toEqual([
      {
        type: 'SOA',
        name: 'cluster.local',
        ttl: 30,
        data: {
          mname: 'ns.dns.cluster.local',
          rname: 'hostmaster.cluster.local',
          serial: 1700000000,
          refresh: 7200,
          retry: 1800,
          expire: 86400,
          minimum: 30,
        },
      },
    ]);
    expect(ask('web.nowhere.svc.cluster.local', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
    expect(ask('foo.cluster.local', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
    expect(ask('a.b.c.web.default.svc.cluster.local', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
    for (const name of [
      'cluster.local',
      'svc.cluster.local',
      'default.svc.cluster.local',
      'default.pod.cluster.local',
    ]) {
      expect(ask(name, 'A'), name).toMatchObject({ rcode: 'NOERROR', answers: [] });
    }
    expect(data(answered(ask('cluster.local', 'SOA')).answers)).toHaveLength(1);
  });

  it('answers NS at the apex with ns.dns.<zone> at the DNS service address', () => {
    const kubeDns = service('kube-dns', { clusterIP: '10.96.0.10', ports: [{ port: 53 }] }, 'kube-system');
    const on = view({ services: [kubeDns] });
    const ns = resolve({ name: 'cluster.local', type: 'NS' }, on, {
      domain: 'cluster.local',
      ttl: 30,
      dnsService: { namespace: 'kube-system', name: 'kube-dns' },
    });
    expect(ns).toMatchObject({
      answers: [{ type: 'NS', data: 'ns.dns.cluster.local' }],
      additionals: [{ type: 'A', name: 'ns.dns.cluster.local', data: '10.96.0.10' }],
    });
  });

  it('forwards names outside the zone, and reverse names it does not know', () => {
    expect(ask('example.com', 'A')).toEqual({ kind: 'forward' });
    expect(ask('cluster.local.example.com', 'A')).toEqual({ kind: 'forward' });
    expect(ask('8.8.8.8.in-addr.arpa', 'PTR')).toEqual({ kind: 'forward' });
    expect(
      resolve({ name: 'version.bind', type: 'TXT', class: 'CH' }, cluster, {
        domain: 'cluster.local',
        ttl: 30,
      }),
    ).toEqual({ kind: 'forward' });
  });

  it('answers PTR for service cluster IPs and endpoint addresses', () => {
    expect(data(answered(ask('4.3.96.10.in-addr.arpa', 'PTR')).answers)).toEqual([
      'web.default.svc.cluster.local',
    ]);
    expect(data(answered(ask('6.0.244.10.in-addr.arpa', 'PTR')).answers)).toEqual([
      'db-1.db.default.svc.cluster.local',
    ]);
    const v6 = `${'0.2.0.0.'}${'0.0.0.0.'.repeat(6)}0.0.d.f.ip6.arpa`;
    expect(data(answered(ask(v6, 'PTR')).answers)).toEqual(['dual.default.svc.cluster.local']);
  });
});
