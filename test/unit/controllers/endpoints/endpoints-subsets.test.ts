import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  endpointSubsets,
  repackSubsets,
  sameSubsets,
  truncateSubsets,
} from '../../../../embedded-cluster/controllers/endpoints/endpoints-subsets.js';
import { findPort, rfc3339Nano } from '../../../../embedded-cluster/controllers/endpoints/pod-endpoints.js';

function pod(
  name: string,
  ip: string | undefined,
  options: { ready?: boolean; phase?: string; deleting?: boolean; ports?: CoreV1.ContainerPort[] } = {},
): CoreV1.Pod {
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: `uid-${name}`,
      ...(options.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
    spec: {
      nodeName: 'node',
      containers: [{ name: 'c', ...(options.ports ? { ports: options.ports } : {}) }],
    },
    status: {
      phase: options.phase ?? 'Running',
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

function service(spec: CoreV1.ServiceSpec): CoreV1.Service {
  return { metadata: { name: 'svc', namespace: 'ns' }, spec: { clusterIP: '10.96.0.10', ...spec } };
}

const addr = (ip: string, name: string): CoreV1.EndpointAddress => ({
  ip,
  nodeName: 'node',
  targetRef: { kind: 'Pod', namespace: 'ns', name, uid: `uid-${name}` },
});

describe('endpointSubsets', () => {
  it('puts ready pods in addresses and running un-ready ones in notReadyAddresses', () => {
    const subsets = endpointSubsets(
      service({ selector: { a: 'b' }, ports: [{ port: 80, protocol: 'TCP' }] }),
      [pod('b', '10.0.0.2'), pod('a', '10.0.0.1'), pod('c', '10.0.0.3', { ready: false })],
    );
    expect(subsets).toEqual([
      {
        addresses: [addr('10.0.0.1', 'a'), addr('10.0.0.2', 'b')],
        notReadyAddresses: [addr('10.0.0.3', 'c')],
        ports: [{ port: 80, protocol: 'TCP' }],
      },
    ]);
  });

  it('skips pods without an IP, terminal pods, and terminating pods unless publishing not-ready addresses', () => {
    const pods = [
      pod('noip', undefined),
      pod('done', '10.0.0.4', { phase: 'Succeeded' }),
      pod('going', '10.0.0.5', { deleting: true }),
    ];
    expect(endpointSubsets(service({ ports: [{ port: 80 }] }), pods)).toEqual([]);
    expect(endpointSubsets(service({ ports: [{ port: 80 }], publishNotReadyAddresses: true }), pods)).toEqual(
      [{ addresses: [addr('10.0.0.5', 'going')], ports: [{ port: 80, protocol: 'TCP' }] }],
    );
  });

  it('resolves named target ports per pod and groups addresses by the ports they offer', () => {
    const svc = service({
      ports: [
        { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
        { name: 'metrics', port: 9100, targetPort: 9100, protocol: 'TCP' },
      ],
    });
    const subsets = endpointSubsets(svc, [
      pod('a', '10.0.0.1', { ports: [{ name: 'web', containerPort: 8080 }] }),
      pod('b', '10.0.0.2', { ports: [{ name: 'web', containerPort: 8080 }] }),
      pod('c', '10.0.0.3'),
    ]);
    // As RepackSubsets: each subset holds the exact address set offering its ports.
    expect(subsets).toHaveLength(2);
    expect(subsets.find((s) => s.ports?.[0]?.name === 'http')).toEqual({
      addresses: [addr('10.0.0.1', 'a'), addr('10.0.0.2', 'b')],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(subsets.find((s) => s.ports?.[0]?.name === 'metrics')).toEqual({
      addresses: [addr('10.0.0.1', 'a'), addr('10.0.0.2', 'b'), addr('10.0.0.3', 'c')],
      ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }],
    });
  });

  it('gives a headless service without ports portless addresses', () => {
    const svc = service({ clusterIP: 'None', selector: { a: 'b' } });
    expect(endpointSubsets(svc, [pod('a', '10.0.0.1')])).toEqual([{ addresses: [addr('10.0.0.1', 'a')] }]);
  });
});

describe('repackSubsets', () => {
  it('is canonical: the same content in any order packs the same', () => {
    const p80 = { port: 80, protocol: 'TCP' };
    const a = repackSubsets([
      { addresses: [addr('10.0.0.2', 'b')], ports: [p80] },
      { addresses: [addr('10.0.0.1', 'a')], ports: [p80] },
    ]);
    const b = repackSubsets([{ addresses: [addr('10.0.0.1', 'a'), addr('10.0.0.2', 'b')], ports: [p80] }]);
    expect(a).toEqual(b);
    expect(sameSubsets(a, b)).toBe(true);
  });

  it('lets not-ready win over ready for an address listed as both', () => {
    const p80 = { port: 80, protocol: 'TCP' };
    expect(
      repackSubsets([
        { addresses: [addr('10.0.0.1', 'a')], ports: [p80] },
        { notReadyAddresses: [addr('10.0.0.1', 'a')], ports: [p80] },
      ]),
    ).toEqual([{ notReadyAddresses: [addr('10.0.0.1', 'a')], ports: [p80] }]);
  });
});

describe('truncateSubsets', () => {
  const many = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => addr(`10.${prefix}.${i >> 8}.${i & 255}`, `${prefix}-${i}`));

  it('leaves 1000 addresses alone', () => {
    const subsets = [{ addresses: many(1000, '1'), ports: [{ port: 80 }] }];
    expect(truncateSubsets(subsets)).toEqual({ subsets, truncated: false });
  });

  it('keeps ready addresses first, cutting not-ready ones to fit 1000', () => {
    const { subsets, truncated } = truncateSubsets([
      { addresses: many(900, '1'), notReadyAddresses: many(300, '2'), ports: [{ port: 80 }] },
    ]);
    expect(truncated).toBe(true);
    expect(subsets[0]!.addresses).toHaveLength(900);
    expect(subsets[0]!.notReadyAddresses).toHaveLength(100);
  });

  it('cuts ready addresses in proportion when they alone exceed 1000, dropping all not-ready ones', () => {
    const { subsets } = truncateSubsets([
      { addresses: many(1200, '1'), notReadyAddresses: many(10, '3'), ports: [{ port: 80 }] },
      { addresses: many(300, '2'), ports: [{ port: 81 }] },
    ]);
    expect(subsets[0]!.addresses).toHaveLength(800);
    expect(subsets[0]!.notReadyAddresses).toBeUndefined();
    expect(subsets[1]!.addresses).toHaveLength(200);
  });
});

describe('findPort', () => {
  const p = pod('a', '10.0.0.1', {
    ports: [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'web', containerPort: 8080 },
    ],
  });
  it('answers a numeric targetPort as it is, and the port itself when unset', () => {
    expect(findPort(p, { port: 80, targetPort: 9000 })).toBe(9000);
    expect(findPort(p, { port: 80 })).toBe(80);
  });
  it('looks a named targetPort up with the same protocol', () => {
    expect(findPort(p, { port: 80, targetPort: 'web' })).toBe(8080);
    expect(findPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' })).toBe(53);
    expect(findPort(p, { port: 53, targetPort: 'dns', protocol: 'TCP' })).toBeUndefined();
    expect(findPort(p, { port: 80, targetPort: 'missing' })).toBeUndefined();
  });
});

describe('rfc3339Nano', () => {
  it('prints as Go does, trimming trailing zeros of the fraction', () => {
    expect(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02T03:04:05Z');
    expect(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 120))).toBe('2024-01-02T03:04:05.12Z');
  });
});
