import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NodeMetricsSource } from './api/node-metrics.js';
import type { NodeStreams } from './api/node-streams.js';
import { startApiServer } from './apiserver/api-server.js';
import { bearerTokenAuthenticator, ensureToken } from './apiserver/auth.js';
import {
  serviceAccountTokenAuthenticator,
  storeObjectLookup,
} from './apiserver/service-account-authenticator.js';
import { ensureServiceAccountKey } from './apiserver/service-account-tokens.js';
import { ensurePki } from './apiserver/tls.js';
import { httpTransport, InformerFactory, KubeClient, type Component } from './client/index.js';
import { ALL_CONTROLLERS, ControllerManager, type ControllerName } from './controllers/controller-manager.js';
import { ClusterDns } from './dns/cluster-dns.js';
import { IngressController } from './ingress/ingress-controller.js';
import { DockerRuntime } from './kubelet/docker/docker-runtime.js';
import { Kubelet } from './kubelet/kubelet.js';
import { KubeletMetrics } from './kubelet/metrics.js';
import { KubeletNodeStreams } from './kubelet/node-streams.js';
import { SimulatedNode } from './kubelet/simulated-node.js';
import { KubeProxy } from './proxy/kube-proxy.js';
import { Scheduler } from './scheduler/scheduler.js';
import { writeKubeconfig } from './kubeconfig.js';
import { DirLock } from './store/embedded/dir-lock.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { systemClock, type Clock } from './util/clock.js';
import { silentLogger, type Logger } from './util/logger.js';

/**
 * The embedded cluster, wired: `startCluster()` starts its components in order and `stop()` stops
 * them in reverse. The same function runs in `kubedesk serve`, in the desktop app and in tests.
 *
 * Data directory layout:
 *
 * | path         | what it is                                                              |
 * | ------------ | ----------------------------------------------------------------------- |
 * | `LOCK`       | the process using the directory (one at a time, whichever store backend) |
 * | `store/`     | the embedded store (absent with external etcd)                          |
 * | `pki/`       | `ca.crt`, `ca.key`, `apiserver.crt`, `apiserver.key`, `token`, `sa.key`, |
 * |              | `sa.pub` (0700)                                                         |
 * | `kubeconfig` | context `kubedesk` for kubectl (0600)                                   |
 */
export interface ClusterOptions {
  /** Where the cluster keeps its state; created (0700) if missing. */
  dataDir: string;
  /** The API server's port (default {@link DEFAULT_PORT}; 0 picks a free one). */
  port?: number;
  /** A loopback address (default 127.0.0.1): the cluster has one all-powerful user. */
  host?: string;
  /** Keep cluster state in this etcd cluster instead of `dataDir/store`. */
  etcdEndpoints?: string[];
  /**
   * What runs the node: `docker` (the kubelet, running pods as Docker containers), `simulated` (a
   * kubelet stand-in without processes, always labelled as such) or `none` (no node: the API
   * server and control plane only). Default `none`.
   */
  runtime?: 'docker' | 'simulated' | 'none';
  /** Docker's socket for the `docker` runtime (default `DOCKER_HOST`, else /var/run/docker.sock). */
  dockerSocket?: string;
  /** The node's name (default `kubedesk`). */
  nodeName?: string;
  /** The most pods the node takes (the kubelet's `--max-pods`, default 110). */
  maxPods?: number;
  /** Which controllers run (default all; `[]` for none). */
  controllers?: readonly ControllerName[];
  /** Run the scheduler (default true). */
  scheduler?: boolean;
  logger?: Logger;
  clock?: Clock;
  /** The streams (log, exec, attach, port-forward) of a node's pods, for the API server to reach. */
  nodeStreams?: (nodeName: string) => NodeStreams | undefined;
  /** A node's CPU and memory usage, served as `metrics.k8s.io` (a `docker` node's own is served anyway). */
  metricsSource?: (nodeName: string) => NodeMetricsSource | undefined;
  /**
   * The cluster DNS (dns/README.md). Default: on when a node runs pods (`runtime` docker or
   * simulated), off with `none` (API-only clusters, as many tests start, stay free of it); `{}`
   * turns it on anyway (`kubedesk serve` always has kube-dns), `false` off. `host`: by default
   * the Docker network's gateway with the `docker` runtime on Linux (where pods reach it), else
   * 127.0.0.1. `port`: by default 53 on the gateway when free and allowed, else (and on loopback)
   * any free port; kube-dns's service port stays 53 either way. `advertise`: the address in
   * kube-dns's EndpointSlice (default `host`). Its cluster IP, 10.96.0.10, is the kubelet's
   * `clusterDNS`.
   */
  dns?: false | { host?: string; port?: number; advertise?: string };
  /**
   * The ingress controller (ingress/README.md), on 127.0.0.1; off unless given (tests take no host
   * ports). Ports: 80 and 443 when free, else the fallbacks 8080 and 8443, else any; 0 for any.
   */
  ingress?:
    false | { httpPort?: number; httpsPort?: number; fallbackHttpPort?: number; fallbackHttpsPort?: number };
  /**
   * kube-proxy (proxy/README.md), with the docker runtime only (simulated pods have no real
   * addresses): `mode` 'auto' programs the kernel from this process when it can (root on Linux),
   * else through a helper container on Docker's host network (`helperImage`, default
   * rancher/klipper-lb), else falls back to userspace; 'helper' always uses the container. Off
   * unless given: its kernel rules are the host's, one set per machine, so test clusters running
   * side by side must not each program them; `kubedesk serve` turns it on.
   */
  proxy?: false | { mode?: 'auto' | 'iptables' | 'userspace' | 'helper'; helperImage?: string };
}

