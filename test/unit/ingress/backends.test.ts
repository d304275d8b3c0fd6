import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { describe, expect, it } from 'vitest';
import { resolveBackend, type BackendLookup } from '../../../embedded-cluster/ingress/backends.js';

const service: Service = {
  metadata: { name: 'web', namespace: 'ns' },
  spec: {
    ports: [
      { name: 'http', port: 80, targetPort: 'web' },
      { name: 'admin', port: 9000 },
    ],
  },
};
const slice = (ready: boolean[], port = 8080, portName = 'http'): EndpointSlice => ({
  metadata: { name: `web-${port}`, namespace: 'ns', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: portName, port, protocol: 'TCP' }],
  endpoints: ready.map((r, i) => ({ addresses: [`10.0.0.${i + 1}`], conditions: { ready: r } })),
});
const lookup = (slices: EndpointSlice[], svc: Service | undefined = service): BackendLookup => ({
  service: (namespace, name) => (svc && namespace === 'ns' && name === 'web' ? svc : undefined),
  slices: () => slices,
});

describe('backend resolution', () => {
  it('resolves a port number to the ready endpoints and the target port the slices give', () => {
    const result = resolveBackend(
      'ns',
      { service: { name: 'web', port: { number: 80 } } },
      lookup([slice([true, false, true])]),
    );
    expect(result).toEqual({
      ok: true,
      key: 'ns/web:80',
      upstreamName: 'ns-web-80',
      endpoints: [
        { ip: '10.0.0.1', port: 8080 },
        { ip: '10.0.0.3', port: 8080 },
      ],
    });
  });

  it('resolves a port by name, reading only that port of the slices', () => {
    const result = resolveBackend(
      'ns',
      { service: { name: 'web', port: { name: 'admin' } } },
      lookup([slice([true], 8080), slice([true], 9001, 'admin')]),
    );
    expect(result.ok && result.endpoints).toEqual([{ ip: '10.0.0.1', port: 9001 }]);
  });

  it('says why a backend cannot serve', () => {
    const reason = (backend: Parameters<typeof resolveBackend>[1], l: BackendLookup) => {
      const result = resolveBackend('ns', backend, l);
      return result.ok ? 'ok' : result.reason;
    };
    expect(reason({ service: { name: 'gone', port: { number: 80 } } }, lookup([]))).toBe(
      'service "gone" does not exist in namespace "ns"',
    );
    expect(reason({ service: { name: 'web', port: { number: 81 } } }, lookup([]))).toBe(
      'service "web" has no port 81 (it has http (80), admin (9000))',
    );
    expect(reason({ service: { name: 'web', port: { number: 80 } } }, lookup([slice([false])]))).toBe(
      'service "web" has no ready endpoints for port 80',
    );
  });
});
