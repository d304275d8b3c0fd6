import {
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoordinationV1,
  type CoreV1,
  type EventRecorder,
  type Informer,
  type ReconcileResult,
} from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import {
  checkNodeHealth,
  DEFAULT_HEALTH_OPTIONS,
  rfc3339,
  type HealthOptions,
  type NodeHealth,
} from './node-lifecycle/node-health.js';
import {
  indexPodsByNode,
  POD_NODE_INDEX,
  TaintEvictionController,
} from './node-lifecycle/taint-eviction-controller.js';
import { conditionTaints, reconcileNoScheduleTaints, swapTaints, TAINT } from './node-lifecycle/taints.js';
import {
  allFullyDisrupted,
  mayTaint,
  zoneKey,
  zoneStates,
  type ZoneState,
} from './node-lifecycle/zone-state.js';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const UNREACHABLE_NO_EXECUTE: CoreV1.Taint = { key: TAINT.unreachable, effect: 'NoExecute' };
const NOT_READY_NO_EXECUTE: CoreV1.Taint = { key: TAINT.notReady, effect: 'NoExecute' };

/**
 * The node lifecycle controller: watches each node's heartbeats (its Lease in `kube-node-lease`
 * and the Ready condition's `lastHeartbeatTime`) and, when a kubelet has been silent for the grace
 * period (50 s), sets the node's conditions to Unknown ("Kubelet stopped posting node status."),
 * marks its pods not Ready and records `NodeNotReady`. It keeps the condition taints in step with
 * the conditions — `node.kubernetes.io/unreachable` or `not-ready` as NoSchedule, and as
 * NoExecute (unless the whole cluster is down: see zone-state.ts) — and removes them when the node
 * is Ready again. Pods are then evicted from NoExecute-tainted nodes by the
 * {@link TaintEvictionController} it runs alongside.
 *
 * No polling: each node is looked at again exactly when its grace period would run out.
 *
 * Copies https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/nodelifecycle/node_lifecycle_controller.go
 */
