import type { CoreV1 } from '../client/index.js';

/**
 * The `status.loadBalancer` of a LoadBalancer Service whose ports the host answers on, as Docker
 * Desktop and k3s's servicelb report it: the loopback address, `ipMode: VIP` (traffic to it is
 * delivered as if to the service, core/v1 since 1.29).
 */
export function loadBalancerStatus(ip: string): CoreV1.LoadBalancerStatus {
  return { ingress: [{ ip, ipMode: 'VIP' }] };
}

/**
 * What a Service's `status.loadBalancer` should be: ours when it is a LoadBalancer whose every
 * port is open; empty (pending, as kubectl shows `<pending>`) when it is one but a port is not;
 * for a Service that is no longer a LoadBalancer, ours is removed (undefined: leave it alone when
 * someone else's address is there).
 */
export function desiredLoadBalancer(
  service: CoreV1.Service,
  ip: string,
  allPortsOpen: boolean,
): CoreV1.LoadBalancerStatus | undefined {
  const current = service.status?.loadBalancer;
  if (service.spec?.type === 'LoadBalancer') return allPortsOpen ? loadBalancerStatus(ip) : {};
  return isOurs(current, ip) ? {} : undefined;
}

/** Whether two statuses list the same addresses (absent and empty are the same). */
export function sameLoadBalancer(
  a: CoreV1.LoadBalancerStatus | undefined,
  b: CoreV1.LoadBalancerStatus | undefined,
): boolean {
  const text = (s: CoreV1.LoadBalancerStatus | undefined) =>
    JSON.stringify((s?.ingress ?? []).map((i) => [i.ip ?? '', i.hostname ?? '', i.ipMode ?? '']));
  return text(a) === text(b);
}

function isOurs(status: CoreV1.LoadBalancerStatus | undefined, ip: string): boolean {
  return (status?.ingress ?? []).some((i) => i.ip === ip);
}
