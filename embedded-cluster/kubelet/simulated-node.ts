import { hostname } from 'node:os';
import {
  isStatus,
  objectKey,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type ComponentContext,
  type CoreV1,
  type Informer,
  type ReconcileResult,
  type ResourceClient,
} from '../client/index.js';
import { NodeAgent } from './node-agent.js';
import { PodIpAllocator } from './pod-ips.js';
import {
  restartBackoffMs,
  rfc3339,
  SIGTERM_EXIT_CODE,
  simulatedPodStatus,
  simulationPlan,
  terminated,
  type ContainersState,
  type SimulationPlan,
} from './simulated-pod-status.js';

export { SIMULATION } from './simulated-pod-status.js';

/** The label every simulated node carries. */
export const SIMULATED_LABEL = 'kubedesk.dev/simulated';
/** The runtime a simulated node reports in `nodeInfo.containerRuntimeVersion`. */
export const SIMULATED_RUNTIME = 'simulated://1.0.0';

export interface SimulatedNodeConfig extends ComponentContext {
  nodeName: string;
  /** The kubelet's root directory: its filesystem's size is the node's ephemeral storage. */
  dataDir?: string;
  /** The node's InternalIP (default: the host's first non-loopback IPv4 address). */
  nodeIP?: string;
  /** How long a finishing pod runs when its annotation does not say (default 1 s). */
  defaultRunMs?: number;
  /** The most pods the node takes (the kubelet's `--max-pods`, default 110). */
  maxPods?: number;
  /** Status writers working at once (default 16: the API server batches their fsyncs). */
  workers?: number;
}

/**
 * A kubelet stand-in without processes. Its node half ({@link NodeAgent}) registers the node —
 * labelled `kubedesk.dev/simulated=true`, runtime `simulated://`, OS image saying so — and keeps
 * its status and Lease fresh. Its pod half moves each pod bound to the node through the phases a
 * kubelet reports: Running (and Ready, unless annotated otherwise) at once; containers that exit
 * (see {@link SIMULATION}) finish the pod under Never/OnFailure, or are restarted with
 * CrashLoopBackOff under Always (and OnFailure with a failure); a pod being deleted has its
 * containers stopped (exit 143, as on SIGTERM) and is then removed from the API.
 *
 * One status write per transition, built from the informer's cache (no read-modify-write), by
 * several workers; time-based transitions come back through the queue's `addAfter`.
 */
export class SimulatedNode implements Component {
  readonly name = 'simulated-node';
  private readonly queue: WorkQueue<string>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly client: ResourceClient<CoreV1.Pod>;
  private readonly agent: NodeAgent;
  private readonly ips = new PodIpAllocator();
  /** Exact start times of running containers by pod uid (the API keeps whole seconds only). */
  private readonly startedAt = new Map<string, number>();
  /** Exact exit times of containers in back-off, by pod uid. */
  private readonly exitedAt = new Map<string, number>();
  private running: Promise<void> | undefined;

  constructor(private readonly config: SimulatedNodeConfig) {
    this.queue = new WorkQueue({ clock: config.clock });
    this.pods = config.informers.for(resources.pods);
    this.client = config.client.resource(resources.pods);
    this.agent = new NodeAgent({
      ...config,
      labels: { [SIMULATED_LABEL]: 'true' },
      podCIDR: PodIpAllocator.CIDR,
      identity: {
        containerRuntimeVersion: SIMULATED_RUNTIME,
        osImage: `Kubedesk simulated node on ${hostname()} (no containers run)`,
        machineID: 'simulated',
        systemUUID: 'simulated',
        bootID: 'simulated',
      },
    });
    this.pods.addHandler({
      added: (pod) => this.enqueue(pod),
      updated: (_old, pod) => this.enqueue(pod),
      deleted: (pod) => this.forget(pod),
    });
  }

  async start(): Promise<void> {
    await this.agent.start();
    this.config.informers.start();
    await this.pods.synced();
    // Pods that ran before a restart keep their addresses.
    for (const pod of this.pods.store.list()) {
      const uid = pod.metadata?.uid;
      const ip = pod.status?.podIP;
      if (this.isOurs(pod) && uid && ip && !pod.spec?.hostNetwork) this.ips.reserve(uid, ip);
    }
    this.running = runWorkers(this.name, this.queue, (key) => this.sync(key), {
      workers: this.config.workers ?? 16,
      logger: this.config.logger,
    });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.agent.stop();
    await this.running;
  }

  private isOurs(pod: CoreV1.Pod): boolean {
    return pod.spec?.nodeName === this.config.nodeName;
  }

  private enqueue(pod: CoreV1.Pod): void {
    if (this.isOurs(pod)) this.queue.add(objectKey(pod));
  }

