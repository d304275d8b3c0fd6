import type { CoreV1 } from '../../client/index.js';

/**
 * What the Endpoints and EndpointSlice controllers need to know about a pod: whether it belongs in
 * a service's endpoints at all, whether it is ready, which port a service port reaches on it, and
 * which of its IPs to publish. Copies k8s.io/endpointslice/util/controller_utils.go and
 * k8s.io/endpointslice/utils.go
 * (https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/endpointslice).
 */

/** The pod's Ready condition is True (`podutil.IsPodReady`). */
export function isPodReady(pod: CoreV1.Pod): boolean {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/** When the pod's Ready condition last changed: the pod's part in `last-change-trigger-time`. */
export function podReadyTransitionTime(pod: CoreV1.Pod): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
}

/** Succeeded or Failed: its containers are gone for good. */
export function isPodTerminal(pod: CoreV1.Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Whether the pod may appear in endpoints (`ShouldPodBeInEndpoints`): not terminal, has an IP, and
 * is not terminating unless `includeTerminating` (the EndpointSlice controller includes
 * terminating pods, marked `terminating: true`; the Endpoints controller drops them unless the
 * service publishes not-ready addresses).
 */
export function shouldPodBeInEndpoints(pod: CoreV1.Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** A pod's hostname is published only for the headless service named by its subdomain (`ShouldSetHostname`). */
export function shouldSetHostname(pod: CoreV1.Pod, service: CoreV1.Service): boolean {
  return (
    Boolean(pod.spec?.hostname) &&
    pod.spec?.subdomain === service.metadata?.name &&
    pod.metadata?.namespace === service.metadata?.namespace
  );
}

/**
 * The port a service port reaches on this pod (`FindPort`): a numeric targetPort as it is (the
 * port itself when unset, as the API server defaults it); a named one looked up among the
 * containers' (and restartable init containers') ports with the same protocol. Undefined when the
 * pod has no such named port: the pod is then left out for that service port.
 */
export function findPort(pod: CoreV1.Pod, servicePort: CoreV1.ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

export type IpFamily = 'IPv4' | 'IPv6';

export function ipFamilyOf(ip: string): IpFamily {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

/** The pod's IPs of one family, in the order the kubelet reported them. */
export function podIpsOfFamily(pod: CoreV1.Pod, family: IpFamily): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '').filter(Boolean);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips.filter((ip) => ipFamilyOf(ip) === family);
}

/** Whether the service has a cluster IP (not headless, not ExternalName). */
export function isServiceIpSet(service: CoreV1.Service): boolean {
  const ip = service.spec?.clusterIP;
  return Boolean(ip) && ip !== 'None';
}

/** The label Endpoints and EndpointSlices of a headless service carry (`v1.IsHeadlessService`). */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** When the change that led to this version of the object happened (`v1.EndpointsLastChangeTriggerTime`). */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

/**
 * Whether a pod update can change the endpoints built from it (`podEndpointsChanged`): `pod` for
 * a change to its address or readiness, `labels` for a change that may move it between services.
 */
export function podEndpointsChanged(old: CoreV1.Pod, pod: CoreV1.Pod): { pod: boolean; labels: boolean } {
  const labels =
    !sameStringMap(old.metadata?.labels, pod.metadata?.labels) ||
    old.spec?.hostname !== pod.spec?.hostname ||
    old.spec?.subdomain !== pod.spec?.subdomain;
  const ips = (p: CoreV1.Pod) =>
    (p.status?.podIPs ?? []).map((i) => i.ip).join(',') || (p.status?.podIP ?? '');
  const changed =
    old.metadata?.deletionTimestamp !== pod.metadata?.deletionTimestamp ||
    isPodReady(old) !== isPodReady(pod) ||
    isPodTerminal(old) !== isPodTerminal(pod) ||
    ips(old) !== ips(pod);
  return { pod: changed, labels };
}

export function sameStringMap(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => b?.[k] === a?.[k]);
}

/**
 * A Kubernetes timestamp as Go's RFC3339Nano prints it (fraction trimmed of trailing zeros), for
 * the `last-change-trigger-time` annotation.
 */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f ? `.${f}Z` : 'Z'));
}
