import type { IngressLoadBalancerStatus } from 'kubernetes-types/networking/v1.js';

/**
 * The `status.loadBalancer` of every Ingress this controller serves: its address, and the ports
 * when they are not the standard 80 and 443 (`ports[]` of networking.k8s.io/v1
 * IngressLoadBalancerIngress; listed HTTP first, then HTTPS), so tools can build the URL.
 */
export function loadBalancerStatus(address: {
  ip: string;
  httpPort: number;
  httpsPort: number;
}): IngressLoadBalancerStatus {
  const standard = address.httpPort === 80 && address.httpsPort === 443;
  return {
    ingress: [
      {
        ip: address.ip,
        ...(standard
          ? {}
          : {
              ports: [
                { port: address.httpPort, protocol: 'TCP' },
                { port: address.httpsPort, protocol: 'TCP' },
              ],
            }),
      },
    ],
  };
}

/** Whether two load-balancer statuses say the same (an absent list equals an empty one). */
export function sameLoadBalancer(
  a: IngressLoadBalancerStatus | undefined,
  b: IngressLoadBalancerStatus | undefined,
): boolean {
  const text = (s: IngressLoadBalancerStatus | undefined) =>
    JSON.stringify(s?.ingress?.length ? s.ingress : []);
  return text(a) === text(b);
}
