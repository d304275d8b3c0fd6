import {
  EventRecorder,
  InformerFactory,
  isStatus,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type CoreV1,
  type DiscoveryV1,
  type Informer,
  type KubeClient,
  type ReconcileResult,
} from '../client/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { Hairpin } from './hairpin.js';
import { HostPorts, type HostPortFailure, type HostPortTarget } from './host-ports.js';
import { Iptables, runCommand, type CommandRunner } from './iptables.js';
import { renderRules } from './iptables-rules.js';
import { desiredLoadBalancer, sameLoadBalancer } from './load-balancer-status.js';
import { detectMode, PROXY_MODE_ANNOTATION, type ModeDecision, type ProxyMode } from './mode.js';
import { describePortProblem } from './port-problems.js';
import { buildServiceMap, sliceServiceKey, type ProxyServicePort } from './service-map.js';

/** Where the rules go when this process cannot program the pods' kernel itself. */
export interface KernelHelper {
  start(): Promise<void>;
  /** Runs iptables (and `cat`) where the pods' network is. */
  run: CommandRunner;
  stop(): Promise<void>;
}

export interface KubeProxyOptions {
  client: KubeClient;
  /** The node this proxy serves: endpoints elsewhere are not local; its annotation reports the mode. */
  nodeName: string;
  /** Shared informers (the cluster's); without them the proxy lists and watches on its own. */
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  logger?: Logger;
  /**
   * `auto` (default) detects: the kernel from this process when it can, else through
   * `kernelHelper` when given, else userspace. `iptables` fails to start where neither can program
   * the kernel; `helper` always goes through the helper (what a run without root does).
   */
  mode?: ProxyMode | 'auto' | 'helper';
  /**
   * Programs the kernel that holds the pods' network from elsewhere (a container on Docker's host
   * network: the runtime's, handed over at wiring time, since components never talk to Docker).
   */
  kernelHelper?: KernelHelper;
  /** The loopback address NodePorts and LoadBalancers answer on (default 127.0.0.1). */
  host?: string;
  /** The pods' subnet (the Docker network's): host → service traffic is masqueraded. */
  podCidr?: string;
  /** The pods' gateway on the host (the bridge's address): mode detection checks it is local. */
  gatewayIp?: string;
  /** The least time between two syncs (kube-proxy's `--iptables-min-sync-period`; default 100 ms). */
  minSyncIntervalMs?: number;
  /** A full sync at least this often, putting back hooks others removed (default 30 s). */
  syncPeriodMs?: number;
  /** The iptables to program (tests); default: detected. */
  iptables?: Iptables;
}

/** Work queue keys: the whole data path (one key, as kube-proxy's BoundedFrequencyRunner), and the node annotation. */
const SYNC = 'sync';
const NODE = 'node';
const SLICES_BY_SERVICE = 'proxy/slices-by-service';
export const PROXY_MODE_REASON_ANNOTATION = 'kubedesk.dev/proxy-mode-reason';

/**
 * kube-proxy for the embedded cluster: an API client that watches Services and EndpointSlices and
 * programs the data path. In `iptables` mode cluster IPs work from every pod through NAT rules in
 * the kernel that holds the pods' network (written by this process, or through the runtime's
 * helper container where this process cannot: {@link KernelHelper}); in every mode NodePorts and
 * LoadBalancer ports answer on 127.0.0.1 through listeners in this process, and LoadBalancer
 * Services get that address in their status. Handlers only enqueue one key; a sync rebuilds
 * everything from the caches, at most once per `minSyncIntervalMs`. The mode is reported on the
 * Node. See README.md.
 */
