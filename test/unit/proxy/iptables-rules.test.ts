import { describe, expect, it } from 'vitest';
import {
  chainHash,
  endpointChain,
  ourChains,
  renderCleanup,
  renderRules,
  serviceChain,
} from '../../../embedded-cluster/proxy/iptables-rules.js';
import type { ProxyEndpoint, ProxyServicePort } from '../../../embedded-cluster/proxy/service-map.js';

const endpoint = (ip: string, port = 8080): ProxyEndpoint => ({
  ip,
  port,
  ready: true,
  serving: true,
  terminating: false,
});

const port = (overrides: Partial<ProxyServicePort> = {}): ProxyServicePort => ({
  name: 'default/web:http',
  namespace: 'default',
  service: 'web',
  portName: 'http',
  protocol: 'TCP',
  clusterIP: '10.96.0.20',
  port: 80,
  loadBalancer: false,
  clusterEndpoints: [],
  externalEndpoints: [],
  ...overrides,
});

describe('iptables rules', () => {
  it('names chains by kube-proxy’s hash, within iptables’ 28 characters', () => {
    const p = port();
    expect(chainHash('default/web:http', 'TCP')).toMatch(/^[A-Z2-7]{15}$/);
    expect(serviceChain(p)).toBe(`KUBEDESK-SVC-${chainHash('default/web:http', 'TCP')}`);
    expect(serviceChain(p).length).toBeLessThanOrEqual(28);
    expect(endpointChain(p, endpoint('172.20.0.2')).length).toBeLessThanOrEqual(28);
    expect(serviceChain(port({ protocol: 'UDP' }))).not.toBe(serviceChain(p));
  });

  it('renders an empty state: our base chains, nothing else', () => {
    expect(renderRules([]).text).toBe(
      [
        '*nat',
        ':KUBEDESK-SERVICES - [0:0]',
        ':KUBEDESK-POSTROUTING - [0:0]',
        ':KUBEDESK-MARK-MASQ - [0:0]',
        '-A KUBEDESK-POSTROUTING -m mark ! --mark 0x2000/0x2000 -j RETURN',
        '-A KUBEDESK-POSTROUTING -j MARK --xor-mark 0x2000',
        '-A KUBEDESK-POSTROUTING -m comment --comment "kubedesk service traffic requiring SNAT" -j MASQUERADE --random-fully',
        '-A KUBEDESK-MARK-MASQ -j MARK --or-mark 0x2000',
        'COMMIT',
        '*filter',
        ':KUBEDESK-SERVICES - [0:0]',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('spreads over three endpoints with probabilities 1/3, 1/2, then the rest (golden text)', () => {
    const p = port({
      clusterEndpoints: [endpoint('172.20.0.2'), endpoint('172.20.0.3'), endpoint('172.20.0.4')],
    });
    const svc = serviceChain(p);
    const [a, b, c] = p.clusterEndpoints.map((e) => endpointChain(p, e));
    const { text, natChains } = renderRules([p], { podCidr: '172.20.0.0/16' });
    expect(natChains).toEqual([
      'KUBEDESK-SERVICES',
      'KUBEDESK-POSTROUTING',
      'KUBEDESK-MARK-MASQ',
      svc,
      a,
      b,
      c,
    ]);
    const rules = text.split('\n').filter((l) => l.startsWith('-A') && !/POSTROUTING|MARK-MASQ -j/.test(l));
    expect(rules).toEqual([
      `-A KUBEDESK-SERVICES -m comment --comment "default/web:http cluster IP" -p tcp -d 10.96.0.20/32 --dport 80 -j ${svc}`,
      `-A ${svc} -m comment --comment "default/web:http cluster IP" -p tcp -d 10.96.0.20/32 --dport 80 ! -s 172.20.0.0/16 -j KUBEDESK-MARK-MASQ`,
      `-A ${svc} -m comment --comment "default/web:http -> 172.20.0.2:8080" -m statistic --mode random --probability 0.3333333333 -j ${a}`,
      `-A ${svc} -m comment --comment "default/web:http -> 172.20.0.3:8080" -m statistic --mode random --probability 0.5000000000 -j ${b}`,
      `-A ${svc} -m comment --comment "default/web:http -> 172.20.0.4:8080" -j ${c}`,
      `-A ${a} -m comment --comment default/web:http -s 172.20.0.2/32 -j KUBEDESK-MARK-MASQ`,
      `-A ${a} -m comment --comment default/web:http -p tcp -m tcp -j DNAT --to-destination 172.20.0.2:8080`,
      `-A ${b} -m comment --comment default/web:http -s 172.20.0.3/32 -j KUBEDESK-MARK-MASQ`,
      `-A ${b} -m comment --comment default/web:http -p tcp -m tcp -j DNAT --to-destination 172.20.0.3:8080`,
      `-A ${c} -m comment --comment default/web:http -s 172.20.0.4/32 -j KUBEDESK-MARK-MASQ`,
      `-A ${c} -m comment --comment default/web:http -p tcp -m tcp -j DNAT --to-destination 172.20.0.4:8080`,
    ]);
  });

  it('keeps ClientIP affinity with -m recent, checked before the random spreading', () => {
    const p = port({
      protocol: 'UDP',
      name: 'default/dns:dns',
      port: 53,
      affinitySeconds: 60,
      clusterEndpoints: [endpoint('172.20.0.2', 1053), endpoint('172.20.0.3', 1053)],
    });
    const svc = serviceChain(p);
    const [a, b] = p.clusterEndpoints.map((e) => endpointChain(p, e));
    const lines = renderRules([p]).text.split('\n');
    const svcRules = lines.filter((l) => l.startsWith(`-A ${svc}`));
    expect(svcRules).toEqual([
      `-A ${svc} -m comment --comment "default/dns:dns -> 172.20.0.2:1053" -m recent --name ${a} --mask 255.255.255.255 --rsource --rcheck --seconds 60 --reap -j ${a}`,
      `-A ${svc} -m comment --comment "default/dns:dns -> 172.20.0.3:1053" -m recent --name ${b} --mask 255.255.255.255 --rsource --rcheck --seconds 60 --reap -j ${b}`,
      `-A ${svc} -m comment --comment "default/dns:dns -> 172.20.0.2:1053" -m statistic --mode random --probability 0.5000000000 -j ${a}`,
      `-A ${svc} -m comment --comment "default/dns:dns -> 172.20.0.3:1053" -j ${b}`,
    ]);
    expect(lines).toContain(
      `-A ${a} -m comment --comment default/dns:dns -m recent --name ${a} --mask 255.255.255.255 --rsource --set -p udp -m udp -j DNAT --to-destination 172.20.0.2:1053`,
    );
  });

  it('rejects a service without endpoints in the filter table, and adds no NAT for it', () => {
    const { text, natChains } = renderRules([port()]);
    expect(natChains).toHaveLength(3);
    expect(text).toContain(
      '*filter\n:KUBEDESK-SERVICES - [0:0]\n-A KUBEDESK-SERVICES -m comment --comment "default/web:http has no endpoints" -p tcp -d 10.96.0.20/32 --dport 80 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n',
    );
  });

  it('masquerades everything when bridged packets skip iptables', () => {
    const p = port({ clusterEndpoints: [endpoint('172.20.0.2')] });
    expect(renderRules([p], { masqueradeAll: true, podCidr: '172.20.0.0/16' }).text).toContain(
      `-A ${serviceChain(p)} -m comment --comment "default/web:http cluster IP" -p tcp -d 10.96.0.20/32 --dport 80 -j KUBEDESK-MARK-MASQ\n`,
    );
  });

  it('deletes chains no longer wanted in the same transaction', () => {
    const p = port({ clusterEndpoints: [endpoint('172.20.0.2')] });
    const before = renderRules([p]).natChains;
    const { text } = renderRules([], {}, before);
    const stale = before.filter((c) => c.includes('-SVC-') || c.includes('-SEP-'));
    for (const chain of stale) {
      expect(text).toContain(`:${chain} - [0:0]\n`);
      expect(text).toContain(`-X ${chain}\n`);
    }
    expect(text).not.toContain('-X KUBEDESK-SERVICES');
  });

  it('finds our chains in iptables-save output and removes them', () => {
    const save = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':KUBEDESK-SERVICES - [0:0]',
      'COMMIT',
      '*nat',
      ':DOCKER - [0:0]',
      ':KUBEDESK-SERVICES - [0:0]',
      ':KUBEDESK-SVC-ABC - [0:0]',
      'COMMIT',
    ].join('\n');
    const chains = ourChains(save);
    expect(chains).toEqual({ nat: ['KUBEDESK-SERVICES', 'KUBEDESK-SVC-ABC'], filter: ['KUBEDESK-SERVICES'] });
    expect(renderCleanup(chains)).toBe(
      '*nat\n:KUBEDESK-SERVICES - [0:0]\n:KUBEDESK-SVC-ABC - [0:0]\n-X KUBEDESK-SERVICES\n-X KUBEDESK-SVC-ABC\nCOMMIT\n*filter\n:KUBEDESK-SERVICES - [0:0]\n-X KUBEDESK-SERVICES\nCOMMIT\n',
    );
    expect(renderCleanup({ nat: [], filter: [] })).toBe('');
  });
});