export class NodeLifecycleController implements Component {
  readonly name = 'nodelifecycle';
  private readonly queue: WorkQueue<string>;
  private readonly nodes: Informer<CoreV1.Node>;
  private readonly leases: Informer<CoordinationV1.Lease>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly recorder: EventRecorder;
  private readonly taintEviction: TaintEvictionController;
  private readonly options: HealthOptions;
  /** What the controller has seen of each node, on its own clock. */
  private readonly health = new Map<string, NodeHealth>();
  private lastZoneStates = new Map<string, ZoneState>();
  /** Nodes whose pods still have to be marked not Ready (an earlier attempt failed). */
  private readonly markPodsPending = new Set<string>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly context: ControllerContext,
    options: Partial<HealthOptions> = {},
  ) {
    this.options = { ...DEFAULT_HEALTH_OPTIONS, ...options };
    this.queue = new WorkQueue({ clock: context.clock });
    this.recorder = recorderFor(context, 'node-controller');
    this.nodes = context.informers.for(resources.nodes);
    this.leases = context.informers.for(resources.leases);
    this.pods = context.informers.for(resources.pods);
    indexPodsByNode(this.pods);
    // Keys: a node's name, or `namespace/name` of a pod just placed on a node (names of nodes
    // cannot contain a slash).
    this.nodes.addHandler({
      added: (node) => this.queue.add(node.metadata!.name!),
      updated: (_old, node) => this.queue.add(node.metadata!.name!),
      deleted: (node) => this.queue.add(node.metadata!.name!),
    });
    this.leases.addHandler({
      added: (lease) => this.leaseChanged(lease),
      updated: (_old, lease) => this.leaseChanged(lease),
    });
    this.pods.addHandler({
      added: (pod) => {
        if (pod.spec?.nodeName) this.queue.add(objectKey(pod));
      },
      updated: (old, pod) => {
        if (pod.spec?.nodeName && old.spec?.nodeName !== pod.spec.nodeName) this.queue.add(objectKey(pod));
      },
    });
    this.taintEviction = new TaintEvictionController(context);
  }

  async start(): Promise<void> {
    await this.taintEviction.start();
    this.running = runWorkers(this.name, this.queue, (key) => this.reconcile(key), {
      workers: 2,
      logger: this.context.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all([this.running, this.taintEviction.stop()]);
  }

  private leaseChanged(lease: CoordinationV1.Lease): void {
    if (lease.metadata?.namespace === NODE_LEASE_NAMESPACE) this.queue.add(lease.metadata.name!);
  }

  private async reconcile(key: string): Promise<ReconcileResult | void> {
    if (key.includes('/')) return this.reconcilePod(key);
    const cached = this.nodes.store.get(key);
    if (!cached) {
      this.health.delete(key);
      this.markPodsPending.delete(key);
      return;
    }
    const now = this.context.clock.now();
    const firstSight = !this.health.has(key);
    if (firstSight) {
      this.recorder.event(
        cached,
        'Normal',
        'RegisteredNode',
        `Node ${key} event: Registered Node ${key} in Controller`,
      );
    }
    const lease = this.leases.store.getByName(NODE_LEASE_NAMESPACE, key);
    const check = checkNodeHealth(cached, this.health.get(key), lease, now, this.options);
    let node = cached;
    let health = check.health;
    if (check.newStatus) {
      node = await this.context.client
        .resource(resources.nodes)
        .updateStatus({ ...cached, status: check.newStatus });
      health = { ...health, status: node.status, readyTransitionTimestamp: now };
      this.context.logger.info('node stopped posting status', { node: key });
    }
    this.health.set(key, health);

    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True' && check.observedReady.status === 'True') {
      this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${key} status is now: NodeNotReady`);
      this.markPodsPending.add(key);
    }
    if (ready?.status === 'True') this.markPodsPending.delete(key);
    if (this.markPodsPending.has(key)) {
      await this.markPodsNotReady(key, this.pods.store.byIndex(POD_NODE_INDEX, key));
      this.markPodsPending.delete(key);
    }
    node = await this.reconcileTaints(node, ready);
    // Look again the moment the grace period would run out, unless a heartbeat comes first.
    if (!check.newStatus && now <= check.expiresAt) return { requeueAfterMs: check.expiresAt - now + 1 };
  }

  /** A pod placed on a node that is not Ready is marked not Ready at once (`processPod`). */
  private async reconcilePod(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const ready = this.health.get(nodeName)?.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') await this.markPodsNotReady(nodeName, [pod]);
  }

  /**
   * Condition taints (NoSchedule) always follow the conditions; the NoExecute taint that evicts
   * pods follows Ready only while the node's zone may be disrupted further.
   */
  private async reconcileTaints(
    node: CoreV1.Node,
    ready: CoreV1.NodeCondition | undefined,
  ): Promise<CoreV1.Node> {
    const name = node.metadata!.name!;
    const time = rfc3339(this.context.clock.now());
    let taints = node.spec?.taints ?? [];
    taints = reconcileNoScheduleTaints(taints, conditionTaints(node), time) ?? taints;

    // The cache may not hold the status just written: judge the zones with this node as it is now.
    const states = zoneStates(this.nodes.store.list().map((n) => (n.metadata?.name === name ? node : n)));
    this.noteZoneStates(states);
    const all = allFullyDisrupted(states);
    if (ready?.status === 'True' || all) {
      // Ready again — or every node is down, when Kubernetes evicts nothing ("master disruption").
      taints = swapTaints(taints, [], [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE], time) ?? taints;
    } else if (ready && mayTaint(zoneKey(node), states, this.nodes.store.size)) {
      const unknown = ready.status === 'Unknown';
      const add = unknown ? UNREACHABLE_NO_EXECUTE : NOT_READY_NO_EXECUTE;
      const remove = unknown ? NOT_READY_NO_EXECUTE : UNREACHABLE_NO_EXECUTE;
      taints = swapTaints(taints, [add], [remove], time) ?? taints;
    }
    if (taints === (node.spec?.taints ?? [])) return node;
    this.context.logger.info('updating node taints', {
      node: name,
      taints: taints.map((t) => `${t.key}:${t.effect}`),
    });
    return this.context.client.resource(resources.nodes).update({ ...node, spec: { ...node.spec, taints } });
  }

  /**
   * Zone states decide NoExecute tainting for every node: when one changes, look at all nodes
   * again. Leaving full disruption gives every node a fresh grace period, as Kubernetes does, so
   * nodes are not tainted for a silence that was the cluster's own.
   */
  private noteZoneStates(states: Map<string, ZoneState>): void {
    const before = this.lastZoneStates;
    this.lastZoneStates = states;
    const changed =
      before.size !== states.size || [...states].some(([zone, state]) => before.get(zone) !== state);
    if (!changed) return;
    if (allFullyDisrupted(before) && !allFullyDisrupted(states)) {
      const now = this.context.clock.now();
      for (const [name, health] of this.health) {
        this.health.set(name, { ...health, probeTimestamp: now, readyTransitionTimestamp: now });
      }
    }
    for (const node of this.nodes.store.list()) this.queue.add(node.metadata!.name!);
  }

  /**
   * Set the Ready condition of each pod to False and record `NodeNotReady` on it (`MarkPodsNotReady`
   * in pkg/controller/util/node/controller_utils.go): nobody is left to report on them.
   */
  private async markPodsNotReady(nodeName: string, pods: readonly CoreV1.Pod[]): Promise<void> {
    const client = this.context.client.resource(resources.pods);
    const time = rfc3339(this.context.clock.now());
    for (const pod of pods) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const conditions = pod.status?.conditions ?? [];
      const ready = conditions.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      try {
        await client.updateStatus({
          ...pod,
          status: {
            ...pod.status,
            conditions: conditions.map((c) =>
              c === ready ? { ...c, status: 'False', lastTransitionTime: time } : c,
            ),
          },
        });
      } catch (error) {
        if (isStatus(error, 'NotFound')) continue;
        throw error;
      }
      this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
  }
}
