import { isStatus, resources, type ComponentContext, type CoordinationV1 } from '../client/index.js';
import type { Timer } from '../util/clock.js';

/** How long a node's lease lasts, and how often it is renewed (a quarter of that), as the kubelet. */
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 10_000;
/** How soon a failed renewal is retried (the lease controller's `onRepeatedHeartbeatFailure` pace). */
const RETRY_MS = 200;
const MAX_RETRY_MS = 7_000;

/** MicroTime, as Leases carry it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/**
 * The node's heartbeat: a Lease named after the node in `kube-node-lease`, owned by the Node and
 * renewed every 10 s (k8s.io/component-helpers/apimachinery/lease/controller.go). The node
 * lifecycle controller reads it to tell a live node from a dead one. As the lease controller, it
 * keeps the lease it last wrote and updates that (one PUT per renewal, no GET); only a conflict or
 * a missing lease makes it read again.
 */
export class NodeLease {
  private timer: Timer | undefined;
  private stopped = true;
  private latest: CoordinationV1.Lease | undefined;
  private failures = 0;

  constructor(
    private readonly context: ComponentContext,
    private readonly nodeName: string,
    private readonly nodeUid: () => string | undefined,
  ) {}

  start(): void {
    this.stopped = false;
    void this.renew();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.context.clock.clearTimeout(this.timer);
  }

  /** Renew now (and schedule the next renewal). */
  async renew(): Promise<void> {
    if (this.stopped) return;
    if (this.timer) this.context.clock.clearTimeout(this.timer);
    let next = LEASE_RENEW_MS;
    try {
      await this.write();
      this.failures = 0;
    } catch (error) {
      this.latest = undefined;
      next = Math.min(RETRY_MS * 2 ** this.failures++, MAX_RETRY_MS);
      this.context.logger.warn('could not renew node lease', { node: this.nodeName, error: String(error) });
    }
    if (this.stopped) return;
    this.timer = this.context.clock.setTimeout(() => void this.renew(), next);
    this.timer.unref?.();
  }

  private async write(): Promise<void> {
    const leases = this.context.client.resource(resources.leases);
    if (this.latest) {
      try {
        this.latest = await leases.update(this.renewed(this.latest));
        return;
      } catch (error) {
        if (!isStatus(error, 'Conflict') && !isStatus(error, 'NotFound')) throw error;
      }
    }
    let current: CoordinationV1.Lease;
    try {
      current = await leases.get(this.nodeName, 'kube-node-lease');
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
      this.latest = await leases.create(
        this.renewed({ metadata: { name: this.nodeName, namespace: 'kube-node-lease' } }),
      );
      return;
    }
    this.latest = await leases.update(this.renewed(current));
  }

  /** `lease` held by this node, renewed now, owned by the current Node object. */
  private renewed(lease: CoordinationV1.Lease): CoordinationV1.Lease {
    const uid = this.nodeUid();
    return {
      ...lease,
      metadata: {
        ...lease.metadata,
        ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] } : {}),
      },
      spec: {
        ...lease.spec,
        holderIdentity: this.nodeName,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        renewTime: microTime(this.context.clock.now()),
      },
    };
  }
}