export class KubeProxy implements Component {
  readonly name = 'kube-proxy';
  private readonly client: KubeClient;
  private readonly informers: InformerFactory;
  private readonly ownInformers: boolean;
  private readonly recorder: EventRecorder;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly host: string;
  private readonly minSyncIntervalMs: number;
  private readonly syncPeriodMs: number;
  private readonly queue: WorkQueue<string>;
  private readonly services: Informer<CoreV1.Service>;
  private readonly slices: Informer<DiscoveryV1.EndpointSlice>;
  private readonly hostPorts: HostPorts;
  private readonly reported = new Set<string>();
  private iptables: Iptables | undefined;
  private hairpin: Hairpin | undefined;
  private decision: ModeDecision | undefined;
  private podCidr: string | undefined;
  private appliedText = '';
  private appliedChains: string[] = [];
  private lastSyncAt = -Infinity;
  private lastFullSyncAt = -Infinity;
  private running: Promise<void> | undefined;
  private syncs = 0;
  private helperStarted = false;

  constructor(private readonly options: KubeProxyOptions) {
    this.client = options.client;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.host = options.host ?? '127.0.0.1';
    this.minSyncIntervalMs = options.minSyncIntervalMs ?? 100;
    this.syncPeriodMs = options.syncPeriodMs ?? 30_000;
    this.podCidr = options.podCidr;
    this.ownInformers = !options.informers;
    this.informers =
      options.informers ?? new InformerFactory(this.client, { clock: this.clock, logger: this.logger });
    this.recorder =
      options.recorder ??
      new EventRecorder(
        this.client,
        { component: 'kube-proxy', host: options.nodeName },
        { clock: this.clock, logger: this.logger },
      );
    this.queue = new WorkQueue({ clock: this.clock });
    this.hostPorts = new HostPorts({ host: this.host, clock: this.clock, logger: this.logger });
    this.services = this.informers.for(resources.services);
    this.slices = this.informers.for(resources.endpointSlices);
    this.slices.store.addIndex(SLICES_BY_SERVICE, (slice) => {
      const key = sliceServiceKey(slice);
      return key ? [key] : [];
    });
    const changed = () => this.queue.add(SYNC);
    this.services.addHandler({ added: changed, updated: changed, deleted: changed });
    this.slices.addHandler({ added: changed, updated: changed, deleted: changed });
  }

  /** The mode chosen at start (undefined before). */
  get mode(): ProxyMode | undefined {
    return this.decision?.mode;
  }

  /** How many syncs have run (tests wait on it). */
  get syncCount(): number {
    return this.syncs;
  }

  /** The host ports open now, as `TCP/30080`. */
  get openPorts(): string[] {
    return this.hostPorts.open;
  }

