import type { Clock } from '../util/clock.js';
import type { ProxyEndpoint } from './service-map.js';

/**
 * How the userspace path picks an endpoint for a new connection, as the old userspace proxy's
 * `LoadBalancerRR`: round robin over the endpoints, except that with ClientIP affinity a client
 * seen within the timeout goes back to the endpoint it had, if that endpoint is still there.
 */
export class EndpointPicker {
  private next = 0;
  private readonly affinity = new Map<string, { endpoint: string; lastUsed: number }>();

  constructor(private readonly clock: Clock) {}

  /**
   * An endpoint for `clientIp`, skipping those in `exclude` (already failed for this connection);
   * undefined when none is left.
   */
  pick(
    endpoints: readonly ProxyEndpoint[],
    clientIp: string,
    affinitySeconds: number | undefined,
    exclude: ReadonlySet<string> = new Set(),
  ): ProxyEndpoint | undefined {
    const candidates = endpoints.filter((e) => !exclude.has(addressOf(e)));
    if (candidates.length === 0) return undefined;
    const now = this.clock.now();
    if (affinitySeconds !== undefined) {
      const sticky = this.affinity.get(clientIp);
      if (sticky && now - sticky.lastUsed <= affinitySeconds * 1000) {
        const same = candidates.find((e) => addressOf(e) === sticky.endpoint);
        if (same) {
          sticky.lastUsed = now;
          return same;
        }
      }
    }
    const chosen = candidates[this.next++ % candidates.length]!;
    if (this.next > 1e9) this.next = 0;
    if (affinitySeconds !== undefined) {
      this.affinity.set(clientIp, { endpoint: addressOf(chosen), lastUsed: now });
      this.reap(now, affinitySeconds);
    }
    return chosen;
  }

  /** Forget clients whose affinity expired, so the map does not grow without bound. */
  private reap(now: number, affinitySeconds: number): void {
    if (this.affinity.size < 1000) return;
    for (const [client, entry] of this.affinity)
      if (now - entry.lastUsed > affinitySeconds * 1000) this.affinity.delete(client);
  }
}

/** `ip:port` of an endpoint. */
export function addressOf(endpoint: ProxyEndpoint): string {
  return `${endpoint.ip}:${endpoint.port}`;
}
