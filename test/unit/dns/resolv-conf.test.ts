import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  formatResolvConf,
  parseResolvConf,
  podDnsConfig,
  type PodDnsEnvironment,
} from '../../../embedded-cluster/api/pod-dns.js';

const HOST = `# written by NetworkManager
nameserver 192.168.1.1
; a comment
nameserver 1.1.1.1
search corp.example.com. home.
options edns0 timeout:2
options timeout:3
`;

const env: PodDnsEnvironment = {
  clusterDNS: ['10.96.0.10'],
  clusterDomain: 'cluster.local',
  hostResolvConf: HOST,
};

function pod(spec: Partial<NonNullable<Pod['spec']>>, namespace = 'shop'): Pod {
  return { metadata: { name: 'p', namespace }, spec: { containers: [], ...spec } };
}

describe('a pod resolv.conf, as the kubelet builds it', () => {
  it('parses the host resolv.conf: every nameserver, the search line without dots, options merged by name', () => {
    expect(parseResolvConf(HOST)).toEqual({
      nameservers: ['192.168.1.1', '1.1.1.1'],
      searches: ['corp.example.com', 'home'],
      options: ['edns0', 'timeout:3'],
    });
  });

  it('ClusterFirst: the cluster DNS, the namespace search paths then the host ones, ndots:5', () => {
    const config = podDnsConfig(pod({}), env);
    expect(config).toEqual({
      nameservers: ['10.96.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example.com', 'home'],
      options: ['ndots:5'],
    });
    expect(formatResolvConf(config)).toBe(
      'nameserver 10.96.0.10\n' +
        'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example.com home\n' +
        'options ndots:5\n',
    );
  });

  it('ClusterFirst on the host network falls back to Default; ClusterFirstWithHostNet does not', () => {
    const host = parseResolvConf(HOST);
    expect(podDnsConfig(pod({ hostNetwork: true }), env)).toEqual(host);
    expect(
      podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), env).nameservers,
    ).toEqual(['10.96.0.10']);
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), env)).toEqual(host);
  });

  it('ClusterFirst without a cluster DNS configured uses the host resolver', () => {
    expect(podDnsConfig(pod({}), { ...env, clusterDNS: [] }).nameservers).toEqual(['192.168.1.1', '1.1.1.1']);
  });

  it('None uses dnsConfig alone', () => {
    const config = podDnsConfig(
      pod({
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['9.9.9.9'],
          searches: ['a.example'],
          options: [{ name: 'ndots', value: '2' }],
        },
      }),
      env,
    );
    expect(config).toEqual({ nameservers: ['9.9.9.9'], searches: ['a.example'], options: ['ndots:2'] });
  });

  it('appends dnsConfig to any policy: duplicates dropped, options overridden by name', () => {
    const config = podDnsConfig(
      pod({
        dnsConfig: {
          nameservers: ['10.96.0.10', '8.8.8.8'],
          searches: ['cluster.local', 'extra.example'],
          options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }],
        },
      }),
      env,
    );
    expect(config.nameservers).toEqual(['10.96.0.10', '8.8.8.8']);
    expect(config.searches.slice(-1)).toEqual(['extra.example']);
    expect(config.searches.filter((s) => s === 'cluster.local')).toHaveLength(1);
    expect(config.options).toEqual(['ndots:1', 'single-request-reopen']);
  });

  it('keeps to the kubelet limits: 3 nameservers, 32 search paths, 2048 characters', () => {
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const config = podDnsConfig(
      pod({
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], searches: many },
      }),
      env,
    );
    expect(config.nameservers).toHaveLength(3);
    expect(config.searches).toHaveLength(32);
    const long = Array.from({ length: 20 }, (_, i) => `${'x'.repeat(120)}${i}.example`);
    const fitted = podDnsConfig(
      pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: long } }),
      env,
    );
    expect(fitted.searches.join(' ').length).toBeLessThanOrEqual(2048);
    expect(fitted.searches).toEqual(long.slice(0, fitted.searches.length));
  });

  it('without a host resolv.conf, Default points at the local machine', () => {
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), { ...env, hostResolvConf: undefined })).toEqual({
      nameservers: ['127.0.0.1'],
      searches: ['.'],
      options: [],
    });
  });
});