  /** A pod is gone from the API: its sandbox (and address) go too. */
  private forget(pod: CoreV1.Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    this.ips.release(uid);
    this.startedAt.delete(uid);
    this.exitedAt.delete(uid);
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const pod = this.pods.store.get(key);
    if (!pod || !this.isOurs(pod)) return;
    if (pod.metadata?.deletionTimestamp) return this.terminate(pod);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const plan = simulationPlan(pod, this.config.defaultRunMs ?? 1000);
    const now = this.config.clock.now();
    const uid = pod.metadata!.uid!;
    const first = pod.status?.containerStatuses?.[0];
    if (!pod.status?.startTime || !first) return this.startContainers(pod, plan, now, 0);
    const restartCount = first.restartCount ?? 0;
    if (first.state?.running) {
      const started = this.startedAt.get(uid) ?? parseTime(first.state.running.startedAt, now);
      this.startedAt.set(uid, started);
      if (plan.runMs !== undefined && now >= started + plan.runMs)
        return this.exited(pod, plan, now, started);
      const ready = plan.readyAfterMs !== undefined && now >= started + plan.readyAfterMs;
      if (ready !== first.ready) {
        await this.write(pod, {
          kind: 'running',
          startedAt: started,
          ready,
          restartCount,
          ...this.last(first),
        });
      }
      return this.wakeUp(plan, started, now);
    }
    if (first.state?.waiting?.reason === 'CrashLoopBackOff') {
      const last = first.lastState?.terminated;
      const exited = this.exitedAt.get(uid) ?? parseTime(last?.finishedAt, now);
      const due = exited + restartBackoffMs(restartCount);
      if (now < due) return { requeueAfterMs: due - now };
      return this.startContainers(pod, plan, now, restartCount + 1, last);
    }
    // Containers this simulation did not put in their state (written by someone else): start over.
    return this.startContainers(pod, plan, now, restartCount);
  }

  /** (Re)start the containers: Running, ready now or later as the plan says. */
  private async startContainers(
    pod: CoreV1.Pod,
    plan: SimulationPlan,
    now: number,
    restartCount: number,
    last?: CoreV1.ContainerStateTerminated,
  ): Promise<ReconcileResult | void> {
    const ready = plan.readyAfterMs === 0;
    await this.write(pod, {
      kind: 'running',
      startedAt: now,
      ready,
      restartCount,
      ...(last ? { last } : {}),
    });
    this.startedAt.set(pod.metadata!.uid!, now);
    this.exitedAt.delete(pod.metadata!.uid!);
    return this.wakeUp(plan, now, now);
  }

  /** When the next timed transition (ready, exit) of containers started at `started` falls due. */
  private wakeUp(plan: SimulationPlan, started: number, now: number): ReconcileResult | void {
    const due = [plan.readyAfterMs, plan.runMs]
      .filter((ms): ms is number => ms !== undefined && started + ms > now)
      .map((ms) => started + ms - now);
    if (due.length > 0) return { requeueAfterMs: Math.min(...due) };
  }

  /**
   * The containers exited: the pod finishes (Never; OnFailure with success), or the containers are
   * restarted — at once the first time, then after the back-off (kubelet `doBackOff`).
   */
  private async exited(
    pod: CoreV1.Pod,
    plan: SimulationPlan,
    now: number,
    started: number,
  ): Promise<ReconcileResult | void> {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const first = pod.status!.containerStatuses![0]!;
    const restartCount = first.restartCount ?? 0;
    if (policy === 'Never' || (policy === 'OnFailure' && plan.exitCode === 0)) {
      await this.write(pod, { kind: 'terminated', exitCode: plan.exitCode, at: now, restartCount });
      return;
    }
    const last = terminated(plan.exitCode, first.state?.running?.startedAt ?? rfc3339(started), now);
    const delayMs = restartBackoffMs(restartCount);
    if (delayMs === 0) return this.startContainers(pod, plan, now, restartCount + 1, last);
    await this.write(pod, { kind: 'backoff', restartCount, last, delayMs });
    this.exitedAt.set(pod.metadata!.uid!, now);
    return { requeueAfterMs: delayMs };
  }

  private last(status: CoreV1.ContainerStatus): { last?: CoreV1.ContainerStateTerminated } {
    const last = status.lastState?.terminated;
    return last ? { last } : {};
  }

  /**
   * The pod is being deleted: stop its containers (as SIGTERM does, exit 143), report them
   * stopped — a deleted pod's phase becomes Failed, or Succeeded if every container exited 0
   * (kubelet_pods.go `getPhase` with `podIsTerminal`) — then remove it from the API for good.
   */
  private async terminate(pod: CoreV1.Pod): Promise<void> {
    const meta = pod.metadata!;
    const phase = pod.status?.phase;
    const first = pod.status?.containerStatuses?.[0];
    if (phase !== 'Succeeded' && phase !== 'Failed' && first?.state?.running) {
      try {
        await this.write(pod, {
          kind: 'terminated',
          exitCode: SIGTERM_EXIT_CODE,
          at: this.config.clock.now(),
          restartCount: first.restartCount ?? 0,
        });
      } catch (error) {
        if (isStatus(error, 'NotFound')) return;
        throw error;
      }
    }
    try {
      await this.client.delete(meta.name!, {
        namespace: meta.namespace!,
        gracePeriodSeconds: 0,
        preconditions: { uid: meta.uid! },
      });
    } catch (error) {
      // Gone already, or a new pod of the same name: either way this one is done.
      if (!isStatus(error, 'NotFound') && !isStatus(error, 'Conflict')) throw error;
    }
    this.forget(pod);
  }

  /** PUT the pod's status for `state`, on the cached copy's resourceVersion (a conflict retries). */
  private async write(pod: CoreV1.Pod, state: ContainersState): Promise<void> {
    const uid = pod.metadata!.uid!;
    const podIP = pod.spec?.hostNetwork ? this.agent.address : this.ips.allocate(uid);
    const status = simulatedPodStatus(
      pod,
      state,
      { hostIP: this.agent.address, podIP },
      this.config.clock.now(),
    );
    await this.client.updateStatus({ ...pod, status });
  }
}

/** A `metav1.Time` in milliseconds, or `fallback` when absent or unreadable. */
function parseTime(time: string | undefined, fallback: number): number {
  const ms = time ? Date.parse(time) : NaN;
  return Number.isNaN(ms) ? fallback : ms;
}
