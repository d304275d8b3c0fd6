import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { detectVariant, runCommand, type CommandRunner, type IptablesVariant } from './iptables.js';

/**
 * How kube-proxy reaches pods: `iptables` programs the kernel (pods reach cluster IPs; the host
 * reaches NodePorts and LoadBalancers); `userspace` only serves NodePorts and LoadBalancers from
 * this process (cluster IPs answer nothing). See README.md.
 */
export type ProxyMode = 'iptables' | 'userspace';

/** The node annotation the proxy reports its mode in, for node info and the dashboard. */
export const PROXY_MODE_ANNOTATION = 'kubedesk.dev/proxy-mode';

/** The chosen mode, why, and the kernel facts the rules depend on. */
export interface ModeDecision {
  mode: ProxyMode;
  /** Why this mode, in words (logged, and on the node as `kubedesk.dev/proxy-mode-reason`). */
  reason: string;
  variant?: IptablesVariant;
  /**
   * Bridged packets pass iptables (`net.bridge.bridge-nf-call-iptables` = 1): replies from a pod on
   * the same bridge are un-DNATed. When false, every service connection must be masqueraded.
   */
  bridgeNetfilter?: boolean;
  /** The rules go through the helper container (KubeProxyOptions.kernelHelper), not this process. */
  viaHelper?: boolean;
}

export interface DetectOptions {
  /** The pods' gateway on the host (the Docker bridge's address); if it is not a local address, the pods live elsewhere. */
  gatewayIp?: string;
  platform?: NodeJS.Platform;
  uid?: number;
  run?: CommandRunner;
  readText?: (path: string) => Promise<string>;
  localAddresses?: () => string[] | Promise<string[]>;
}

/**
 * Choose the mode as kube-proxy's `--proxy-mode` detection would for this desktop: the kernel
 * when this process can program it and the pods' network is on this host's stack; userspace
 * otherwise (macOS and Windows, where Docker runs pods in a VM; rootless Docker, whose bridge is in
 * a namespace of its own; no root; no iptables). Run with a helper's `run`, it says whether the
 * kernel can be programmed from there (KubeProxy tries that before settling for userspace).
 */
export async function detectMode(options: DetectOptions = {}): Promise<ModeDecision> {
  const platform = options.platform ?? process.platform;
  const uid = options.uid ?? process.getuid?.() ?? -1;
  const run = options.run ?? runCommand;
  if (platform !== 'linux') {
    return { mode: 'userspace', reason: `${platform}: Docker runs pods in a VM this process cannot program` };
  }
  if (uid !== 0) return { mode: 'userspace', reason: 'not root: cannot program iptables' };
  if (options.gatewayIp) {
    const local = await (options.localAddresses ?? (() => hostAddresses(run)))();
    if (!local.includes(options.gatewayIp)) {
      return {
        mode: 'userspace',
        reason: `the pods' gateway ${options.gatewayIp} is not on this host (rootless or remote Docker)`,
      };
    }
  }
  const variant = await detectVariant(run);
  const probe = await run(
    `${variant}-restore`,
    ['--test', '--noflush'],
    '*nat\n:KUBEDESK-PROBE - [0:0]\nCOMMIT\n',
  );
  if (probe.code !== 0) {
    return {
      mode: 'userspace',
      reason: `${variant}-restore unusable: ${probe.stderr.trim() || `exit ${probe.code}`}`,
    };
  }
  const readText = options.readText ?? ((path: string) => readFile(path, 'utf8'));
  const bridgeNetfilter = await readText('/proc/sys/net/bridge/bridge-nf-call-iptables').then(
    (text) => text.trim() === '1',
    () => false,
  );
  return { mode: 'iptables', reason: `root on Linux with ${variant}`, variant, bridgeNetfilter };
}

/**
 * This host's addresses, from `ip -o addr` where iproute2 is here: Node's own list leaves out
 * interfaces without a carrier, and a Docker bridge has none until its first container starts,
 * which is after kube-proxy does.
 */
async function hostAddresses(run: CommandRunner): Promise<string[]> {
  const listed = await run('ip', ['-o', 'addr', 'show']);
  if (listed.code === 0) {
    return [...listed.stdout.matchAll(/\binet6?\s+([0-9a-f.:]+)\//gi)].map((m) => m[1]!);
  }
  return Object.values(networkInterfaces())
    .flat()
    .map((i) => i?.address ?? '')
    .filter(Boolean);
}
