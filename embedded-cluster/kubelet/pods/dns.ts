import { access, readFile } from 'node:fs/promises';
import {
  formatResolvConf,
  podDnsConfig,
  type PodDnsEnvironment,
  type ResolverConfig,
} from '../../api/pod-dns.js';
import type { CoreV1 } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import type { Mount } from '../runtime/container-runtime.js';
import { runtimeUid } from './pod-uid.js';
import type { VolumeManager } from './volumes.js';

/** Where a container reads its resolver settings. */
export const RESOLV_CONF_PATH = '/etc/resolv.conf';

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
 * None) and `dnsConfig`. Docker gets them for the sandbox, but on a user-defined network it
 * writes its own resolver (127.0.0.11, forwarding to them) into the file, and on the host's
 * network it refuses them: what the containers read is {@link resolvConfMount}'s file.
 */
export function podDns(pod: CoreV1.Pod, env: PodDnsEnvironment): { dns: ResolverConfig } {
  return { dns: podDnsConfig(pod, env) };
}

/**
 * The pod's resolv.conf, written on the node and mounted at /etc/resolv.conf in each container,
 * as containerd does for every sandbox: so a pod reads `nameserver 10.96.0.10` as in any cluster,
 * and a hostNetwork pod with `ClusterFirstWithHostNet` gets the cluster DNS too. None when the
 * settings are empty (Docker's default stays) or the container mounts a file of its own there;
 * read-only with a read-only root filesystem, as containerd mounts it.
 */
export async function resolvConfMount(
  pod: CoreV1.Pod,
  deps: { dns: () => PodDnsEnvironment; volumes: Pick<VolumeManager, 'resolvConfFile'> },
  mounts: readonly Mount[],
  readOnlyRootFilesystem: boolean | undefined,
): Promise<Mount | undefined> {
  if (mounts.some((m) => m.containerPath.replace(/\/+$/, '') === RESOLV_CONF_PATH)) return undefined;
  const config = podDnsConfig(pod, deps.dns());
  if (config.nameservers.length + config.searches.length + config.options.length === 0) return undefined;
  const hostPath = await deps.volumes.resolvConfFile(runtimeUid(pod), formatResolvConf(config));
  return { hostPath, containerPath: RESOLV_CONF_PATH, readOnly: readOnlyRootFilesystem ?? false };
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
