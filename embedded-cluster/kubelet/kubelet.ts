import { hostname } from 'node:os';
import {
  Informer,
  isStatus,
  objectKey,
  recorderFor,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type ComponentContext,
  type CoreV1,
  type EventRecorder,
  type ReconcileResult,
  type ResourceClient,
} from '../client/index.js';
import type { PodDnsEnvironment } from '../api/pod-dns.js';
import { NodeAgent } from './node-agent.js';
import { Backoff } from './pods/backoff.js';
import type { ConfigSource } from './pods/env.js';
import { isMirrorPod, runtimeUid } from './pods/pod-uid.js';
import { readHostResolvConf } from './pods/dns.js';
import { PodWorkers } from './pods/pod-worker.js';
import { ProbeManager } from './pods/probes.js';
import { StaticPods } from './pods/static-pods.js';
import { VolumeManager, type VolumeSource } from './pods/volumes.js';
import {
  RUNTIME_LABELS,
  RuntimeUnavailableError,
  type ContainerRuntime,
} from './runtime/container-runtime.js';

export interface KubeletConfig extends ComponentContext {
  nodeName: string;
  /** The kubelet's root: `pods/<uid>/volumes/…` and `manifests/` (static pods) live here. */
  dataDir: string;
  runtime: ContainerRuntime;
  /** The scheme of container IDs and of `containerRuntimeVersion` (default `docker`). */
  runtimeName?: string;
  /**
   * The cluster DNS server pods with `dnsPolicy: ClusterFirst` use (the kubelet's `--cluster-dns`);
   * without it they get the node's resolvers.
   */
  clusterDNS?: string;
  /** The kubelet's `--cluster-domain` (default `cluster.local`). */
  clusterDomain?: string;
  /**
   * The node's resolv.conf (the kubelet's `--resolv-conf`), read once at start: default
   * systemd-resolved's `/run/systemd/resolve/resolv.conf` when present, else `/etc/resolv.conf`;
   * "" for none.
   */
  resolvConf?: string;
  nodeIP?: string;
  maxPods?: number;
  podCIDR?: string;
  /**
   * Pods synced at once (default 64). The real kubelet has a goroutine per pod; a pod waiting out
   * its termination grace period holds one of these, so a small pool would stall every other pod
   * behind a few slow deletions.
   */
  workers?: number;
  /**
   * Stop the node's containers when the kubelet stops, as a graceful node shutdown (default true).
   * False leaves them running, as a crashed kubelet would, for the next one to adopt.
   */
  stopContainersOnStop?: boolean;
}

/** The longest a container may take to stop when the kubelet itself stops. */
const SHUTDOWN_GRACE_SECONDS = 10;

/**
 * The kubelet: its node half ({@link NodeAgent}: registration, status, Lease) plus the pods bound
 * to its node, run on a {@link ContainerRuntime}. It watches only its own pods (a field
 * selector, so it never caches the cluster), syncs each through {@link PodWorkers} from a work
 * queue fed by the pod informer, the runtime's events (a container died or was OOM-killed),
 * probe results and changes to the ConfigMaps and Secrets pods use; it adopts containers already
 * running at start (by their labels) and removes those of pods that are gone. Static pods come
 * from `<dataDir>/manifests` ({@link StaticPods}).
 */
export class Kubelet implements Component {
  readonly name = 'kubelet';
  private readonly queue: WorkQueue<string>;
  readonly pods: Informer<CoreV1.Pod>;
  private readonly configMaps: Informer<CoreV1.ConfigMap>;
  private readonly secrets: Informer<CoreV1.Secret>;
  private readonly podClient: ResourceClient<CoreV1.Pod>;
  private readonly workers: PodWorkers;
  private readonly probes: ProbeManager;
  private readonly staticPods: StaticPods;
  private agent: NodeAgent | undefined;
  /** The uid last seen under each pod key, to clean up after pods that are gone. */
  private readonly uids = new Map<string, string>();
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private runtimeDown: string | undefined;
  private runtimeVersion = 'unknown';
  /** What pods' DNS settings are made from; the node's resolv.conf is filled in at start. */
  private dns: PodDnsEnvironment;

