import type { CoreV1 } from '../../client/index.js';

/**
 * The DNS settings of a pod's sandbox (pkg/kubelet/network/dns `GetPodDNS`): ClusterFirst (the
 * default) points at the cluster DNS with the `<ns>.svc.cluster.local` search path and `ndots:5`,
 * Default keeps the node's resolver, None uses only `dnsConfig`, which is appended in every case.
 * A hostNetwork pod with ClusterFirst uses the node's resolver, as in Kubernetes.
 */
export function podDns(
  pod: CoreV1.Pod,
  clusterDNS: string | undefined,
): {
  dns?: { nameservers: string[]; searches: string[]; options: string[] };
} {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const custom = pod.spec?.dnsConfig;
  const ns = pod.metadata!.namespace!;
  const base =
    policy === 'None' || !clusterDNS || (policy !== 'ClusterFirst' && policy !== 'ClusterFirstWithHostNet')
      ? { nameservers: [], searches: [], options: [] }
      : {
          nameservers: [clusterDNS],
          searches: [`${ns}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'],
          options: ['ndots:5'],
        };
  if (policy === 'Default' && !custom) return {};
  if (pod.spec?.hostNetwork && policy === 'ClusterFirst') return {};
  return {
    dns: {
      nameservers: [...base.nameservers, ...(custom?.nameservers ?? [])],
      searches: [...base.searches, ...(custom?.searches ?? [])],
      options: [
        ...base.options,
        ...(custom?.options ?? []).map((o) => (o.value ? `${o.name}:${o.value}` : (o.name ?? ''))),
      ],
    },
  };
}
