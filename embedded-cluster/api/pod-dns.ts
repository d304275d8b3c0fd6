import type { Pod } from 'kubernetes-types/core/v1.js';

/**
 * A pod's resolver settings as the kubelet derives them from `spec.dnsPolicy` and `spec.dnsConfig`
 * (pkg/kubelet/network/dns/dns.go `GetPodDNS`), and the resolv.conf text they make.
 *
 * It lives in api/ because it is how the Pod API's DNS fields are read, and two components need
 * it without being allowed to import each other: the kubelet (a pod's resolv.conf) and the
 * cluster DNS (the host's nameservers it forwards to, parsed by {@link parseResolvConf}).
 */
export interface ResolverConfig {
  nameservers: string[];
  searches: string[];
  /** `name` or `name:value`, as on a resolv.conf `options` line. */
  options: string[];
}

export interface PodDnsEnvironment {
  /** The cluster DNS service's IPs (the kubelet's `--cluster-dns`); empty: none configured. */
  clusterDNS: readonly string[];
  /** The kubelet's `--cluster-domain`, e.g. `cluster.local`; empty: none. */
  clusterDomain: string;
  /**
   * The node's resolv.conf text (the kubelet's `--resolv-conf`), or undefined when there is none
   * (the flag set to ""), which points pods at a resolver on their own loopback, as kube does.
   */
  hostResolvConf: string | undefined;
}

/** The limits the kubelet applies (pkg/apis/core/validation, with ExpandedDNSConfig, GA in 1.28). */
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** A search domain longer than a DNS name may be makes some libcs abort: the kubelet drops it. */
const MAX_SEARCH_DOMAIN_LENGTH = 253;
/** `defaultDNSOptions` of the kubelet: ClusterFirst pods try every search path for names with < 5 dots. */
export const CLUSTER_FIRST_OPTIONS: readonly string[] = ['ndots:5'];

/**
 * What a resolv.conf says (the kubelet's `parseResolvConf`): every `nameserver`, the last `search`
 * line (trailing dots and `.` itself dropped), and `options` with later ones overriding earlier ones
 * of the same name. Lines starting with `#` or `;` are comments.
 */
export function parseResolvConf(text: string): ResolverConfig {
  const nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.trim().split(/\s+/).filter(Boolean);
    const [keyword, ...rest] = fields;
    if (keyword === 'nameserver' && rest[0]) nameservers.push(rest[0]);
    else if (keyword === 'search') searches = rest.filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    else if (keyword === 'options') options = mergeOptions(options, rest);
  }
  return { nameservers, searches, options };
}

/**
 * The resolver settings of `pod`'s sandbox (`GetPodDNS`):
 *
 * - `ClusterFirst` (the default): the cluster DNS, search paths `<ns>.svc.<domain> svc.<domain>
 *   <domain>` followed by the host's, and `ndots:5` (the host's options are not kept). On a
 *   hostNetwork pod it falls back to `Default`; so does any ClusterFirst pod when no cluster DNS
 *   is configured.
 * - `ClusterFirstWithHostNet`: ClusterFirst, hostNetwork or not.
 * - `Default`: the host's resolv.conf as it is.
 * - `None`: nothing but `dnsConfig`.
 *
 * `dnsConfig` is then appended in every case: nameservers and searches added (duplicates
 * dropped), options merged by name (the pod's value wins). Finally the kubelet's limits: three
 * nameservers, 32 search paths of at most 253 characters and 2048 in all (dropped from the end).
 */
export function podDnsConfig(pod: Pod, env: PodDnsEnvironment): ResolverConfig {
  const host = env.hostResolvConf === undefined ? undefined : parseResolvConf(env.hostResolvConf);
  let config: ResolverConfig = host ?? { nameservers: [], searches: [], options: [] };
  const type = dnsType(pod);
  if (type === 'none') {
    config = { nameservers: [], searches: [], options: [] };
  } else if (type === 'cluster' && env.clusterDNS.length > 0) {
    config = {
      nameservers: [...env.clusterDNS],
      searches: clusterSearches(pod, env.clusterDomain, config.searches),
      options: [...CLUSTER_FIRST_OPTIONS],
    };
  } else if (!host) {
    // No host resolv.conf: "the nameserver on the local machine", as the kubelet writes it.
    config = { nameservers: ['127.0.0.1'], searches: ['.'], options: config.options };
  }
  const custom = pod.spec?.dnsConfig;
  if (custom) {
    config = {
      nameservers: unique([...config.nameservers, ...(custom.nameservers ?? [])]),
      searches: unique([...config.searches, ...(custom.searches ?? [])]),
      options: mergeOptions(
        config.options,
        (custom.options ?? []).map((o) =>
          o.value !== undefined ? `${o.name ?? ''}:${o.value}` : (o.name ?? ''),
        ),
      ),
    };
  }
  return {
    nameservers: config.nameservers.slice(0, MAX_DNS_NAMESERVERS),
    searches: fitSearches(config.searches),
    options: config.options,
  };
}

/** resolv.conf text for `config`, as the runtime writes it into the sandbox. */
export function formatResolvConf(config: ResolverConfig): string {
  const lines = config.nameservers.map((ns) => `nameserver ${ns}`);
  if (config.searches.length > 0) lines.push(`search ${config.searches.join(' ')}`);
  if (config.options.length > 0) lines.push(`options ${config.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** `getPodDNSType`: which base configuration a pod starts from. */
function dnsType(pod: Pod): 'none' | 'cluster' | 'host' {
  switch (pod.spec?.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'Default':
      return 'host';
    default: // ClusterFirst (validation refuses anything else)
      return pod.spec?.hostNetwork ? 'host' : 'cluster';
  }
}

/** `generateSearchesForDNSClusterFirst`: the cluster's search paths, then the host's. */
function clusterSearches(pod: Pod, domain: string, hostSearches: string[]): string[] {
  if (!domain) return hostSearches;
  const namespace = pod.metadata?.namespace || 'default';
  return unique([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...hostSearches]);
}

/** `formDNSSearchFitsLimits`: at most 32 paths, none over 253 characters, 2048 characters in all. */
function fitSearches(searches: string[]): string[] {
  const fitted = searches.slice(0, MAX_DNS_SEARCH_PATHS).filter((s) => s.length <= MAX_SEARCH_DOMAIN_LENGTH);
  let length = fitted.join(' ').length;
  while (fitted.length > 0 && length > MAX_DNS_SEARCH_LIST_CHARS) {
    length -= fitted.pop()!.length + 1;
  }
  return fitted;
}

/** `mergeDNSOptions`: options by name, later ones replacing earlier ones; first-seen order kept. */
function mergeOptions(existing: readonly string[], added: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const option of [...existing, ...added]) {
    const colon = option.indexOf(':');
    const name = colon < 0 ? option : option.slice(0, colon);
    if (name) byName.set(name, option);
  }
  return [...byName.values()];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
