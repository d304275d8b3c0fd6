/**
 * The kube-proxy mode a Node reports, for its details and the overview: Kubedesk's kube-proxy
 * annotates the Node with the mode it chose by detection (`iptables`: rules in the kernel, cluster
 * IPs work from pods; `userspace`: listeners in the app, NodePorts and LoadBalancers only) and why.
 * See embedded-cluster/proxy/README.md.
 */

export const PROXY_MODE_ANNOTATION = 'kubedesk.dev/proxy-mode';
export const PROXY_MODE_REASON_ANNOTATION = 'kubedesk.dev/proxy-mode-reason';

export interface ProxyMode {
  /** `iptables`, `userspace`, or whatever the annotation says. */
  mode: string;
  /** Why this mode, when the proxy said. */
  reason?: string;
  /** One line: `iptables (kernel)`, `userspace (not root: cannot program iptables)`. */
  text: string;
}

/** What each mode means, in a word, when no reason is given. */
const MEANING: Record<string, string> = {
  iptables: 'kernel',
  nftables: 'kernel',
  userspace: 'in the app',
};

/** The mode from a Node's annotations; undefined when the proxy has not reported one. */
export function proxyModeOf(node: {
  metadata?: { annotations?: Record<string, string> };
}): ProxyMode | undefined {
  const annotations = node.metadata?.annotations ?? {};
  const mode = annotations[PROXY_MODE_ANNOTATION]?.trim();
  if (!mode) return undefined;
  const reason = annotations[PROXY_MODE_REASON_ANNOTATION]?.trim() || undefined;
  // The kernel modes' reason ("root on Linux with iptables") adds little; a fallback's reason is the point.
  const kernel = MEANING[mode] === 'kernel';
  const aside = kernel ? 'kernel' : (reason ?? MEANING[mode]);
  return { mode, ...(reason ? { reason } : {}), text: aside ? `${mode} (${aside})` : mode };
}
