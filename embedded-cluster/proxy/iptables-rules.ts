import { createHash } from 'node:crypto';
import type { ProxyEndpoint, ProxyServicePort } from './service-map.js';

/**
 * The iptables rules of kube-proxy's iptables mode (pkg/proxy/iptables/proxier.go), in chains of
 * our own so they never touch a real kube-proxy's `KUBE-*` chains on the same host:
 *
 * | table  | chain                   | what it does                                                      |
 * | ------ | ----------------------- | ----------------------------------------------------------------- |
 * | nat    | `KUBEDESK-SERVICES`     | one rule per service port with endpoints: clusterIP:port → SVC    |
 * | nat    | `KUBEDESK-SVC-<hash>`   | picks an endpoint: affinity first, then random spreading          |
 * | nat    | `KUBEDESK-SEP-<hash>`   | one endpoint: marks hairpin traffic for SNAT, then DNATs          |
 * | nat    | `KUBEDESK-MARK-MASQ`    | sets our mark bit                                                 |
 * | nat    | `KUBEDESK-POSTROUTING`  | masquerades marked packets (clearing the mark)                    |
 * | filter | `KUBEDESK-SERVICES`     | REJECTs new connections to service ports without endpoints        |
 *
 * The built-in chains jump to ours through {@link HOOKS}. Pure: state in, `iptables-restore` text out.
 */
export const PREFIX = 'KUBEDESK-';
export const SERVICES_CHAIN = 'KUBEDESK-SERVICES';
export const POSTROUTING_CHAIN = 'KUBEDESK-POSTROUTING';
export const MARK_MASQ_CHAIN = 'KUBEDESK-MARK-MASQ';

/**
 * Our masquerade mark. kube-proxy uses bit 14 (0x4000) and the kubelet bit 15; bit 13 keeps us out
 * of their way should a real cluster run on the same host.
 */
export const MASQ_MARK = '0x2000';

/** A jump from a built-in chain to ours: kept in place by `iptables -C`/`-I`, removed on stop. */
export interface Hook {
  table: 'nat' | 'filter';
  chain: string;
  /** The rule's arguments after `-A <chain>`. */
  rule: string[];
}

const PORTALS = ['-m', 'comment', '--comment', 'kubedesk service portals'];

/** The jumps into our chains, as kube-proxy's `iptablesJumpChains`. */
export const HOOKS: readonly Hook[] = [
  { table: 'nat', chain: 'PREROUTING', rule: [...PORTALS, '-j', SERVICES_CHAIN] },
  { table: 'nat', chain: 'OUTPUT', rule: [...PORTALS, '-j', SERVICES_CHAIN] },
  {
    table: 'nat',
    chain: 'POSTROUTING',
    rule: ['-m', 'comment', '--comment', 'kubedesk postrouting rules', '-j', POSTROUTING_CHAIN],
  },
  // Only new connections: established ones to a service that lost its endpoints drain as usual.
  {
    table: 'filter',
    chain: 'FORWARD',
    rule: ['-m', 'conntrack', '--ctstate', 'NEW', ...PORTALS, '-j', SERVICES_CHAIN],
  },
  {
    table: 'filter',
    chain: 'OUTPUT',
    rule: ['-m', 'conntrack', '--ctstate', 'NEW', ...PORTALS, '-j', SERVICES_CHAIN],
  },
];

export interface RuleOptions {
  /**
   * The pods' subnet (kube-proxy's `--cluster-cidr`): traffic to a service IP from outside it
   * (the host itself) is masqueraded so replies come back through the host.
   */
  podCidr?: string;
  /**
   * Masquerade all service traffic (kube-proxy's `--masquerade-all`): needed when bridged
   * packets skip iptables (`bridge-nf-call-iptables` off), or replies from a backend on the same
   * bridge would reach the client without being un-DNATed.
   */
  masqueradeAll?: boolean;
}

/**
 * kube-proxy's chain name hash: base32 of SHA-256 over the service port name and protocol (plus
 * the endpoint for SEP chains). Cut to 15 characters, not 16: with our longer prefix the name must
 * stay within iptables' 28 characters.
 */
export function chainHash(...parts: string[]): string {
  return base32(createHash('sha256').update(parts.join('')).digest()).slice(0, 15);
}

export function serviceChain(port: ProxyServicePort): string {
  return `${PREFIX}SVC-${chainHash(port.name, port.protocol)}`;
}

export function endpointChain(port: ProxyServicePort, endpoint: ProxyEndpoint): string {
  return `${PREFIX}SEP-${chainHash(port.name, port.protocol, `${endpoint.ip}:${endpoint.port}`)}`;
}

/** The rules as `iptables-restore --noflush` input, and the chains they use in table nat. */
export interface RenderedRules {
  text: string;
  natChains: string[];
}

/**
 * Render the whole of our state. Declaring a chain (`:NAME - [0:0]`) flushes it, so the text
 * replaces every rule of ours in one transaction; `staleNatChains` (ours, existing, no longer
 * wanted) are flushed and deleted in the same transaction.
 */
