import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';
import { EndpointPicker } from '../../../embedded-cluster/proxy/endpoint-picker.js';
import { Hairpin } from '../../../embedded-cluster/proxy/hairpin.js';
import type { CommandRunner } from '../../../embedded-cluster/proxy/iptables.js';
import { detectVariant, Iptables } from '../../../embedded-cluster/proxy/iptables.js';
import { HOOKS } from '../../../embedded-cluster/proxy/iptables-rules.js';
import {
  desiredLoadBalancer,
  sameLoadBalancer,
} from '../../../embedded-cluster/proxy/load-balancer-status.js';
import { detectMode } from '../../../embedded-cluster/proxy/mode.js';
import { describePortProblem } from '../../../embedded-cluster/proxy/port-problems.js';
import type { ProxyEndpoint } from '../../../embedded-cluster/proxy/service-map.js';

const eps: ProxyEndpoint[] = ['a', 'b', 'c'].map((ip) => ({
  ip,
  port: 1,
  ready: true,
  serving: true,
  terminating: false,
}));

describe('the endpoint picker', () => {
  it('goes round robin without affinity', () => {
    const picker = new EndpointPicker(new ManualClock());
    expect([1, 2, 3, 4].map(() => picker.pick(eps, 'client', undefined)!.ip)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('keeps a client on its endpoint within the timeout, and moves it after', () => {
    const clock = new ManualClock();
    const picker = new EndpointPicker(clock);
    const first = picker.pick(eps, 'client', 10)!.ip;
    expect(picker.pick(eps, 'other', 10)!.ip).not.toBe(first);
    clock.advance(9_000);
    expect(picker.pick(eps, 'client', 10)!.ip).toBe(first);
    clock.advance(10_001);
    expect(picker.pick(eps, 'client', 10)!.ip).not.toBe(first);
  });

  it('leaves an endpoint that is gone or failed', () => {
    const picker = new EndpointPicker(new ManualClock());
    const first = picker.pick(eps, 'client', 10)!;
    const rest = eps.filter((e) => e !== first);
    expect(picker.pick(rest, 'client', 10)!.ip).not.toBe(first.ip);
    expect(picker.pick(eps, 'x', undefined, new Set(['a:1', 'b:1', 'c:1']))).toBeUndefined();
  });
});

describe('load balancer status', () => {
  const lb = (status?: object) => ({ spec: { type: 'LoadBalancer' }, status: { loadBalancer: status } });
  it('is 127.0.0.1 with ipMode VIP when every port is open, pending otherwise', () => {
    expect(desiredLoadBalancer(lb(), '127.0.0.1', true)).toEqual({
      ingress: [{ ip: '127.0.0.1', ipMode: 'VIP' }],
    });
    expect(desiredLoadBalancer(lb(), '127.0.0.1', false)).toEqual({});
  });
  it('is removed from a service that stopped being a LoadBalancer, and others’ left alone', () => {
    const was = { spec: { type: 'ClusterIP' }, status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } };
    expect(desiredLoadBalancer(was, '127.0.0.1', true)).toEqual({});
    const theirs = {
      spec: { type: 'ClusterIP' },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    };
    expect(desiredLoadBalancer(theirs, '127.0.0.1', true)).toBeUndefined();
    expect(sameLoadBalancer(undefined, {})).toBe(true);
  });
});

describe('port problems', () => {
  const target = {
    owner: 'ns/web:http',
    protocol: 'TCP' as const,
    port: 30080,
    kind: 'NodePort' as const,
    endpoints: [],
  };
  it('say which port, which service and who holds it', () => {
    expect(describePortProblem({ target, code: 'EADDRINUSE' }, '127.0.0.1')).toEqual({
      reason: 'PortInUse',
      message:
        "NodePort 30080 of ns/web:http is not served: 127.0.0.1:30080/TCP is in use by another program on this machine; free it or change the Service's port",
    });
    expect(
      describePortProblem({ target, code: 'CONFLICT', heldBy: 'ns/old:http' }, '127.0.0.1').message,
    ).toContain('already used by ns/old:http');
    expect(describePortProblem({ target, code: 'EACCES' }, '127.0.0.1').reason).toBe('PortUnavailable');
  });
});

/** A fake iptables: records commands; `-save` shows the hooks in `present` (by `table chain rule…`). */
function fakeRunner(present: Set<string>, saves: Record<string, string> = {}) {
  const calls: string[] = [];
  const quote = (arg: string) => (arg.includes(' ') ? `"${arg}"` : arg);
  const run: CommandRunner = async (command, args, input) => {
    calls.push([command, ...args].join(' ') + (input ? ` <<${input}` : ''));
    const [table, op, chain, ...rest] = args.slice(args.indexOf('-t') + 1);
    const rule = rest[0] === '1' && op === '-I' ? rest.slice(1) : rest;
    const key = JSON.stringify([table, chain, rule]);
    if (op === '-I') present.add(key);
    if (op === '-D') present.delete(key);
    if (command.endsWith('-save')) {
      const hooks = [...present]
        .map((k) => JSON.parse(k) as [string, string, string[]])
        .filter(([t]) => t === args[1])
        .map(([, c, r]) => `-A ${c} ${r.map(quote).join(' ')}`);
      const text = saves[`${command} ${args.join(' ')}`] ?? '';
      return { code: 0, stdout: [text, ...hooks].join('\n'), stderr: '' };
    }
    return { code: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

describe('iptables', () => {
  it('inserts each hook once at the top of its chain, and removes it', async () => {
    const present = new Set<string>();
    const { run, calls } = fakeRunner(present);
    const iptables = new Iptables('iptables', run);
    await iptables.ensureHooks();
    await iptables.ensureHooks();
    expect(calls.filter((c) => c.includes(' -I ')).length).toBe(HOOKS.length);
    // One save per table, no process per hook.
    expect(calls.filter((c) => c.startsWith('iptables-save')).length).toBe(4);
    expect(calls.some((c) => c.includes(' -C '))).toBe(false);
    expect(calls).toContain(
      'iptables -w 5 -t nat -I PREROUTING 1 -m comment --comment kubedesk service portals -j KUBEDESK-SERVICES',
    );
    await iptables.removeHooks();
    expect(present.size).toBe(0);
  });

  it('restores with --noflush and cleans up every chain of ours', async () => {
    const { run, calls } = fakeRunner(new Set(), {
      'iptables-save -t nat': '*nat\n:KUBEDESK-SERVICES - [0:0]\n:KUBEDESK-SEP-X - [0:0]\nCOMMIT\n',
      'iptables-save -t filter': '*filter\n:KUBEDESK-SERVICES - [0:0]\nCOMMIT\n',
    });
    await new Iptables('iptables', run).cleanup();
    expect(calls.at(-1)).toContain('iptables-restore -w 5 --noflush <<*nat\n:KUBEDESK-SERVICES');
    expect(calls.at(-1)).toContain('-X KUBEDESK-SEP-X');
  });

  it('uses the backend that holds Docker’s chains', async () => {
    const legacyOnly: CommandRunner = async (command) => ({
      code: 0,
      stdout: command === 'iptables-legacy-save' ? ':DOCKER - [0:0]' : '',
      stderr: '',
    });
    expect(await detectVariant(legacyOnly)).toBe('iptables-legacy');
    const both: CommandRunner = async () => ({ code: 0, stdout: ':DOCKER - [0:0]', stderr: '' });
    expect(await detectVariant(both)).toBe('iptables');
  });
});

describe('mode detection', () => {
  const ok: CommandRunner = async () => ({ code: 0, stdout: '', stderr: '' });
  const base = { run: ok, readText: async () => '1\n', localAddresses: () => ['172.20.0.1'] };
  it('programs the kernel as root on Linux with the pods’ bridge on this host', async () => {
    expect(await detectMode({ ...base, platform: 'linux', uid: 0, gatewayIp: '172.20.0.1' })).toMatchObject({
      mode: 'iptables',
      variant: 'iptables',
      bridgeNetfilter: true,
    });
  });
  it('falls back to userspace on macOS, without root, with a remote bridge or without iptables', async () => {
    expect((await detectMode({ ...base, platform: 'darwin', uid: 0 })).mode).toBe('userspace');
    expect((await detectMode({ ...base, platform: 'linux', uid: 1000 })).reason).toContain('not root');
    expect(
      (await detectMode({ ...base, platform: 'linux', uid: 0, gatewayIp: '10.0.2.1' })).reason,
    ).toContain('not on this host');
    const missing: CommandRunner = async () => ({ code: 127, stdout: '', stderr: 'ENOENT' });
    expect((await detectMode({ ...base, run: missing, platform: 'linux', uid: 0 })).mode).toBe('userspace');
  });
});

describe('hairpin mode', () => {
  it('is set on every port of the bridge holding the gateway address', async () => {
    const sysfs = await mkdtemp(join(tmpdir(), 'sysfs-'));
    for (const [port, mode] of [
      ['veth1', '0'],
      ['veth2', '1'],
    ] as const) {
      await mkdir(join(sysfs, 'br-x', 'brif', port), { recursive: true });
      await writeFile(join(sysfs, 'br-x', 'brif', port, 'hairpin_mode'), mode);
    }
    const hairpin = new Hairpin('172.20.0.1', sysfs, () => ({ eth0: ['10.0.0.5'], 'br-x': ['172.20.0.1'] }));
    expect(hairpin.bridge()).toBe('br-x');
    expect(await hairpin.enable()).toEqual(['veth1']);
    expect(await readFile(join(sysfs, 'br-x', 'brif', 'veth1', 'hairpin_mode'), 'utf8')).toBe('1');
    expect(await new Hairpin('172.30.0.1', sysfs, () => ({})).enable()).toEqual([]);
  });
});
