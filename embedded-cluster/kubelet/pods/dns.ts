import { access, readFile } from 'node:fs/promises';
import { podDnsConfig, type PodDnsEnvironment, type ResolverConfig } from '../../api/pod-dns.js';
import type { CoreV1 } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';

/**
 * The resolv.conf systemd-resolved keeps with the real upstream servers. The kubelet prefers it
 * (as kubeadm configures `resolvConf` on such hosts): `/etc/resolv.conf` there names 127.0.0.53,
 * the stub on the host's loopback, which no pod can reach.
 */
export const SYSTEMD_RESOLVED_RESOLV_CONF = '/run/systemd/resolve/resolv.conf';
export const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';

/**
 * The DNS settings of a pod's sandbox: the kubelet's `GetPodDNS` ({@link podDnsConfig}, shared
 * with the cluster DNS), for every `dnsPolicy` (ClusterFirst, ClusterFirstWithHostNet, Default,
 * None) and `dnsConfig`. The Docker runtime gives them to the sandbox, whose resolv.conf the app
 * containers share; for hostNetwork pods it cannot (Docker refuses DNS options in the host's
 * network namespace), so those see the node's own resolv.conf whatever their policy.
 */
export function podDns(pod: CoreV1.Pod, env: PodDnsEnvironment): { dns: ResolverConfig } {
  return { dns: podDnsConfig(pod, env) };
}

/**
 * The node's resolv.conf text, read once when the kubelet starts (its `--resolv-conf`): `path`
 * when given ("" means none), else systemd-resolved's file when present, else `/etc/resolv.conf`.
 * Unreadable: logged and treated as empty (pods with `Default` then get the runtime's default).
 */
export async function readHostResolvConf(
  path: string | undefined,
  logger: Logger,
): Promise<string | undefined> {
  if (path === '') return undefined;
  const chosen =
    path ??
    (await access(SYSTEMD_RESOLVED_RESOLV_CONF).then(
      () => SYSTEMD_RESOLVED_RESOLV_CONF,
      () => DEFAULT_RESOLV_CONF,
    ));
  try {
    return await readFile(chosen, 'utf8');
  } catch (error) {
    logger.warn('cannot read the host resolv.conf; pods get no host resolvers', {
      path: chosen,
      error: String(error),
    });
    return '';
  }
}
