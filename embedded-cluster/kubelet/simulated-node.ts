import { arch, cpus, hostname, release, totalmem } from 'node:os';
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
} from '../client/index.js';
import { NodeLease } from './node-lease.js';

/** Annotations that steer a simulated pod, for tests and demos. */
export const SIMULATION = {
  /** How long a pod that may finish (restartPolicy Never/OnFailure) runs, in seconds. */
  runSeconds: 'simulation.kubedesk.dev/run-seconds',
  /** The exit code its containers finish with (default 0). */
  exitCode: 'simulation.kubedesk.dev/exit-code',
  /** "false": the pod runs but never becomes ready (as a failing readiness probe). */
  ready: 'simulation.kubedesk.dev/ready',
} as const;

/** The label every simulated node carries, and the runtime name it reports. */
export const SIMULATED_LABEL = 'kubedesk.dev/simulated';

export interface SimulatedNodeConfig extends ComponentContext {
  nodeName: string;
  /** How long a finishing pod runs when its annotation does not say (default 1 s). */
  defaultRunMs?: number;
}

/**
 * A kubelet stand-in without processes: it registers a node (labelled and reported as simulated),
 * heartbeats through its Lease, and moves the pods bound to it through their phases as a kubelet
 * would report them — Running and Ready at once, finishing after a while when their restart policy
 * lets them (so Jobs complete), and removed from the API when deleted.
 */
export class SimulatedNode implements Component {
  readonly name = 'simulated-node';
  private readonly queue: WorkQueue<string>;
  private readonly pods: Informer<CoreV1.Pod>;
  private readonly lease: NodeLease;
  private nodeUid: string | undefined;
  private readonly ips = new Map<string, string>();
  private nextIp = 2;
  private running: Promise<void> | undefined;

  constructor(private readonly config: SimulatedNodeConfig) {
    this.queue = new WorkQueue({ clock: config.clock });
    this.pods = config.informers.for(resources.pods);
    this.pods.addHandler({
      added: (pod) => this.enqueue(pod),
      updated: (_old, pod) => this.enqueue(pod),
    });
    this.lease = new NodeLease(config, config.nodeName, () => this.nodeUid);
  }

  async start(): Promise<void> {
    await this.register();
    this.lease.start();
    this.config.informers.start();
    await this.pods.synced();
    this.running = runWorkers(this.name, this.queue, (key) => this.sync(key), {
      workers: 4,
      logger: this.config.logger,
    });
  }

  async stop(): Promise<void> {
    this.lease.stop();
    this.queue.shutDown();
    await this.running;
  }

  private enqueue(pod: CoreV1.Pod): void {
    if (pod.spec?.nodeName === this.config.nodeName) this.queue.add(objectKey(pod));
  }

  private async register(): Promise<void> {
    const nodes = this.config.client.resource(resources.nodes);
    const cores = cpus().length;
    const memoryKi = Math.floor(totalmem() / 1024);
    const capacity = {
      cpu: String(cores),
      memory: `${memoryKi}Ki`,
      pods: '110',
      'ephemeral-storage': '100Gi',
    };
    const node: CoreV1.Node = {
      metadata: {
        name: this.config.nodeName,
        labels: {
          'kubernetes.io/hostname': this.config.nodeName,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': arch() === 'x64' ? 'amd64' : arch(),
          'node-role.kubernetes.io/control-plane': '',
          [SIMULATED_LABEL]: 'true',
        },
      },
      spec: {},
    };
    let registered: CoreV1.Node;
    try {
      registered = await nodes.create(node);
    } catch (error) {
      if (!isStatus(error, 'AlreadyExists')) throw error;
      registered = await nodes.get(this.config.nodeName);
    }
    this.nodeUid = registered.metadata?.uid;
    const now = new Date(this.config.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    });
    await nodes.patch(
      this.config.nodeName,
      {
        status: {
          capacity,
          allocatable: capacity,
          conditions: [
            condition(
              'MemoryPressure',
              'False',
              'KubeletHasSufficientMemory',
              'kubelet has sufficient memory available',
            ),
            condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
            condition(
              'PIDPressure',
              'False',
              'KubeletHasSufficientPID',
              'kubelet has sufficient PID available',
            ),
            condition('Ready', 'True', 'KubeletReady', 'simulated kubelet is posting ready status'),
          ],
          addresses: [
            { type: 'InternalIP', address: '10.244.0.1' },
            { type: 'Hostname', address: this.config.nodeName },
          ],
          nodeInfo: {
            machineID: 'simulated',
            systemUUID: 'simulated',
            bootID: 'simulated',
            kernelVersion: release(),
            osImage: `Kubedesk simulated node on ${hostname()}`,
            containerRuntimeVersion: 'simulated://1.0.0',
            kubeletVersion: 'v1.32.0-kubedesk-simulated',
            kubeProxyVersion: 'v1.32.0-kubedesk-simulated',
            operatingSystem: 'linux',
            architecture: arch() === 'x64' ? 'amd64' : arch(),
          },
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        },
      },
      { subresource: 'status', type: 'strategic' },
    );
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const pod = this.pods.store.get(key);
    if (!pod || pod.spec?.nodeName !== this.config.nodeName) return;
    const pods = this.config.client.resource(resources.pods);
    const meta = pod.metadata!;
    if (meta.deletionTimestamp) {
      // No processes to stop: the containers are gone at once, so the pod may go.
      try {
        await pods.delete(meta.name!, {
          namespace: meta.namespace!,
          gracePeriodSeconds: 0,
          preconditions: { uid: meta.uid! },
        });
      } catch (error) {
        if (!isStatus(error, 'NotFound') && !isStatus(error, 'Conflict')) throw error;
      }
      this.ips.delete(key);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const now = this.config.clock.now();
    if (!pod.status?.startTime) {
      await pods.updateStatus({ ...pod, status: this.runningStatus(pod, key, now) });
      return this.finishAfter(pod);
    }
    const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
    if (restartPolicy === 'Always') return;
    const runMs = this.runMs(pod);
    const started = Date.parse(pod.status.startTime);
    if (now - started < runMs) return { requeueAfterMs: runMs - (now - started) };
    const exitCode = Number(meta.annotations?.[SIMULATION.exitCode] ?? 0) || 0;
    await pods.updateStatus({ ...pod, status: this.finishedStatus(pod, exitCode, now) });
  }

