import type { KubeObject } from '../../kube/index.js';

/** The embedded cluster's node, as its kubelet registers it. */
export const EMBEDDED_NODE = 'kubedesk';

interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * Why the embedded node is not Ready (its Ready condition's message, e.g. the kubelet's
 * "container runtime is down: …" when Docker cannot be reached), or undefined when it is
 * Ready or has not registered yet.
 */
export function nodeNotReady(nodes: readonly KubeObject[]): { reason: string; message: string } | undefined {
  const node =
    nodes.find((n) => n.metadata.name === EMBEDDED_NODE) ?? (nodes.length === 1 ? nodes[0] : undefined);
  const conditions = (node?.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'True') return undefined;
  return { reason: ready.reason ?? 'NotReady', message: ready.message || 'the node is not ready' };
}

/** How to get Docker back, in words for the user's platform (`process.platform` names). */
export function dockerAdvice(platform: string | undefined): string {
  if (platform === 'darwin' || platform === 'win32') {
    return 'Start Docker Desktop and wait until it says it is running; the node turns Ready by itself.';
  }
  return (
    'Start Docker (sudo systemctl start docker) and check that your user may use /var/run/docker.sock ' +
    '(sudo usermod -aG docker $USER, then log in again); the node turns Ready by itself.'
  );
}
