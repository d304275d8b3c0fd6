import type { CoreV1 } from '../../client/index.js';

/** The annotation a mirror pod carries: its static pod's hash (pkg/kubelet/types `ConfigMirrorAnnotationKey`). */
const MIRROR = 'kubernetes.io/config.mirror';

/**
 * The uid the kubelet runs a pod under: its API uid, except for a mirror pod, whose containers
 * belong to the static pod it mirrors — keyed, as in the real kubelet (config/common.go gives a
 * static pod the hash of its manifest as UID), by the manifest's hash. So deleting a mirror pod
 * through the API makes a new mirror (a new API uid) of the same, still-running static pod.
 */
export function runtimeUid(pod: CoreV1.Pod): string {
  return pod.metadata?.annotations?.[MIRROR] || pod.metadata!.uid!;
}

/** Whether `pod` is the API's mirror of a static pod. */
export function isMirrorPod(pod: CoreV1.Pod): boolean {
  return Boolean(pod.metadata?.annotations?.[MIRROR]);
}
