import type * as CoreV1 from 'kubernetes-types/core/v1.js';
import { errors } from '../../api/errors.js';
import type { NodeStreams } from '../../api/node-streams.js';
import type { ServerParts } from '../handlers/endpoint.js';

/** Finds the node that runs a pod's streams (the kubelet's streaming server, for kube-apiserver). */
export type NodeStreamsLookup = (nodeName: string) => NodeStreams | undefined;

/** A pod's container that a stream is about, and the node serving it. */
export interface StreamTarget {
  pod: CoreV1.Pod;
  namespace: string;
  name: string;
  uid: string;
  /** Empty for port-forward (it addresses the pod, not a container). */
  container: string;
  node: NodeStreams;
}

/** The annotation `kubectl` (and we) read for the container to use when none is named. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/**
 * Look up the pod and the container a `log`, `exec`, `attach` or `portforward` request is about,
 * with kube-apiserver's checks and wording (pkg/registry/core/pod/strategy.go: LogLocation,
 * ExecLocation/streamLocation, PortForwardLocation).
 */
export async function resolveTarget(
  parts: ServerParts,
  lookup: NodeStreamsLookup | undefined,
  namespace: string,
  name: string,
  container: string | null,
  needsContainer: boolean,
): Promise<StreamTarget> {
  const podType = parts.resources().find((r) => r.group === '' && r.resource === 'pods')!;
  const pod = (await parts.registry.get(podType, namespace, name)) as unknown as CoreV1.Pod;
  const chosen = needsContainer ? chooseContainer(pod, name, container) : '';
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const node = lookup?.(nodeName);
  if (!node) {
    // kube-apiserver cannot reach a kubelet: it answers 503 with the dial error's text; a
    // simulated node has no processes to stream from.
    throw errors.serviceUnavailable(
      `node ${nodeName} does not serve pod streams (log, exec, attach, port-forward): it runs no containers`,
    );
  }
  return { pod, namespace, name, uid: pod.metadata?.uid ?? '', container: chosen, node };
}

/** The container to use: the one named, else the only one, else the default-container annotation. */
export function chooseContainer(pod: CoreV1.Pod, podName: string, wanted: string | null): string {
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const init = (pod.spec?.initContainers ?? []).map((c) => c.name);
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name);
  if (wanted) {
    if (![...containers, ...init, ...ephemeral].includes(wanted)) {
      throw errors.badRequest(`container ${wanted} is not valid for pod ${podName}`);
    }
    return wanted;
  }
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && containers.includes(annotated)) return annotated;
  if (containers.length === 1) return containers[0]!;
  if (containers.length === 0)
    throw errors.badRequest(`a container name must be specified for pod ${podName}`);
  let message = `a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]`;
  if (init.length > 0) message += ` or one of the init containers: [${init.join(' ')}]`;
  if (ephemeral.length > 0) message += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
  throw errors.badRequest(message);
}

/** The status of a container, wherever it is listed. */
export function containerStatus(pod: CoreV1.Pod, container: string): CoreV1.ContainerStatus | undefined {
  const status = pod.status;
  return [
    ...(status?.containerStatuses ?? []),
    ...(status?.initContainerStatuses ?? []),
    ...(status?.ephemeralContainerStatuses ?? []),
  ].find((s) => s.name === container);
}

/**
 * Refuse exec and attach into a container that is not running, as the kubelet does (its runtime
 * finds no running container: `container not found ("x")`).
 */
export function requireRunning(target: StreamTarget): void {
  const status = containerStatus(target.pod, target.container);
  if (!status?.state?.running) throw errors.badRequest(`container not found ("${target.container}")`);
}

/** A boolean query parameter as Kubernetes' conversion reads it. */
export function booleanParam(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === '') return false;
  if (value === 'true' || value === '1' || value === 'True' || value === 'TRUE') return true;
  if (value === 'false' || value === '0' || value === 'False' || value === 'FALSE') return false;
  throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(value)}: must be a boolean`);
}
