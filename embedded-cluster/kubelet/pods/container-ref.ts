import type { CoreV1 } from '../../client/index.js';

/**
 * Where a container sits in its pod, as the `involvedObject.fieldPath` of the kubelet's
 * container events (Pulling, Created, Started, Killing, BackOff, Unhealthy…):
 * `spec.containers{app}`, `spec.initContainers{setup}` or `spec.ephemeralContainers{debug}`,
 * an index for a container without a name, and `implicitly required container <name>` for one
 * the spec does not list — as k8s.io/kubernetes pkg/kubelet/container/ref.go `fieldPath` and
 * `GenerateContainerRef` write it
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/container/ref.go).
 * Pod-level events (Scheduled, SandboxChanged, FailedMount) have none.
 */
export function containerFieldPath(pod: CoreV1.Pod, name: string): string {
  const lists = [
    ['containers', pod.spec?.containers],
    ['initContainers', pod.spec?.initContainers],
    ['ephemeralContainers', pod.spec?.ephemeralContainers],
  ] as const;
  for (const [field, containers] of lists) {
    const index = (containers ?? []).findIndex((c) => c.name === name);
    if (index >= 0) return name ? `spec.${field}{${name}}` : `spec.${field}[${index}]`;
  }
  return `implicitly required container ${name}`;
}