  private finishAfter(pod: CoreV1.Pod): ReconcileResult | void {
    if ((pod.spec?.restartPolicy ?? 'Always') === 'Always') return;
    return { requeueAfterMs: this.runMs(pod) };
  }

  private runMs(pod: CoreV1.Pod): number {
    const annotated = Number(pod.metadata?.annotations?.[SIMULATION.runSeconds]);
    return Number.isFinite(annotated) && annotated >= 0
      ? annotated * 1000
      : (this.config.defaultRunMs ?? 1000);
  }

  private podIp(key: string): string {
    let ip = this.ips.get(key);
    if (!ip) {
      const n = this.nextIp++;
      ip = `10.244.${(n >> 8) & 255}.${n & 255}`;
      this.ips.set(key, ip);
    }
    return ip;
  }

  private runningStatus(pod: CoreV1.Pod, key: string, now: number): CoreV1.PodStatus {
    const time = rfc3339(now);
    const ready = pod.metadata?.annotations?.[SIMULATION.ready] !== 'false';
    const ip = pod.spec?.hostNetwork ? '10.244.0.1' : this.podIp(key);
    const condition = (type: string, status: boolean) => ({
      type,
      status: status ? 'True' : 'False',
      lastTransitionTime: time,
    });
    return {
      ...pod.status,
      phase: 'Running',
      conditions: [
        condition('PodReadyToStartContainers', true),
        condition('Initialized', true),
        condition('Ready', ready),
        condition('ContainersReady', ready),
        condition('PodScheduled', true),
      ],
      hostIP: '10.244.0.1',
      hostIPs: [{ ip: '10.244.0.1' }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: time,
      initContainerStatuses: (pod.spec?.initContainers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: true,
        started: false,
        restartCount: 0,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: time, finishedAt: time } },
      })),
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: `simulated://${c.image ?? ''}`,
        containerID: `simulated://${pod.metadata?.uid ?? ''}/${c.name}`,
        ready,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: time } },
      })),
    };
  }

  private finishedStatus(pod: CoreV1.Pod, exitCode: number, now: number): CoreV1.PodStatus {
    const time = rfc3339(now);
    const failed = exitCode !== 0;
    return {
      ...pod.status,
      phase: failed ? 'Failed' : 'Succeeded',
      conditions: (pod.status?.conditions ?? []).map((c) =>
        c.type === 'Ready' || c.type === 'ContainersReady' || c.type === 'PodReadyToStartContainers'
          ? { ...c, status: 'False', reason: 'PodCompleted', lastTransitionTime: time }
          : c,
      ),
      containerStatuses: (pod.status?.containerStatuses ?? []).map((s) => ({
        ...s,
        ready: false,
        started: false,
        state: {
          terminated: {
            exitCode,
            reason: failed ? 'Error' : 'Completed',
            startedAt: s.state?.running?.startedAt ?? time,
            finishedAt: time,
            containerID: s.containerID,
          },
        },
      })),
    };
  }
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