  /** Choose the mode, clear a crashed run's rules, sync the caches, start syncing. */
  async start(): Promise<void> {
    this.decision = await this.decide();
    this.logger.info('kube-proxy mode', { mode: this.decision.mode, reason: this.decision.reason });
    try {
      if (this.decision.mode === 'iptables') {
        const helper = this.decision.viaHelper ? this.options.kernelHelper : undefined;
        this.iptables =
          this.options.iptables ?? new Iptables(this.decision.variant, helper ? helper.run : runCommand);
        await this.iptables.cleanup(); // leftovers of a run that did not stop cleanly
        // Hairpin mode is a bridge port setting in /sys, which only the host's root can write.
        if (this.options.gatewayIp && !helper) this.hairpin = new Hairpin(this.options.gatewayIp);
      }
      this.informers.start(); // idempotent: shared informers may be running already
      await this.informers.synced();
      this.queue.add(SYNC);
      this.queue.add(NODE);
      this.running = runWorkers(this.name, this.queue, (key) => this.sync(key), { logger: this.logger });
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stop syncing, close the host ports, remove every rule of ours. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.hostPorts.close();
    try {
      await this.iptables?.cleanup();
    } finally {
      this.iptables = undefined; // stopping twice cleans up once
      this.appliedText = '';
      this.appliedChains = [];
      await this.stopHelper().catch((error: unknown) =>
        this.logger.warn('cannot remove the network helper container', { error: String(error) }),
      );
      if (this.ownInformers) this.informers.stop();
      await this.recorder.flush();
    }
  }

  private async decide(): Promise<ModeDecision> {
    const wanted = this.options.mode ?? 'auto';
    if (wanted === 'userspace') return { mode: 'userspace', reason: 'chosen in the configuration' };
    const local: ModeDecision =
      wanted === 'helper'
        ? { mode: 'userspace', reason: 'the helper container chosen in the configuration' }
        : await detectMode(this.options.gatewayIp ? { gatewayIp: this.options.gatewayIp } : {});
    const decided = local.mode === 'iptables' ? local : await this.throughHelper(local);
    if (wanted !== 'auto' && decided.mode !== 'iptables') {
      throw new Error(`kube-proxy cannot program the kernel: ${decided.reason}`);
    }
    return decided;
  }

  /** The kernel through the helper container, or `local` (userspace) saying why not. */
  private async throughHelper(local: ModeDecision): Promise<ModeDecision> {
    const helper = this.options.kernelHelper;
    if (!helper) return local;
    try {
      this.helperStarted = true;
      await helper.start();
      const decision = await detectMode({
        platform: 'linux',
        uid: 0, // the helper's
        run: helper.run,
        readText: async (path) => {
          const read = await helper.run('cat', [path]);
          if (read.code !== 0) throw new Error(read.stderr);
          return read.stdout;
        },
      });
      if (decision.mode === 'iptables') {
        const how = `programs it through a helper container on Docker's host network (${decision.variant})`;
        return { ...decision, viaHelper: true, reason: `${local.reason}; ${how}` };
      }
      await this.stopHelper();
      return { ...local, reason: `${local.reason}; the helper container cannot either: ${decision.reason}` };
    } catch (error) {
      await this.stopHelper().catch(() => {});
      return { ...local, reason: `${local.reason}; no helper container: ${(error as Error).message}` };
    }
  }

  private async stopHelper(): Promise<void> {
    if (!this.helperStarted) return;
    this.helperStarted = false;
    await this.options.kernelHelper?.stop();
  }

  private sync(key: string): Promise<ReconcileResult | void> {
    return key === NODE ? this.syncNode() : this.syncAll();
  }

  /** Bring the data path in line with the caches; see the class comment. */
  private async syncAll(): Promise<ReconcileResult | void> {
    const now = this.clock.now();
    const wait = this.lastSyncAt + this.minSyncIntervalMs - now;
    if (wait > 0) return { requeueAfterMs: wait };
    this.lastSyncAt = now;
    this.syncs++;
    const services = this.services.store.list();
    const ports = buildServiceMap(
      services,
      (key) => this.slices.store.byIndex(SLICES_BY_SERVICE, key),
      this.options.nodeName,
    );
    const full = now - this.lastFullSyncAt >= this.syncPeriodMs;
    if (this.iptables) await this.syncIptables(ports, full);
    // New endpoints are new pods: their bridge ports need hairpin mode to reach themselves.
    await this.hairpin?.enable();
    if (full) this.lastFullSyncAt = now;
    const failures = await this.hostPorts.reconcile(hostTargets(ports, services));
    this.reportFailures(failures, services);
    await this.syncLoadBalancers(services, failures);
    // Failed ports are tried again soon; otherwise a periodic full sync.
    return { requeueAfterMs: failures.length > 0 ? Math.min(5_000, this.syncPeriodMs) : this.syncPeriodMs };
  }

  /**
   * One `iptables-restore` when the rules changed (or on a full sync). The hooks into the built-in
   * chains are checked on full syncs only: a restore with `--noflush` never touches them, so only
   * someone else (a firewall reload) can take them away, and the next full sync puts them back.
   */
  private async syncIptables(ports: ProxyServicePort[], full: boolean): Promise<void> {
    const iptables = this.iptables!;
    const rendered = renderRules(
      ports,
      {
        ...(this.podCidr ? { podCidr: this.podCidr } : {}),
        masqueradeAll: this.decision?.bridgeNetfilter === false,
      },
      this.appliedChains,
    );
    if (rendered.text === this.appliedText && !full) return;
    await iptables.restore(rendered.text);
    this.appliedText = rendered.text;
    this.appliedChains = rendered.natChains;
    if (full) await iptables.ensureHooks();
  }

  /** A Warning event on the Service for each port the host could not open, once per problem. */
  private reportFailures(failures: HostPortFailure[], services: CoreV1.Service[]): void {
    for (const failure of failures) {
      const service = services.find((s) => ownerOf(s, failure.target.owner));
      if (!service) continue;
      const problem = describePortProblem(failure, this.host);
      const id = `${service.metadata?.uid ?? ''}\u0000${problem.message}`;
      if (this.reported.has(id)) continue;
      if (this.reported.size > 1000) this.reported.clear();
      this.reported.add(id);
      this.logger.warn('host port unavailable', { service: failure.target.owner, message: problem.message });
      this.recorder.event(
        { ...service, apiVersion: 'v1', kind: 'Service' },
        'Warning',
        problem.reason,
        problem.message,
      );
    }
  }

  /** Write `status.loadBalancer` where it should change (see load-balancer-status.ts). */
  private async syncLoadBalancers(services: CoreV1.Service[], failures: HostPortFailure[]): Promise<void> {
    const failed = new Set(
      failures.filter((f) => f.target.kind === 'LoadBalancer').map((f) => f.target.owner),
    );
    const client = this.client.resource(resources.services);
    for (const service of services) {
      const prefix = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
      const allOpen = ![...failed].some((owner) => owner === prefix || owner.startsWith(`${prefix}:`));
      const desired = desiredLoadBalancer(service, this.host, allOpen);
      if (!desired || sameLoadBalancer(service.status?.loadBalancer, desired)) continue;
      try {
        await client.updateStatus({ ...service, status: { ...service.status, loadBalancer: desired } });
      } catch (error) {
        if (!isStatus(error, 'NotFound')) throw error; // a conflict: the next sync reads the newer one
      }
    }
  }

  /** Annotate the node with the mode, so node info and the dashboard can show it. */
  private async syncNode(): Promise<ReconcileResult | void> {
    const decision = this.decision;
    if (!decision) return;
    try {
      const node = await this.client.resource(resources.nodes).get(this.options.nodeName);
      const annotations = node.metadata?.annotations ?? {};
      if (
        annotations[PROXY_MODE_ANNOTATION] === decision.mode &&
        annotations[PROXY_MODE_REASON_ANNOTATION] === decision.reason
      )
        return;
      await this.client.resource(resources.nodes).patch(this.options.nodeName, {
        metadata: {
          annotations: {
            [PROXY_MODE_ANNOTATION]: decision.mode,
            [PROXY_MODE_REASON_ANNOTATION]: decision.reason,
          },
        },
      });
    } catch (error) {
      if (isStatus(error, 'NotFound')) return { requeueAfterMs: 1_000 }; // the kubelet registers it soon
      throw error;
    }
  }
}

/**
 * The host ports the service map asks for: each NodePort, and each LoadBalancer port; oldest
 * Service first, so that of two Services wanting one port the older keeps it.
 */
function hostTargets(ports: ProxyServicePort[], services: CoreV1.Service[]): HostPortTarget[] {
  const created = new Map(
    services.map((s) => [
      `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`,
      s.metadata?.creationTimestamp ?? '',
    ]),
  );
  const age = (p: ProxyServicePort) => created.get(`${p.namespace}/${p.service}`) ?? '';
  const ordered = [...ports].sort((a, b) => age(a).localeCompare(age(b)));
  const targets: HostPortTarget[] = [];
  for (const port of ordered) {
    const common = {
      owner: port.name,
      protocol: port.protocol,
      endpoints: port.externalEndpoints,
      ...(port.affinitySeconds !== undefined ? { affinitySeconds: port.affinitySeconds } : {}),
    };
    if (port.nodePort) targets.push({ ...common, kind: 'NodePort', port: port.nodePort });
    if (port.loadBalancer) targets.push({ ...common, kind: 'LoadBalancer', port: port.port });
  }
  return targets;
}

function ownerOf(service: CoreV1.Service, owner: string): boolean {
  const prefix = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
  return owner === prefix || owner.startsWith(`${prefix}:`);
}