export function renderRules(
  ports: readonly ProxyServicePort[],
  options: RuleOptions = {},
  staleNatChains: readonly string[] = [],
): RenderedRules {
  const natChains = [SERVICES_CHAIN, POSTROUTING_CHAIN, MARK_MASQ_CHAIN];
  const nat: string[] = [
    `-A ${POSTROUTING_CHAIN} -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    // Clear the mark: a packet that traverses the chains again must not be masqueraded twice.
    `-A ${POSTROUTING_CHAIN} -j MARK --xor-mark ${MASQ_MARK}`,
    `-A ${POSTROUTING_CHAIN} -m comment --comment "kubedesk service traffic requiring SNAT" -j MASQUERADE --random-fully`,
    `-A ${MARK_MASQ_CHAIN} -j MARK --or-mark ${MASQ_MARK}`,
  ];
  const filter: string[] = [];

  for (const port of ports) {
    const proto = port.protocol.toLowerCase();
    const match = `-p ${proto} -d ${port.clusterIP}/32 --dport ${port.port}`;
    const endpoints = port.clusterEndpoints;
    if (endpoints.length === 0) {
      // As kube-proxy: fail fast instead of letting the client time out.
      filter.push(
        `-A ${SERVICES_CHAIN} -m comment --comment "${port.name} has no endpoints" ${match} -j REJECT --reject-with icmp-port-unreachable`,
      );
      continue;
    }
    const svc = serviceChain(port);
    natChains.push(svc);
    const clusterComment = `-m comment --comment "${port.name} cluster IP"`;
    nat.push(`-A ${SERVICES_CHAIN} ${clusterComment} ${match} -j ${svc}`);
    if (options.masqueradeAll) {
      nat.push(`-A ${svc} ${clusterComment} ${match} -j ${MARK_MASQ_CHAIN}`);
    } else if (options.podCidr) {
      nat.push(`-A ${svc} ${clusterComment} ${match} ! -s ${options.podCidr} -j ${MARK_MASQ_CHAIN}`);
    }
    const seps = endpoints.map((endpoint) => ({ endpoint, chain: endpointChain(port, endpoint) }));
    const affinity = port.affinitySeconds;
    if (affinity !== undefined) {
      // A client seen recently goes back to the endpoint it had (`-m recent` keyed by source IP).
      for (const { endpoint, chain } of seps) {
        nat.push(
          `-A ${svc} -m comment --comment "${port.name} -> ${endpoint.ip}:${endpoint.port}" -m recent --name ${chain} --mask 255.255.255.255 --rsource --rcheck --seconds ${affinity} --reap -j ${chain}`,
        );
      }
    }
    seps.forEach(({ endpoint, chain }, i) => {
      // Endpoint i of n is taken with probability 1/(n-i): each is chosen with equal chance.
      const left = seps.length - i;
      const statistic = left > 1 ? ` -m statistic --mode random --probability ${probability(left)}` : '';
      nat.push(
        `-A ${svc} -m comment --comment "${port.name} -> ${endpoint.ip}:${endpoint.port}"${statistic} -j ${chain}`,
      );
    });
    for (const { endpoint, chain } of seps) {
      natChains.push(chain);
      const comment = `-m comment --comment ${port.name}`;
      // Hairpin: a pod reaching itself through the service must see the reply come from the gateway.
      nat.push(`-A ${chain} ${comment} -s ${endpoint.ip}/32 -j ${MARK_MASQ_CHAIN}`);
      const recent =
        affinity !== undefined ? ` -m recent --name ${chain} --mask 255.255.255.255 --rsource --set` : '';
      nat.push(
        `-A ${chain} ${comment}${recent} -p ${proto} -m ${proto} -j DNAT --to-destination ${endpoint.ip}:${endpoint.port}`,
      );
    }
  }

  const wanted = new Set(natChains);
  const stale = [...new Set(staleNatChains)].filter((c) => !wanted.has(c)).sort();
  const lines = [
    '*nat',
    ...[...natChains, ...stale].map(declare),
    ...nat,
    ...stale.map((chain) => `-X ${chain}`),
    'COMMIT',
    '*filter',
    declare(SERVICES_CHAIN),
    ...filter,
    'COMMIT',
  ];
  return { text: lines.join('\n') + '\n', natChains };
}

/**
 * The text that removes the given chains of ours (hooks already removed): flushed, then deleted,
 * in one transaction per table.
 */
export function renderCleanup(chains: { nat: readonly string[]; filter: readonly string[] }): string {
  const table = (name: string, list: readonly string[]) =>
    list.length === 0
      ? []
      : [`*${name}`, ...list.map(declare), ...list.map((chain) => `-X ${chain}`), 'COMMIT'];
  const lines = [...table('nat', chains.nat), ...table('filter', chains.filter)];
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** The chains of ours in `iptables-save` output, by table. */
export function ourChains(save: string): { nat: string[]; filter: string[] } {
  const found: { nat: string[]; filter: string[] } = { nat: [], filter: [] };
  let table = '';
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const chain = /^:(\S+)/.exec(line)?.[1];
    if (chain?.startsWith(PREFIX) && (table === 'nat' || table === 'filter')) found[table].push(chain);
  }
  return found;
}

function declare(chain: string): string {
  return `:${chain} - [0:0]`;
}

/** kube-proxy prints probabilities with 10 decimals. */
function probability(n: number): string {
  return (1 / n).toFixed(10);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's `base32.StdEncoding`), without padding: only the prefix is used. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
