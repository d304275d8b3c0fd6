import { readFile } from 'node:fs/promises';
import { parseResolvConf } from '../api/pod-dns.js';
import { InformerFactory, resources, type Component, type KubeClient } from '../client/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { DnsIndex } from './dns-index.js';
import { Forwarder, parseUpstream, type Upstream } from './forwarder.js';
import { DEFAULT_DNS_CLUSTER_IP, KUBE_DNS, KubeDnsService } from './kube-dns-service.js';
import { DEFAULT_TTL } from './records.js';
import { Responder } from './responder.js';
import { DnsServer, type DnsHandler } from './server.js';

export interface ClusterDnsConfig {
  /** The API client it reads Services, EndpointSlices and Namespaces with, and writes kube-dns with. */
  client: KubeClient;
  /** Shared informers (the cluster's); without them it lists and watches on its own. */
  informers?: InformerFactory;
  clock?: Clock;
  logger?: Logger;
  /** Where to answer, UDP and TCP alike; port 0 picks a free one. */
  listen: { host: string; port: number };
  /**
   * The port tried when `listen.port` is taken or not allowed (port 53 without the right to bind
   * it); 0 picks a free one. Without it such a failure fails the start.
   */
  fallbackPort?: number;
  /** The address published as kube-dns's endpoint (default `listen.host`). */
  advertise?: string;
  /** Resolvers for names outside the cluster, `ip` or `ip:port` (default: the host's resolv.conf). */
  upstream?: string[];
  /** The host's resolv.conf, read when `upstream` is not given (default `/etc/resolv.conf`). */
  resolvConfPath?: string;
  /** How long one upstream has to answer (default 2 s). */
  upstreamTimeoutMs?: number;
  /** The cluster domain (default `cluster.local`). */
  domain?: string;
  /** The kube-dns Service's cluster IP (default 10.96.0.10). */
  clusterIP?: string;
}

/** What {@link ClusterDns.start} found out: where pods reach the DNS. */
export interface ClusterDnsAddress {
  /** The port the server answers on (UDP and TCP). */
  port: number;
  /** The kube-dns Service's cluster IP: the nameserver to give pods. */
  clusterIP: string;
}

/**
 * The cluster DNS: an API client, like CoreDNS with the `kubernetes` plugin as kubeadm deploys it,
 * answering `cluster.local` from informers (see records.ts) and forwarding everything else to the
 * host's resolvers, over UDP and TCP on one port. It keeps the `kube-dns` Service and its
 * EndpointSlice pointing at itself, so pods reach it through the service IP.
 */
export class ClusterDns implements Component {
  readonly name = 'cluster-dns';
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly informers: InformerFactory;
  private readonly ownInformers: boolean;
  private readonly index: DnsIndex;
  private server: DnsServer | undefined;
  private forwarder: Forwarder | undefined;
  private kubeDns: KubeDnsService | undefined;
  private address: ClusterDnsAddress | undefined;

  constructor(private readonly config: ClusterDnsConfig) {
    this.clock = config.clock ?? systemClock;
    this.logger = config.logger ?? silentLogger;
    this.ownInformers = !config.informers;
    this.informers =
      config.informers ?? new InformerFactory(config.client, { clock: this.clock, logger: this.logger });
    this.index = new DnsIndex(
      {
        services: this.informers.for(resources.services),
        slices: this.informers.for(resources.endpointSlices),
        namespaces: this.informers.for(resources.namespaces),
      },
      this.clock,
    );
  }

  /** Where it answers, once started. */
  get listening(): ClusterDnsAddress | undefined {
    return this.address;
  }

  /** Sync the caches, bind the sockets, then make sure kube-dns points here. */
  async start(): Promise<void> {
    await this.run();
  }

  /** {@link start}, answering where pods reach the DNS; on failure whatever it bound is closed. */
  async run(): Promise<ClusterDnsAddress> {
    try {
      return await this.startServing();
    } catch (error) {
      await this.stop().catch(() => {}); // the cluster stops only what started: free the port now
      throw error;
    }
  }

  private async startServing(): Promise<ClusterDnsAddress> {
    const domain = this.config.domain ?? 'cluster.local';
    this.informers.start();
    await this.index.synced();

    const upstreams = await this.upstreams();
    if (upstreams.length === 0)
      this.logger.warn('no upstream resolvers: names outside the cluster will fail');
    this.forwarder = new Forwarder({
      upstreams,
      clock: this.clock,
      logger: this.logger,
      ...(this.config.upstreamTimeoutMs ? { attemptTimeoutMs: this.config.upstreamTimeoutMs } : {}),
    });
    const responder = new Responder(
      this.index,
      this.forwarder,
      { domain, ttl: DEFAULT_TTL, dnsService: KUBE_DNS },
      this.logger,
    );
    const port = await this.listen((message, transport) => responder.respond(message, transport));

    this.kubeDns = new KubeDnsService({
      client: this.config.client,
      services: this.informers.for(resources.services),
      slices: this.informers.for(resources.endpointSlices),
      clock: this.clock,
      logger: this.logger,
      clusterIP: this.config.clusterIP ?? DEFAULT_DNS_CLUSTER_IP,
      address: this.config.advertise ?? this.config.listen.host,
      port,
    });
    await this.kubeDns.start();
    this.address = {
      port,
      clusterIP: this.kubeDns.clusterIP() ?? this.config.clusterIP ?? DEFAULT_DNS_CLUSTER_IP,
    };
    this.logger.info('cluster DNS listening', { host: this.config.listen.host, ...this.address, upstreams });
    return this.address;
  }

  async stop(): Promise<void> {
    await this.kubeDns?.stop();
    await this.server?.close();
    this.forwarder?.close();
    if (this.ownInformers) this.informers.stop();
  }

  /** Bind `listen`, else `fallbackPort` when the first port is taken or not allowed. */
  private async listen(handle: DnsHandler): Promise<number> {
    const { host, port } = this.config.listen;
    const fallback = this.config.fallbackPort;
    this.server = new DnsServer({ host, port, handle, logger: this.logger });
    try {
      return await this.server.listen();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (fallback === undefined || fallback === port || (code !== 'EADDRINUSE' && code !== 'EACCES')) {
        throw error;
      }
      this.server = new DnsServer({ host, port: fallback, handle, logger: this.logger });
      const bound = await this.server.listen();
      this.logger.info('cluster DNS port unavailable; using another', {
        host,
        wanted: port,
        port: bound,
        reason: code,
      });
      return bound;
    }
  }

  /** The configured upstreams, or the host's nameservers, without the server's own address. */
  private async upstreams(): Promise<Upstream[]> {
    let list = this.config.upstream;
    if (!list) {
      const path = this.config.resolvConfPath ?? '/etc/resolv.conf';
      try {
        list = parseResolvConf(await readFile(path, 'utf8')).nameservers;
      } catch (error) {
        this.logger.warn('cannot read the host resolv.conf', { path, error: String(error) });
        list = [];
      }
    }
    const { host, port } = this.config.listen;
    // Forwarding to ourselves would loop (CoreDNS's `loop` plugin guards the same).
    return list.map(parseUpstream).filter((u) => !(u.host === host && u.port === port));
  }
}
