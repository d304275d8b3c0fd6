import { isStatus, resources, type ComponentContext, type CoordinationV1 } from '../client/index.js';
import type { Timer } from '../util/clock.js';

/** How long a node's lease lasts, and how often it is renewed (a quarter of that), as the kubelet. */
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 10_000;

/** MicroTime, as Leases carry it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/**
 * The node's heartbeat: a Lease named after the node in `kube-node-lease`, renewed every 10 s
 * (k8s.io/component-helpers/apimachinery/lease). The node lifecycle controller reads it to tell a
 * live node from a dead one.
 */
export class NodeLease {
  private timer: Timer | undefined;
  private stopped = false;

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
    try {
      await this.write();
    } catch (error) {
      this.context.logger.warn('could not renew node lease', { node: this.nodeName, error: String(error) });
    }
    if (this.stopped) return;
    this.timer = this.context.clock.setTimeout(() => void this.renew(), LEASE_RENEW_MS);
    this.timer.unref?.();
  }

  private async write(): Promise<void> {
    const leases = this.context.client.resource(resources.leases);
    const now = microTime(this.context.clock.now());
    const uid = this.nodeUid();
    const owner = uid ? [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] : undefined;
    let lease: CoordinationV1.Lease;
    try {
      lease = await leases.get(this.nodeName, 'kube-node-lease');
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
      await leases.create({
        metadata: {
          name: this.nodeName,
          namespace: 'kube-node-lease',
          ...(owner ? { ownerReferences: owner } : {}),
        },
        spec: { holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
      });
      return;
    }
    await leases.update({
      ...lease,
      metadata: { ...lease.metadata, ...(owner ? { ownerReferences: owner } : {}) },
      spec: {
        ...lease.spec,
        holderIdentity: this.nodeName,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        renewTime: now,
      },
    });
  }
}
