import {
  isStatus,
  resources,
  type ComponentContext,
  type CoreV1,
  type Informer,
  type ResourceClient,
} from '../client/index.js';
import type { Timer } from '../util/clock.js';
import { NodeLease } from './node-lease.js';
import { hostAddress, readHostResources } from './node-resources.js';
import {
  nodeConditions,
  nodeLabels,
  nodeStatusFacts,
  statusChanged,
  type NodeFacts,
  type NodeIdentity,
} from './node-status.js';

/** How often the node's status is measured (the kubelet's `nodeStatusUpdateFrequency`). */
export const NODE_STATUS_CHECK_MS = 10_000;
/** How often it is posted when nothing changed (`nodeStatusReportFrequency`). */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;
const RETRY_MS = 1_000;

export interface NodeAgentConfig extends ComponentContext {
  nodeName: string;
  /** The kubelet's root directory: its filesystem's size is the node's ephemeral storage. */
  dataDir?: string;
  /** The InternalIP (default: the host's first non-loopback IPv4 address). */
  nodeIP?: string;
  /** Labels beyond the ones every kubelet sets. */
  labels?: Record<string, string>;
  /** What the node says about its container runtime. */
  identity: NodeIdentity;
  /** The most pods the node takes, the kubelet's `--max-pods` (default 110). */
  maxPods?: number;
  /** `spec.podCIDR` of a newly registered node. */
  podCIDR?: string;
  /**
   * Why the node is not ready, checked with every status measurement (the real kubelet's
   * runtime health check): undefined when it is. A real node's container runtime being down
   * makes Ready False with reason KubeletNotReady and this message.
   */
  notReadyReason?: () => Promise<string | undefined>;
}

/**
 * The runtime-neutral half of a kubelet: it registers the Node (and registers it again if someone
 * deletes it), keeps its status current — measured every 10 s, posted when it changed or every
 * 5 minutes — and heartbeats through the node's Lease every 10 s
 * (pkg/kubelet/kubelet_node_status.go). Timers run on the context clock and never keep the
 * process alive.
 */
export class NodeAgent {
  private readonly nodes: ResourceClient<CoreV1.Node>;
  private readonly informer: Informer<CoreV1.Node>;
  private readonly lease: NodeLease;
  private uid: string | undefined;
  private reported: CoreV1.NodeStatus | undefined;
  private reportedAt = 0;
  private timer: Timer | undefined;
  private stopped = true;
  private busy: Promise<void> = Promise.resolve();
  private ip: string;
  /** The not-ready message last reported (undefined: reported ready). */
  private notReady: string | undefined;

  constructor(private readonly config: NodeAgentConfig) {
    this.nodes = config.client.resource(resources.nodes);
    this.informer = config.informers.for(resources.nodes);
    this.lease = new NodeLease(config, config.nodeName, () => this.uid);
    this.ip = config.nodeIP ?? hostAddress();
    this.informer.addHandler({
      deleted: (node) => {
        if (node.metadata?.name === config.nodeName && !this.stopped) {
          this.config.logger.info('node object deleted; registering again', { node: config.nodeName });
          this.uid = undefined;
          this.reported = undefined;
          this.serially(() => this.register());
        }
      },
    });
  }

  /** The node's InternalIP: what `hostIP` (and a hostNetwork pod's IP) is. */
  get address(): string {
    return this.ip;
  }

  /** Register the Node and post its first status, then keep both alive. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.register();
    this.lease.start();
  }

  /** Measure now rather than at the next tick (something the status depends on changed). */
  refresh(): void {
    if (!this.stopped && this.uid !== undefined) this.serially(() => this.check());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.lease.stop();
    if (this.timer) this.config.clock.clearTimeout(this.timer);
    await this.busy;
  }

  /** Run `step` after whatever step is running, so registration and reports never overlap. */
  private serially(step: () => Promise<void>): void {
    this.busy = this.busy.then(step).catch((error: unknown) => {
      this.config.logger.warn('node status update failed; retrying', {
        node: this.config.nodeName,
        error: String(error),
      });
      this.schedule(RETRY_MS);
    });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) this.config.clock.clearTimeout(this.timer);
    this.timer = this.config.clock.setTimeout(() => this.serially(() => this.check()), ms);
    this.timer.unref?.();
  }

  /** Create the Node, or adopt the one there (adding missing labels), then post its status. */
  private async register(): Promise<void> {
    const { nodeName } = this.config;
    const labels = nodeLabels(nodeName, this.config.labels);
    let node: CoreV1.Node;
    try {
      const { podCIDR } = this.config;
      node = await this.nodes.create({
        metadata: { name: nodeName, labels },
        spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
      });
      this.config.logger.info('node registered', { node: nodeName });
    } catch (error) {
      if (!isStatus(error, 'AlreadyExists')) throw error;
      node = await this.nodes.get(nodeName);
      const have = node.metadata?.labels ?? {};
      if (Object.entries(labels).some(([key, value]) => have[key] !== value)) {
        node = await this.nodes.patch(nodeName, { metadata: { labels } }, { type: 'strategic' });
      }
    }
    this.uid = node.metadata?.uid;
    await this.report(await this.measure(), node.status?.conditions);
    if (!this.stopped) void this.lease.renew();
  }

  /** Measure; post when the status changed or the report is due. */
  private async check(): Promise<void> {
    if (this.uid === undefined) return this.register();
    const facts = await this.measure();
    const now = this.config.clock.now();
    const measured = nodeStatusFacts(facts);
    const notReady = await this.config.notReadyReason?.();
    if (
      notReady === this.notReady &&
      this.reported &&
      !statusChanged(measured, this.reported) &&
      now - this.reportedAt < NODE_STATUS_REPORT_MS
    ) {
      this.schedule(NODE_STATUS_CHECK_MS);
      return;
    }
    const cached = this.informer.store.get(this.config.nodeName);
    await this.report(facts, cached?.status?.conditions);
  }

  private async measure(): Promise<NodeFacts> {
    if (!this.config.nodeIP) this.ip = hostAddress();
    return {
      nodeName: this.config.nodeName,
      resources: await readHostResources(this.config.dataDir),
      address: this.ip,
      identity: this.config.identity,
      ...(this.config.maxPods !== undefined ? { maxPods: this.config.maxPods } : {}),
    };
  }

  private async report(facts: NodeFacts, previous: CoreV1.NodeCondition[] | undefined): Promise<void> {
    const now = this.config.clock.now();
    const measured = nodeStatusFacts(facts);
    const notReady = await this.config.notReadyReason?.();
    let conditions = nodeConditions(previous, now);
    if (notReady !== undefined) {
      const before = previous?.find((c) => c.type === 'Ready');
      conditions = conditions.map((c) =>
        c.type !== 'Ready'
          ? c
          : {
              ...c,
              status: 'False',
              reason: 'KubeletNotReady',
              message: notReady,
              lastTransitionTime:
                before?.status === 'False' && before.lastTransitionTime
                  ? before.lastTransitionTime
                  : c.lastHeartbeatTime,
            },
      );
    }
    // A strategic merge patch, as the kubelet's PatchNodeStatus: conditions and addresses merge by type.
    await this.nodes.patch(
      this.config.nodeName,
      { status: { ...measured, conditions } },
      { subresource: 'status', type: 'strategic' },
    );
    this.notReady = notReady;
    this.reported = measured;
    this.reportedAt = now;
    this.schedule(NODE_STATUS_CHECK_MS);
  }
}
