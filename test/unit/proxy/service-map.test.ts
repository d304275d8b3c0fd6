import { describe, expect, it } from 'vitest';
import type { CoreV1, DiscoveryV1 } from '../../../embedded-cluster/client/index.js';
import { buildServiceMap, isProxied, usable } from '../../../embedded-cluster/proxy/service-map.js';

const service = (name: string, spec: CoreV1.ServiceSpec): CoreV1.Service => ({
  metadata: { name, namespace: 'ns', uid: name },
  spec: { clusterIP: '10.96.0.5', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...spec },
});

const slice = (
  serviceName: string,
  endpoints: DiscoveryV1.Endpoint[],
  ports: DiscoveryV1.EndpointPort[] = [{ name: 'http', port: 8080, protocol: 'TCP' }],
  addressType = 'IPv4',
): DiscoveryV1.EndpointSlice => ({
  metadata: {
    name: `${serviceName}-x`,
    namespace: 'ns',
    labels: { 'kubernetes.io/service-name': serviceName },
  },
  addressType,
  ports,
  endpoints,
});

const ep = (ip: string, conditions: DiscoveryV1.EndpointConditions = { ready: true }, nodeName?: string) => ({
  addresses: [ip],
  conditions,
  ...(nodeName ? { nodeName } : {}),
});

function map(services: CoreV1.Service[], slices: DiscoveryV1.EndpointSlice[]) {
  return buildServiceMap(
    services,
    (key) => slices.filter((s) => `ns/${s.metadata!.labels!['kubernetes.io/service-name']}` === key),
    'node-a',
  );
}

describe('the service map', () => {
  it('lists each service port with its endpoints, named as kube-proxy names service ports', () => {
    const [port] = map([service('web', {})], [slice('web', [ep('172.20.0.3'), ep('172.20.0.2')])]);
    expect(port).toMatchObject({
      name: 'ns/web:http',
      protocol: 'TCP',
      clusterIP: '10.96.0.5',
      port: 80,
      loadBalancer: false,
    });
    expect(port!.clusterEndpoints.map((e) => `${e.ip}:${e.port}`)).toEqual([
      '172.20.0.2:8080',
      '172.20.0.3:8080',
    ]);
  });

  it('leaves headless and ExternalName services alone', () => {
    expect(isProxied(service('h', { clusterIP: 'None' }))).toBe(false);
    expect(isProxied(service('e', { type: 'ExternalName', clusterIP: '' }))).toBe(false);
    expect(map([service('h', { clusterIP: 'None' })], [slice('h', [ep('172.20.0.2')])])).toEqual([]);
  });

  it('resolves each port by name and protocol across slices (a named targetPort per pod)', () => {
    const services = [
      service('dns', {
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      }),
    ];
    const slices = [
      slice(
        'dns',
        [ep('172.20.0.2')],
        [
          { name: 'dns', port: 1053, protocol: 'UDP' },
          { name: 'dns-tcp', port: 1053, protocol: 'TCP' },
        ],
      ),
      slice(
        'dns',
        [ep('172.20.0.3')],
        [
          { name: 'dns', port: 2053, protocol: 'UDP' },
          { name: 'dns-tcp', port: 2054, protocol: 'TCP' },
        ],
      ),
    ];
    const [udp, tcp] = map(services, slices);
    expect(udp!.name).toBe('ns/dns:dns');
    expect(udp!.clusterEndpoints.map((e) => `${e.ip}:${e.port}`)).toEqual([
      '172.20.0.2:1053',
      '172.20.0.3:2053',
    ]);
    expect(tcp!.clusterEndpoints.map((e) => `${e.ip}:${e.port}`)).toEqual([
      '172.20.0.2:1053',
      '172.20.0.3:2054',
    ]);
  });

  it('names an unnamed port ns/svc, and skips IPv6 slices', () => {
    const svc = service('one', { ports: [{ port: 80 }] });
    const [port] = map(
      [svc],
      [
        slice('one', [ep('172.20.0.2')], [{ port: 8080 }]),
        slice('one', [ep('fd00::2')], [{ port: 8080 }], 'IPv6'),
      ],
    );
    expect(port!.name).toBe('ns/one');
    expect(port!.clusterEndpoints).toHaveLength(1);
  });

  it('sends traffic to ready endpoints only; a missing condition counts as ready', () => {
    const [port] = map(
      [service('web', {})],
      [slice('web', [ep('172.20.0.2', { ready: false, serving: false }), ep('172.20.0.3', {})])],
    );
    expect(port!.clusterEndpoints.map((e) => e.ip)).toEqual(['172.20.0.3']);
  });

  it('falls back to serving terminating endpoints when none is ready, as kube-proxy does', () => {
    const terminating = { ready: false, serving: true, terminating: true };
    const notServing = { ready: false, serving: false, terminating: true };
    expect(
      usable([
        { ip: 'a', port: 1, ready: false, serving: true, terminating: true },
        { ip: 'b', port: 1, ready: false, serving: false, terminating: true },
      ]).map((e) => e.ip),
    ).toEqual(['a']);
    const [port] = map(
      [service('web', {})],
      [slice('web', [ep('172.20.0.2', terminating), ep('172.20.0.3', notServing)])],
    );
    expect(port!.clusterEndpoints.map((e) => e.ip)).toEqual(['172.20.0.2']);
  });

  it('carries NodePorts, LoadBalancer ports and ClientIP affinity with its timeout', () => {
    const [np] = map(
      [service('np', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] })],
      [],
    );
    expect(np).toMatchObject({ nodePort: 30080, loadBalancer: false, clusterEndpoints: [] });
    const [lb] = map(
      [
        service('lb', {
          type: 'LoadBalancer',
          ports: [{ name: 'http', port: 80, nodePort: 30081 }],
          sessionAffinity: 'ClientIP',
        }),
      ],
      [],
    );
    expect(lb).toMatchObject({ nodePort: 30081, loadBalancer: true, affinitySeconds: 10800 });
    const [short] = map(
      [
        service('s', {
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
        }),
      ],
      [],
    );
    expect(short!.affinitySeconds).toBe(60);
    // A ClusterIP service keeping a stale nodePort in its spec is not a NodePort.
    const [cip] = map([service('c', { ports: [{ name: 'http', port: 80, nodePort: 30082 }] })], []);
    expect(cip!.nodePort).toBeUndefined();
  });

  it('applies the traffic policies: Local keeps this node’s endpoints', () => {
    const slices = [
      slice('web', [
        ep('172.20.0.2', { ready: true }, 'node-a'),
        ep('172.20.0.3', { ready: true }, 'node-b'),
      ]),
    ];
    const [port] = map(
      [service('web', { externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Cluster' })],
      slices,
    );
    expect(port!.clusterEndpoints.map((e) => e.ip)).toEqual(['172.20.0.2', '172.20.0.3']);
    expect(port!.externalEndpoints.map((e) => e.ip)).toEqual(['172.20.0.2']);
    const [internal] = map([service('web', { internalTrafficPolicy: 'Local' })], slices);
    expect(internal!.clusterEndpoints.map((e) => e.ip)).toEqual(['172.20.0.2']);
  });
});