  constructor(private readonly config: KubeletConfig) {
    const { client, clock, logger, nodeName } = config;
    this.dns = {
      clusterDNS: config.clusterDNS ? [config.clusterDNS] : [],
      clusterDomain: config.clusterDomain ?? 'cluster.local',
      hostResolvConf: undefined,
    };
    this.queue = new WorkQueue({ clock, maxDelayMs: 30_000 });
    this.podClient = client.resource(resources.pods);
    this.pods = new Informer(this.podClient, { fieldSelector: `spec.nodeName=${nodeName}`, clock, logger });
    this.configMaps = config.informers.for(resources.configMaps);
    this.secrets = config.informers.for(resources.secrets);
    const events = recorderFor({ ...config, host: nodeName }, 'kubelet');
    // Objects from a list carry no kind; an event's involvedObject needs one.
    const recorder: Pick<EventRecorder, 'event'> = {
      event: (object, type, reason, message, fieldPath) =>
        events.event({ apiVersion: 'v1', kind: 'Pod', ...object }, type, reason, message, fieldPath),
    };
    const enqueueKey = (key: string) => this.queue.add(key);
    this.probes = new ProbeManager({ clock, runtime: config.runtime, recorder, onChange: enqueueKey });
    const source = this.volumeSource();
    this.workers = new PodWorkers({
      nodeName,
      runtime: config.runtime,
      runtimeName: () => config.runtimeName ?? 'docker',
      hostIP: () => this.agent?.address ?? config.nodeIP ?? '127.0.0.1',
      clock,
      logger,
      recorder,
      pods: this.podClient,
      volumes: new VolumeManager(config.dataDir, source, clock),
      configSource: source,
      probes: this.probes,
      backoff: new Backoff(clock),
      pullFailures: new Map(),
      dns: () => this.dns,
    });
    this.staticPods = new StaticPods({ ...config, pods: this.pods, podClient: this.podClient });
    this.pods.addHandler({
      added: (pod) => this.queue.add(objectKey(pod)),
      updated: (_old, pod) => this.queue.add(objectKey(pod)),
      deleted: (pod) => {
        this.queue.add(objectKey(pod));
        this.staticPods.mirrorDeleted(pod);
      },
    });
    // A changed ConfigMap or Secret: its volumes are rewritten and waiting containers retried.
    const dependents = (kind: 'configMap' | 'secret') => (object: CoreV1.ConfigMap | CoreV1.Secret) => {
      const ns = object.metadata?.namespace;
      const name = object.metadata?.name;
      for (const pod of this.pods.store.list()) {
        if (pod.metadata?.namespace === ns && uses(pod, kind, name ?? '')) this.queue.add(objectKey(pod));
      }
    };
    this.configMaps.addHandler({
      added: dependents('configMap'),
      updated: (_o, n) => dependents('configMap')(n),
    });
    this.secrets.addHandler({ added: dependents('secret'), updated: (_o, n) => dependents('secret')(n) });
  }

  async start(): Promise<void> {
    const { runtime, logger } = this.config;
    try {
      this.runtimeVersion = (await runtime.version()).version;
    } catch (error) {
      this.runtimeDown = runtimeMessage(error);
    }
    this.agent = new NodeAgent({
      ...this.config,
      ...(this.config.podCIDR ? { podCIDR: this.config.podCIDR } : {}),
      identity: {
        containerRuntimeVersion: `${this.config.runtimeName ?? 'docker'}://${this.runtimeVersion}`,
        osImage: `Kubedesk on ${hostname()}`,
      },
      notReadyReason: () => this.checkRuntime(),
    });
    await this.agent.start();
    this.dns = { ...this.dns, hostResolvConf: await readHostResolvConf(this.config.resolvConf, logger) };
    this.config.informers.start();
    this.pods.start();
    await Promise.all([this.pods.synced(), this.configMaps.synced(), this.secrets.synced()]);
    for (const pod of this.pods.store.list()) this.uids.set(objectKey(pod), runtimeUid(pod));
    await this.removeOrphans().catch((error: unknown) =>
      logger.warn('could not list containers to adopt', { error: String(error) }),
    );
    void this.watchRuntime();
    await this.staticPods.start();
    this.running = runWorkers(this.name, this.queue, (key) => this.sync(key), {
      workers: this.config.workers ?? 64,
      logger,
    });
  }

