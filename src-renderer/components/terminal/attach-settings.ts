import type { Pod } from 'kubernetes-types/core/v1.js';

/** How to attach to a container, or why not. */
export type AttachSettings =
  { ok: true; container: string; tty: boolean; stdin: boolean } | { ok: false; reason: string };

/**
 * How `kubectl attach` would attach to a pod's container: never to a completed pod; with a TTY
 * exactly when the container was started with one (asking for a TTY the container lacks fails, and
 * omitting one it has garbles the stream), and with input only when the container keeps stdin open.
 * https://github.com/kubernetes/kubectl/blob/master/pkg/cmd/attach/attach.go
 */
export function attachSettings(pod: Pod | undefined, container: string | undefined): AttachSettings {
  if (!pod) return { ok: false, reason: 'The pod is not there (any more).' };
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    return { ok: false, reason: `Cannot attach to a completed pod; its phase is ${phase}.` };
  }
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const spec = container ? all.find((c) => c.name === container) : pod.spec?.containers[0];
  if (!spec) return { ok: false, reason: `The pod has no container ${container ?? ''}.`.replace(' .', '.') };
  return { ok: true, container: spec.name, tty: spec.tty === true, stdin: spec.stdin === true };
}
