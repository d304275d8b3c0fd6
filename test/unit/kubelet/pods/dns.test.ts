import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodDnsEnvironment } from '../../../../embedded-cluster/api/pod-dns.js';
import {
  podDns,
  readHostResolvConf,
  resolvConfMount,
} from '../../../../embedded-cluster/kubelet/pods/dns.js';
import { sandboxConfig } from '../../../../embedded-cluster/kubelet/pods/sandbox-config.js';
import { silentLogger } from '../../../../embedded-cluster/util/logger.js';

const HOST = 'nameserver 192.168.1.1\nsearch lan\noptions edns0\n';
const env: PodDnsEnvironment = {
  clusterDNS: ['10.96.0.10'],
  clusterDomain: 'cluster.local',
  hostResolvConf: HOST,
};

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, namespace = 'shop'): Pod {
  return { metadata: { name: 'web', namespace, uid: 'u1' }, spec: { containers: [], ...spec } };
}

describe('the kubelet’s pod DNS settings (GetPodDNS)', () => {
  it('ClusterFirst: nameserver 10.96.0.10, the namespace’s search paths then the node’s, ndots:5', () => {
    expect(podDns(pod(), env)).toEqual({
      dns: {
        nameservers: ['10.96.0.10'],
        searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lan'],
        options: ['ndots:5'],
      },
    });
  });

  it('Default: the node’s resolv.conf as it is', () => {
    expect(podDns(pod({ dnsPolicy: 'Default' }), env).dns).toEqual({
      nameservers: ['192.168.1.1'],
      searches: ['lan'],
      options: ['edns0'],
    });
  });

  it('ClusterFirst on the host network is Default; ClusterFirstWithHostNet keeps the cluster DNS', () => {
    expect(podDns(pod({ hostNetwork: true }), env).dns.nameservers).toEqual(['192.168.1.1']);
    expect(
      podDns(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), env).dns.nameservers,
    ).toEqual(['10.96.0.10']);
  });

  it('None: dnsConfig alone; dnsConfig is appended to any other policy', () => {
    const dnsConfig = {
      nameservers: ['1.1.1.1'],
      searches: ['corp.example'],
      options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
    };
    expect(podDns(pod({ dnsPolicy: 'None', dnsConfig }), env).dns).toEqual({
      nameservers: ['1.1.1.1'],
      searches: ['corp.example'],
      options: ['ndots:2', 'edns0'],
    });
    expect(podDns(pod({ dnsConfig }), env).dns).toEqual({
      nameservers: ['10.96.0.10', '1.1.1.1'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lan', 'corp.example'],
      options: ['ndots:2', 'edns0'],
    });
  });

  it('without a cluster DNS, ClusterFirst pods get the node’s resolvers', () => {
    expect(podDns(pod(), { ...env, clusterDNS: [] }).dns.nameservers).toEqual(['192.168.1.1']);
  });

  it('goes into the sandbox config the runtime is asked for', () => {
    expect(sandboxConfig('node', pod(), env).dns?.nameservers).toEqual(['10.96.0.10']);
  });
});

describe('readHostResolvConf (the kubelet’s --resolv-conf, read once at start)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubelet-dns-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the file it is given; "" means none', async () => {
    const path = join(dir, 'resolv.conf');
    await writeFile(path, HOST);
    expect(await readHostResolvConf(path, silentLogger)).toBe(HOST);
    expect(await readHostResolvConf('', silentLogger)).toBeUndefined();
  });

  it('treats a missing file as empty: no host resolvers, yet the cluster DNS still applies', async () => {
    const text = await readHostResolvConf(join(dir, 'missing'), silentLogger);
    expect(text).toBe('');
    expect(podDns(pod(), { ...env, hostResolvConf: text }).dns).toEqual({
      nameservers: ['10.96.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
  });

  it('by default reads systemd-resolved’s file when present, else /etc/resolv.conf', async () => {
    const { access, readFile } = await import('node:fs/promises');
    const expected = await access('/run/systemd/resolve/resolv.conf').then(
      () => readFile('/run/systemd/resolve/resolv.conf', 'utf8'),
      () => readFile('/etc/resolv.conf', 'utf8').catch(() => ''),
    );
    expect(await readHostResolvConf(undefined, silentLogger)).toBe(expected);
  });
});

describe('the pod’s resolv.conf mounted in its containers', () => {
  const files = new Map<string, string>();
  const deps = {
    dns: () => env,
    volumes: {
      resolvConfFile: async (uid: string, text: string) => {
        files.set(uid, text);
        return `/node/pods/${uid}/resolv.conf`;
      },
    },
  };

  it('writes the GetPodDNS settings and mounts them at /etc/resolv.conf', async () => {
    const mount = await resolvConfMount(pod(), deps, [], undefined);
    expect(mount).toEqual({
      hostPath: '/node/pods/u1/resolv.conf',
      containerPath: '/etc/resolv.conf',
      readOnly: false,
    });
    expect(files.get('u1')).toBe(
      'nameserver 10.96.0.10\n' +
        'search shop.svc.cluster.local svc.cluster.local cluster.local lan\n' +
        'options ndots:5\n',
    );
  });

  it('is read-only with a read-only root filesystem, and gives way to a mount of the container’s own', async () => {
    expect((await resolvConfMount(pod(), deps, [], true))?.readOnly).toBe(true);
    const own = { hostPath: '/cm/resolv.conf', containerPath: '/etc/resolv.conf', readOnly: true };
    expect(await resolvConfMount(pod(), deps, [own], undefined)).toBeUndefined();
  });

  it('leaves the runtime’s file when there is nothing to say (dnsPolicy None without dnsConfig)', async () => {
    expect(await resolvConfMount(pod({ dnsPolicy: 'None' }), deps, [], undefined)).toBeUndefined();
  });
});
