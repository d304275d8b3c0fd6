import { describe, expect, it } from 'vitest';
import type { Service } from 'kubernetes-types/core/v1.js';
import { validateNodePortRange } from '../../../../embedded-cluster/api/kinds/index.js';
import { create, update } from './helpers.js';

const svc = (spec: Record<string, unknown>, name = 'web') => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec,
});

describe('Service defaulting', () => {
  it('fills type, affinity, protocols, target ports and traffic policies', () => {
    const { obj } = create('', svc({ selector: { app: 'x' }, ports: [{ port: 80 }] }));
    expect(obj.spec).toEqual({
      selector: { app: 'x' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
    expect(obj.status).toEqual({ loadBalancer: {} });
  });

  it('fills the LoadBalancer and ClientIP extras', () => {
    const { obj } = create(
      '',
      svc({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }),
    );
    expect(obj.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    });
  });
});

describe('Service validation', () => {
  it('uses DNS-1035 names', () => {
    expect(create('', svc({ ports: [{ port: 80 }] }, '1web')).problems[0]).toMatch(
      /^metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters/,
    );
  });

  it('requires ports unless headless or ExternalName', () => {
    expect(create('', svc({})).problems).toEqual(['spec.ports: Required value']);
    expect(create('', svc({ clusterIP: 'None' })).problems).toEqual([]);
    expect(create('', svc({ type: 'ExternalName', externalName: 'api.example.com' })).problems).toEqual([]);
  });

  it('checks ports, protocols, names and duplicates', () => {
    expect(
      create(
        '',
        svc({
          ports: [
            { port: 0 },
            { port: 81, protocol: 'HTTP', name: 'a' },
            { port: 81, protocol: 'HTTP', name: 'a' },
          ],
        }),
      ).problems,
    ).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      // The target port defaults to the port, so it is just as wrong.
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[2].name: Duplicate value: "a"',
      'spec.ports[2].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[2]: Duplicate value: core.ServicePort{Name:"", Protocol:"HTTP", AppProtocol:(*string)(nil), Port:81, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
  });

  it('checks type, ExternalName and node ports on ClusterIP', () => {
    expect(create('', svc({ type: 'Magic', ports: [{ port: 80 }] })).problems).toEqual([
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    expect(create('', svc({ type: 'ExternalName', externalName: 'Not_A_Host' })).problems[0]).toMatch(
      /^spec.externalName: Invalid value: "Not_A_Host": a lowercase RFC 1123 subdomain/,
    );
    expect(create('', svc({ type: 'ExternalName' })).problems).toEqual(['spec.externalName: Required value']);
    expect(create('', svc({ ports: [{ port: 80, nodePort: 30080 }] })).problems).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    expect(
      create('', svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] })).problems,
    ).toContain(`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`);
  });

  it('gives the allocator the node port range message', () => {
    expect(
      validateNodePortRange({ spec: { ports: [{ port: 80, nodePort: 8080 }] } }).map((p) => p.detail),
    ).toEqual(['provided port is not in the valid range. The range of valid ports is 30000-32767']);
  });
});

describe('Service updates', () => {
  const allocated = () => {
    const { obj } = create('', svc({ type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80 }] }));
    const s = obj as unknown as Service;
    s.spec!.clusterIP = '10.96.0.10';
    s.spec!.clusterIPs = ['10.96.0.10'];
    s.spec!.ports![0]!.nodePort = 30001;
    return obj;
  };

  it('keep allocated values a manifest leaves out (kubectl apply)', () => {
    const old = allocated();
    const { obj, problems } = update(
      '',
      svc({ type: 'NodePort', selector: { app: 'y' }, ports: [{ port: 80 }] }),
      old,
    );
    expect(problems).toEqual([]);
    expect(obj.spec).toMatchObject({
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ports: [{ port: 80, nodePort: 30001 }],
    });
  });

  it('refuse a changed cluster IP', () => {
    const old = allocated();
    expect(
      update('', svc({ type: 'NodePort', clusterIP: '10.96.0.11', ports: [{ port: 80 }] }), old).problems,
    ).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  });
});