  /**
   * The uid this kubelet runs the API pod `namespace/pod` (API uid `podUid`) under: a mirror
   * pod's containers are its static pod's ({@link runtimeUid}); any other pod's, its own.
   */
  runtimeUidOf(ref: { namespace: string; pod: string; podUid: string }): string {
    const pod = this.pods.store.getByName(ref.namespace, ref.pod);
    return pod?.metadata?.uid === ref.podUid ? runtimeUid(pod) : ref.podUid;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.staticPods.stop();
    this.probes.stopAll();
    this.queue.shutDown();
    this.pods.stop();
    await this.agent?.stop();
    await this.running;
    if (this.config.stopContainersOnStop !== false) await this.shutDownContainers();
  }

  /**
   * Stop every container as a node shutting down gracefully does (GracefulNodeShutdown): each gets
   * its pod's grace period, capped at {@link SHUTDOWN_GRACE_SECONDS} so quitting the app stays quick,
   * then the sandboxes go. The pods stay in the API; the next start runs their containers again,
   * as after a node reboot.
   */
  private async shutDownContainers(): Promise<void> {
    const { runtime, logger } = this.config;
    try {
      const graceOf = new Map<string, number>();
      for (const pod of this.pods.store.list()) {
        graceOf.set(runtimeUid(pod), pod.spec?.terminationGracePeriodSeconds ?? 30);
      }
      const running = (await runtime.listContainers()).filter((c) => c.state === 'running');
      await Promise.all(
        running.map((c) =>
          runtime
            .stopContainer(c.id, Math.min(graceOf.get(c.podUid) ?? 30, SHUTDOWN_GRACE_SECONDS))
            .catch((error: unknown) =>
              logger.warn('could not stop container', { id: c.id, error: String(error) }),
            ),
        ),
      );
      const sandboxes = await runtime.listSandboxes();
      await Promise.all(sandboxes.map((sandbox) => runtime.stopSandbox(sandbox.id).catch(() => {})));
    } catch (error) {
      logger.warn('could not stop the node’s containers', { error: String(error) });
    }
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const pod = this.pods.store.get(key);
    const known = this.uids.get(key);
    const uid = pod ? runtimeUid(pod) : undefined;
    // A static pod whose mirror is being replaced keeps running (its manifest still wants it).
    if (known && known !== uid && !this.staticPods.wants(known)) {
      // The pod is gone from the API (force-deleted) or replaced by a new one of the same name.
      await this.workers.cleanUp(known);
      this.uids.delete(key);
    }
    if (!pod || !uid) return;
    this.uids.set(key, uid);
    if (isMirrorPod(pod) && pod.metadata?.deletionTimestamp && this.staticPods.wants(uid)) {
      // A mirror pod deleted through the API while its manifest stays: as the real kubelet, drop
      // the mirror at once and let a new one be made; the static pod's containers run on.
      await this.podClient
        .delete(pod.metadata.name!, {
          namespace: pod.metadata.namespace!,
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid! },
        })
        .catch((error: unknown) =>
          isStatus(error, 'NotFound') || isStatus(error, 'Conflict') ? undefined : Promise.reject(error),
        );
      return;
    }
    try {
      const result = await this.workers.sync(pod);
      this.runtimeRecovered();
      return result;
    } catch (error) {
      if (error instanceof RuntimeUnavailableError) this.runtimeFailed(error);
      if (isStatus(error, 'NotFound')) return;
      throw error;
    }
  }

  /** Containers and sandboxes the runtime has for this node whose pods are gone: removed. */
  private async removeOrphans(): Promise<void> {
    const live = new Set(this.pods.store.list().map((p) => runtimeUid(p)));
    const mine = (labels: Record<string, string>) =>
      labels[RUNTIME_LABELS.managedBy] === this.config.nodeName;
    const { runtime } = this.config;
    const orphans = new Set<string>();
    for (const c of await runtime.listContainers())
      if (mine(c.labels) && !live.has(c.podUid)) orphans.add(c.podUid);
    for (const s of await runtime.listSandboxes())
      if (mine(s.labels) && !live.has(s.podUid)) orphans.add(s.podUid);
    for (const uid of orphans) {
      this.config.logger.info('removing containers of a pod that is gone', { uid });
      await this.workers.cleanUp(uid);
    }
  }

  /** Follow the runtime's events: a container that started, died or was OOM-killed syncs its pod. */
  private async watchRuntime(): Promise<void> {
    const { runtime, clock, logger, nodeName } = this.config;
    const signal = this.abort.signal;
    let delay = 1000;
    while (!signal.aborted) {
      try {
        // Whatever happened while not listening is caught up by syncing every pod.
        for (const pod of this.pods.store.list()) this.queue.add(objectKey(pod));
        for await (const event of runtime.events(signal)) {
          delay = 1000;
          this.runtimeRecovered();
          const labels = event.labels;
          if (labels[RUNTIME_LABELS.managedBy] !== nodeName) continue;
          const ns = labels[RUNTIME_LABELS.podNamespace];
          const name = labels[RUNTIME_LABELS.podName];
          if (ns && name) this.queue.add(`${ns}/${name}`);
        }
      } catch (error) {
        if (signal.aborted) return;
        logger.warn('runtime event stream failed; retrying', { error: String(error) });
        if (error instanceof RuntimeUnavailableError) this.runtimeFailed(error);
      }
      if (signal.aborted) return;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, delay).unref?.());
      delay = Math.min(delay * 2, 30_000);
    }
  }

  private async checkRuntime(): Promise<string | undefined> {
    try {
      const { version } = await this.config.runtime.version();
      this.runtimeVersion = version;
      this.runtimeDown = undefined;
    } catch (error) {
      this.runtimeDown = runtimeMessage(error);
    }
    return this.runtimeDown;
  }

  private runtimeFailed(error: Error): void {
    const message = runtimeMessage(error);
    if (message === this.runtimeDown) return;
    this.runtimeDown = message;
    this.agent?.refresh();
  }

  private runtimeRecovered(): void {
    if (this.runtimeDown === undefined) return;
    this.runtimeDown = undefined;
    this.agent?.refresh();
  }

  /** ConfigMaps and Secrets from the informers' caches (the API when not cached yet), PVCs and tokens from the API. */
  private volumeSource(): VolumeSource & ConfigSource {
    const { client } = this.config;
    const getOrUndefined = <T>(promise: Promise<T>) =>
      promise.catch((e: unknown) => (isStatus(e, 'NotFound') ? undefined : Promise.reject(e)));
    const fromCache = async <T extends CoreV1.ConfigMap | CoreV1.Secret>(
      informer: Informer<T>,
      get: () => Promise<T>,
      namespace: string,
      name: string,
    ): Promise<T | undefined> => {
      const cached = informer.store.getByName(namespace, name);
      if (cached || informer.hasSynced) return cached;
      return getOrUndefined(get());
    };
    return {
      configMap: (ns, name) =>
        fromCache(this.configMaps, () => client.resource(resources.configMaps).get(name, ns), ns, name),
      secret: (ns, name) =>
        fromCache(this.secrets, () => client.resource(resources.secrets).get(name, ns), ns, name),
      persistentVolumeClaim: (ns, name) =>
        getOrUndefined(client.resource(resources.persistentVolumeClaims).get(name, ns)),
      persistentVolume: (name) => getOrUndefined(client.resource(resources.persistentVolumes).get(name)),
      serviceAccountToken: async (ns, sa, audience, expirationSeconds, pod) => {
        const response = await client
          .resource(resources.serviceAccounts)
          .createSubresource<{ status?: { token?: string } }>(
            sa,
            'token',
            {
              apiVersion: 'authentication.k8s.io/v1',
              kind: 'TokenRequest',
              spec: {
                ...(audience ? { audiences: [audience] } : {}),
                expirationSeconds,
                boundObjectRef: {
                  apiVersion: 'v1',
                  kind: 'Pod',
                  name: pod.metadata!.name,
                  uid: pod.metadata!.uid,
                },
              },
            },
            ns,
          );
        return response.status?.token ?? '';
      },
    };
  }
}

/** Whether `pod` uses the ConfigMap or Secret `name` (env, envFrom or a volume). */
function uses(pod: CoreV1.Pod, kind: 'configMap' | 'secret', name: string): boolean {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      const ref = kind === 'configMap' ? e.valueFrom?.configMapKeyRef : e.valueFrom?.secretKeyRef;
      if (ref?.name === name) return true;
    }
    for (const f of c.envFrom ?? [])
      if ((kind === 'configMap' ? f.configMapRef : f.secretRef)?.name === name) return true;
  }
  for (const v of pod.spec?.volumes ?? []) {
    if (kind === 'configMap' && v.configMap?.name === name) return true;
    if (kind === 'secret' && v.secret?.secretName === name) return true;
    for (const s of v.projected?.sources ?? []) {
      if ((kind === 'configMap' ? s.configMap : s.secret)?.name === name) return true;
    }
  }
  return false;
}

function runtimeMessage(error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  return `container runtime is down: ${why}`;
}