export interface RunningCluster {
  /** The API server, `https://127.0.0.1:<port>`. */
  url: string;
  /** `dataDir/kubeconfig`, written at start. */
  kubeconfigPath: string;
  /** The admin bearer token (also in the kubeconfig). */
  token: string;
  /** PEM of the CA that signed the API server's certificate. */
  caCert: string;
  store: Store;
  /** An in-process API client authenticated as the cluster admin (for tests and the app). */
  client: KubeClient;
  /** Where the cluster DNS answers (UDP and TCP), and kube-dns's cluster IP; absent when off. */
  dns?: { host: string; port: number; clusterIP: string };
  /** Where the ingress controller listens on 127.0.0.1; absent when off. */
  ingress?: { httpPort: number; httpsPort: number };
  /** Stop every component, in reverse start order; safe to call more than once. */
  stop(): Promise<void>;
}

/** The API server's port unless told otherwise: Kubernetes' secure port. */
export const DEFAULT_PORT = 6443;

/** Addresses the API server may listen on: loopback only (`localhost` means 127.0.0.1). */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1'];

/** Start the cluster in `options.dataDir`; on failure, whatever had started is stopped again. */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const host = options.host === undefined || options.host === 'localhost' ? '127.0.0.1' : options.host;
  if (!LOOPBACK_HOSTS.includes(host)) {
    throw new Error(
      `the API server listens on loopback only (${LOOPBACK_HOSTS.join(' or ')}), not ${host}: ` +
        'it has one user who may do everything, so it must not be reachable from the network',
    );
  }
  const port = options.port ?? DEFAULT_PORT;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const dataDir = resolve(options.dataDir);
  const pkiDir = join(dataDir, 'pki');
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const components = new Components(logger);

  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    // Locks the whole directory (PKI and kubeconfig too), whichever backend holds the state.
    const lock = await DirLock.acquire(dataDir);
    components.started('data directory lock', () => lock.release());

    const store = await openStore(
      options.etcdEndpoints?.length
        ? { etcdEndpoints: options.etcdEndpoints, clock, logger }
        : { dataDir: join(dataDir, 'store'), clock, logger },
    );
    components.started('store', () => store.close());

    const nodeName = options.nodeName ?? 'kubedesk';
    let kubeletStreams: NodeStreams | undefined;
    let kubeletMetrics: NodeMetricsSource | undefined;
    const pki = await ensurePki({ dir: pkiDir, clock, logger });
    const token = await ensureToken(pkiDir);
    const serviceAccountKey = await ensureServiceAccountKey(pkiDir, logger);

    const apiServer = await startApiServer({
      store,
      host,
      port,
      tls: pki.serving,
      authenticate: bearerTokenAuthenticator(
        token,
        serviceAccountTokenAuthenticator({
          key: serviceAccountKey,
          lookup: storeObjectLookup(store),
          clock,
          logger,
        }),
      ),
      serviceAccountKey,
      logger,
      clock,
      // The kubelet starts after the API server; until then its pods' streams are unavailable.
      nodeStreams: (name) => options.nodeStreams?.(name) ?? (name === nodeName ? kubeletStreams : undefined),
      // Only a Docker node has usage to report; elsewhere `kubectl top` finds no Metrics API.
      ...(options.runtime === 'docker' || options.metricsSource
        ? {
            metricsSource: (name: string) =>
              options.metricsSource?.(name) ?? (name === nodeName ? kubeletMetrics : undefined),
          }
        : {}),
    });
    components.started('API server', () => apiServer.close());
    const clientAs = (username: string, groups: string[] = []) =>
      new KubeClient(
        httpTransport({
          connect: () => apiServer.connect({ username, groups: [...groups, 'system:authenticated'] }),
        }),
      );
    const admin = clientAs('kubedesk-admin', ['system:masters']);
    components.started('admin client', async () => admin.close());

    // The control plane and the node: API clients like kube's own components, each with its own
    // identity, sharing one set of informers (one list and watch per resource for all of them).
    const controlPlaneClient = clientAs('system:kube-controller-manager');
    const informers = new InformerFactory(controlPlaneClient, { clock, logger });
    components.started('informers', async () => {
      informers.stop();
      controlPlaneClient.close();
    });
    const run = async (component: Component) => {
      await component.start();
      components.started(component.name, () => component.stop());
    };
    const controllerNames = options.controllers ?? ALL_CONTROLLERS;
    const controllerManager =
      controllerNames.length > 0
        ? new ControllerManager(
            { client: controlPlaneClient, informers, clock, logger, dataDir, caCert: pki.ca.cert },
            controllerNames,
          )
        : undefined;
    if (options.scheduler !== false) {
      await run(new Scheduler({ client: clientAs('system:kube-scheduler'), informers, clock, logger }));
    }
    if (controllerManager) await run(controllerManager);
    const runtimeName = options.runtime ?? 'none';
    const dockerRuntime =
      runtimeName === 'docker'
        ? new DockerRuntime({
            nodeName,
            logger,
            clock,
            ...(options.dockerSocket ? { socketPath: options.dockerSocket } : {}),
          })
        : undefined;

    // The cluster DNS, before the node: its address goes into every pod's resolv.conf.
    let dns: RunningCluster['dns'];
    const dnsOptions = options.dns ?? (runtimeName === 'none' ? false : {});
    if (dnsOptions) {
      const preferred = dnsOptions.host ?? (await dnsListenAddress(dockerRuntime, logger));
      const startDns = async (host: string) => {
        const clusterDns = new ClusterDns({
          client: clientAs('system:serviceaccount:kube-system:coredns'),
          informers,
          clock,
          logger,
          // Port 53 where pods look (it may be taken or need root: then any free port); on loopback, any.
          listen: { host, port: dnsOptions.port ?? (LOOPBACK_HOSTS.includes(host) ? 0 : 53) },
          ...(dnsOptions.port === undefined ? { fallbackPort: 0 } : {}),
          ...(dnsOptions.advertise ? { advertise: dnsOptions.advertise } : {}),
        });
        const { port, clusterIP } = await clusterDns.run();
        components.started(clusterDns.name, () => clusterDns.stop());
        dns = { host, port, clusterIP };
      };
      try {
        await startDns(preferred);
      } catch (error) {
        // The bridge's gateway is not an address of this network stack (rootless or remote Docker,
        // a network namespace of its own): loopback still serves the host and the dashboard.
        if (dnsOptions.host || (error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw error;
        logger.warn('cluster DNS on 127.0.0.1: the Docker network gateway is not an address here', {
          gateway: preferred,
        });
        await startDns('127.0.0.1');
      }
    }

    // The node, whichever runtime runs its pods: one identity, as a kubelet's client certificate.
    if (runtimeName !== 'none') {
      const node = {
        client: clientAs(`system:node:${nodeName}`, ['system:nodes']),
        informers,
        clock,
        logger,
        nodeName,
        host: nodeName,
        ...(options.maxPods !== undefined ? { maxPods: options.maxPods } : {}),
      };
      if (!dockerRuntime) await run(new SimulatedNode({ ...node, dataDir }));
      else {
        const kubelet = new Kubelet({
          ...node,
          dataDir: join(dataDir, 'kubelet'),
          runtime: dockerRuntime,
          runtimeName: 'docker',
          ...(dns ? { clusterDNS: dns.clusterIP } : {}),
        });
        await run(kubelet);
        kubeletStreams = new KubeletNodeStreams(dockerRuntime, clock, (pod) => kubelet.runtimeUidOf(pod));
        kubeletMetrics = new KubeletMetrics(dockerRuntime, clock);
      }
    }

    // Networking components after the node, stopped before it.
    if (options.proxy && dockerRuntime) {
      const podNetwork = await dockerRuntime.podNetwork();
      await run(
        new KubeProxy({
          client: clientAs('system:kube-proxy', ['system:node-proxier']),
          informers,
          clock,
          logger,
          nodeName,
          ...(podNetwork ? { podCidr: podNetwork.subnet, gatewayIp: podNetwork.gateway } : {}),
          ...(options.proxy.mode ? { mode: options.proxy.mode } : {}),
          kernelHelper: dockerRuntime.hostNetworkHelper(options.proxy.helperImage),
        }),
      );
    }
    let ingress: RunningCluster['ingress'];
    if (options.ingress) {
      const controller = new IngressController({
        client: clientAs('system:serviceaccount:kube-system:ingress-controller'),
        informers,
        clock,
        logger,
        ...options.ingress,
      });
      await run(controller);
      ingress = controller.ports;
    }

    await writeKubeconfig(kubeconfigPath, { server: apiServer.url, caCert: pki.ca.cert, token });
    logger.info('cluster started', { url: apiServer.url, kubeconfig: kubeconfigPath });
    return {
      url: apiServer.url,
      kubeconfigPath,
      token,
      caCert: pki.ca.cert,
      store,
      client: admin,
      ...(dns ? { dns } : {}),
      ...(ingress ? { ingress } : {}),
      stop: () => components.stopAll(),
    };
  } catch (error) {
    await components.stopAll().catch(() => {}); // logged; the error that stopped the start matters
    throw error;
  }
}

