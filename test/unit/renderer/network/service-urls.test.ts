import type { Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  schemeOf,
  serviceAddresses,
  serviceDnsNames,
} from '../../../../src-renderer/components/network/service-urls.js';

/** A Service as the API server returns it: defaults filled in, a cluster IP allocated. */
function service(name: string, spec: Service['spec'], status: Service['status'] = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ...spec },
    status,
  };
}

const KUBIA = { selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] };

describe('where a Service is reached', () => {
  it('a NodePort Service (the book’s kubia-nodeport): a link to 127.0.0.1 on the node port, and its in-cluster addresses', () => {
    const a = serviceAddresses(
      service('kubia-nodeport', {
        type: 'NodePort',
        selector: { app: 'kubia' },
        ports: [{ port: 80, targetPort: 8080, nodePort: 30123, protocol: 'TCP' }],
      }),
    );
    expect(a.type).toBe('NodePort');
    expect(a.host).toEqual([
      { label: 'NodePort 80/TCP', text: 'http://127.0.0.1:30123', url: 'http://127.0.0.1:30123' },
    ]);
    expect(a.cluster.map((x) => x.text)).toEqual([
      '10.96.0.20:80',
      'kubia-nodeport.default.svc.cluster.local:80',
    ]);
    expect(a.cluster[1]!.note).toBe('also kubia-nodeport.default, or kubia-nodeport from namespace default');
    expect(a.forwardPorts).toEqual([]);
    expect(a.notes).toEqual([]);
  });

  it('a LoadBalancer without status is pending, as kubectl shows <pending>; its node ports already work', () => {
    const a = serviceAddresses(
      service('kubia-loadbalancer', {
        type: 'LoadBalancer',
        selector: { app: 'kubia' },
        ports: [{ port: 80, targetPort: 8080, nodePort: 32143, protocol: 'TCP' }],
      }),
    );
    expect(a.host[0]).toMatchObject({ label: 'LoadBalancer', text: 'pending', pending: true });
    expect(a.host[0]!.url).toBeUndefined();
    expect(a.host[1]).toMatchObject({ label: 'NodePort 80/TCP', url: 'http://127.0.0.1:32143' });
  });

  it('a LoadBalancer with an address links to it on each service port, and shows a port’s error', () => {
    const a = serviceAddresses(
      service(
        'web',
        {
          type: 'LoadBalancer',
          selector: { app: 'web' },
          ports: [
            { name: 'http', port: 80, targetPort: 8080, nodePort: 30001, protocol: 'TCP' },
            { name: 'https', port: 8443, targetPort: 8443, nodePort: 30002, protocol: 'TCP' },
          ],
        },
        {
          loadBalancer: {
            ingress: [
              {
                ip: '127.0.0.1',
                ipMode: 'VIP',
                ports: [{ port: 8443, protocol: 'TCP', error: 'PortInUse' }],
              },
            ],
          },
        },
      ),
    );
    expect(a.host.map((x) => [x.label, x.url, x.error])).toEqual([
      ['LoadBalancer 80/TCP (http)', 'http://127.0.0.1', undefined],
      ['LoadBalancer 8443/TCP (https)', undefined, 'PortInUse'],
      ['NodePort 80/TCP (http)', 'http://127.0.0.1:30001', undefined],
      ['NodePort 8443/TCP (https)', 'https://127.0.0.1:30002', undefined],
    ]);
  });

  it('a load balancer by hostname, and IPv6 addresses in brackets', () => {
    const a = serviceAddresses(
      service(
        'web',
        {
          type: 'LoadBalancer',
          clusterIPs: ['10.96.0.20', 'fd00::20'],
          selector: { a: 'b' },
          ports: [{ port: 80 }],
        },
        { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '::1' }] } },
      ),
    );
    expect(a.host.map((x) => x.url)).toEqual(['http://lb.example.com', 'http://[::1]']);
    expect(a.cluster.map((x) => x.text)).toContain('[fd00::20]:80');
  });

  it('a NodePort whose node port is not allocated yet is pending', () => {
    const a = serviceAddresses(
      service('web', { type: 'NodePort', selector: { a: 'b' }, ports: [{ port: 80 }] }),
    );
    expect(a.host).toEqual([
      { label: 'NodePort 80/TCP', text: 'pending', pending: true, note: 'no node port allocated yet' },
    ]);
  });

  it('UDP ports are addresses to copy, not links', () => {
    const a = serviceAddresses(
      service('dns', {
        type: 'NodePort',
        selector: { a: 'b' },
        ports: [{ port: 53, nodePort: 30053, protocol: 'UDP' }],
      }),
    );
    expect(a.host[0]).toMatchObject({ text: '127.0.0.1:30053/UDP' });
    expect(a.host[0]!.url).toBeUndefined();
  });

  it('a ClusterIP Service (the book’s kubia): nothing from the host but a port-forward, and its in-cluster addresses', () => {
    const a = serviceAddresses(service('kubia', KUBIA));
    expect(a.host).toEqual([]);
    expect(a.forwardPorts).toEqual([80]);
    expect(a.notes.join(' ')).toMatch(/virtual.*port-forward/);
    expect(a.cluster.map((x) => [x.label, x.text])).toEqual([
      ['cluster IP 80/TCP', '10.96.0.20:80'],
      ['DNS 80/TCP', 'kubia.default.svc.cluster.local:80'],
    ]);
  });

  it('only TCP ports are offered to port-forward', () => {
    const a = serviceAddresses(
      service('mixed', {
        selector: { a: 'b' },
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      }),
    );
    expect(a.forwardPorts).toEqual([53]);
  });

  it('a headless Service has no virtual IP: its DNS name resolves to the pods’ IPs', () => {
    const a = serviceAddresses(
      service('kubia-headless', { ...KUBIA, clusterIP: 'None', clusterIPs: ['None'] }),
    );
    expect(a.type).toBe('ClusterIP (headless)');
    // No proxy translates 80 to 8080: clients dial the pods' port.
    expect(a.cluster.map((x) => x.text)).toEqual(['kubia-headless.default.svc.cluster.local:8080']);
    const named = serviceAddresses(
      service('h', { ...KUBIA, clusterIP: 'None', ports: [{ port: 80, targetPort: 'http' }] }),
    );
    expect(named.cluster[0]).toMatchObject({ text: 'h.default.svc.cluster.local' });
    expect(named.cluster[0]!.note).toMatch(/on their port named http$/);
    expect(a.cluster[0]!.note).toMatch(/resolves to the pods' IPs/);
    expect(a.notes[0]).toMatch(/^Headless.*ready pods/);
    expect(a.notes).not.toContainEqual(expect.stringMatching(/virtual and answers/));
    const all = serviceAddresses(
      service('h', { ...KUBIA, clusterIP: 'None', clusterIPs: ['None'], publishNotReadyAddresses: true }),
    );
    expect(all.notes[0]).toMatch(/ready or not/);
  });

  it('an ExternalName Service (the book’s external-service) is a CNAME and nothing more', () => {
    const a = serviceAddresses({
      metadata: { name: 'external-service', namespace: 'default' },
      spec: { type: 'ExternalName', externalName: 'api.somecompany.com', ports: [{ port: 80 }] },
    });
    expect(a.host).toEqual([]);
    expect(a.forwardPorts).toEqual([]);
    expect(a.cluster).toEqual([
      {
        label: 'DNS (CNAME)',
        text: 'external-service.default.svc.cluster.local',
        note: 'a CNAME for api.somecompany.com: clients connect to it directly',
      },
    ]);
    expect(a.notes[0]).toMatch(/CNAME for api\.somecompany\.com/);
  });

  it('a Service without a selector says its endpoints are made by hand, and offers no port-forward', () => {
    const a = serviceAddresses(service('external-service', { ports: [{ port: 80 }] }));
    expect(a.notes[0]).toMatch(/No selector/);
    expect(a.forwardPorts).toEqual([]);
  });

  it('names: the full DNS name, namespace-qualified, and short', () => {
    expect(serviceDnsNames('kubia', 'ns1')).toEqual(['kubia.ns1.svc.cluster.local', 'kubia.ns1', 'kubia']);
  });

  it('https for ports that say so', () => {
    expect(schemeOf({ port: 443 })).toBe('https');
    expect(schemeOf({ port: 80, name: 'https' })).toBe('https');
    expect(schemeOf({ port: 80, appProtocol: 'https' })).toBe('https');
    expect(schemeOf({ port: 80, name: 'http' })).toBe('http');
    expect(schemeOf({ port: 8080, name: 'https-metrics' })).toBe('https');
    expect(schemeOf({ port: 8080, name: 'httpsx' })).toBe('http');
  });
});