/**
 * Where the cluster DNS listens by default: on Linux with Docker, the `kubedesk` network's
 * gateway, the host's address on the bridge, which every pod reaches and nothing outside the host
 * does; elsewhere (Docker Desktop's gateway is inside its VM; tests; the simulated node) and when
 * Docker does not answer, 127.0.0.1. Never 0.0.0.0: that would be an open resolver.
 */
async function dnsListenAddress(runtime: DockerRuntime | undefined, logger: Logger): Promise<string> {
  if (!runtime || process.platform !== 'linux') return '127.0.0.1';
  try {
    const network = await runtime.podNetwork();
    if (!network) throw new Error('the Docker network has no IPv4 gateway');
    return network.gateway;
  } catch (error) {
    logger.warn('cluster DNS on 127.0.0.1: the Docker network gateway is unknown', {
      error: String(error),
    });
    return '127.0.0.1';
  }
}

/** The running components, stopped in reverse start order. */
class Components {
  private readonly running: { name: string; stop: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  started(name: string, stop: () => Promise<void>): void {
    this.running.push({ name, stop });
  }

  /** Stop each in reverse order, going on past failures; rejects with the first one. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      const failures: unknown[] = [];
      for (const component of this.running.reverse()) {
        try {
          await component.stop();
        } catch (error) {
          this.logger.error('failed to stop component', { component: component.name, error: String(error) });
          failures.push(error);
        }
      }
      if (failures.length > 0) throw failures[0];
    })();
    return this.stopping;
  }
}
