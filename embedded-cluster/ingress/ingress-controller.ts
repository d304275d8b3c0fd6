import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext } from 'node:tls';
import {
  EventRecorder,
  InformerFactory,
  isStatus,
  objectKey,
  resources,
  runWorkers,
  WorkQueue,
  type Component,
  type DiscoveryV1,
  type Informer,
  type KubeClient,
  type NetworkingV1,
} from '../client/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { upstreamAddress, type BackendLookup } from './backends.js';
import { CLASS_NAME, defaultIngressClass, isServed } from './ingress-class.js';
import { describeFailure, listenOnFirstFree } from './listeners.js';
import { loadBalancerStatus, sameLoadBalancer } from './load-balancer-status.js';
import { UpstreamPools } from './proxy.js';
import { RequestRouter } from './request-router.js';
import { RoundRobin } from './round-robin.js';
import { RoutingTable } from './routing-table.js';
import { DEFAULT_CERTIFICATE, selfSignedCertificate } from './self-signed.js';
import { certificateOf, SecureContexts } from './tls-contexts.js';

/** Index of EndpointSlices by `namespace/service` (their `kubernetes.io/service-name` label). */
const SLICES_BY_SERVICE = 'ingress/slices-by-service';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** Work queue keys: the routing table, the pools' endpoints, and `status:<ns>/<name>` per Ingress. */
const ROUTES = 'routes';
const ENDPOINTS = 'endpoints';
const STATUS = 'status:';

export interface IngressControllerOptions {
  client: KubeClient;
  /** Shared informers (the cluster's); without them the controller lists and watches on its own. */
  informers?: InformerFactory;
  /** Events about Ingresses and the IngressClass (default: a recorder of its own). */
  recorder?: EventRecorder;
  clock?: Clock;
  logger?: Logger;
  /** A loopback address (default 127.0.0.1). */
  host?: string;
  /** Ports tried first (default 80 and 443), then the fallbacks (default 8080 and 8443); 0: any free port. */
  httpPort?: number;
  httpsPort?: number;
  fallbackHttpPort?: number;
  fallbackHttpsPort?: number;
}

/**
 * The ingress controller: an API client that serves the Ingresses of class `kubedesk` (and those
 * without a class, `kubedesk` being the default) over HTTP and HTTPS on 127.0.0.1, forwarding
 * straight to the ready pod endpoints of their Services. Informer handlers only enqueue; the
 * reconcile rebuilds the routing table from the caches, makes the TLS contexts, reports rule
 * conflicts and writes each served Ingress's `status.loadBalancer`. Requests read the current
 * table and caches (request-router.ts). See README.md.
 */
export class IngressController implements Component {
  readonly name = 'ingress-controller';
  private readonly client: KubeClient;
  private readonly informers: InformerFactory;
  private readonly ownInformers: boolean;
  private readonly recorder: EventRecorder;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly host: string;
  private readonly queue: WorkQueue<string>;
  private readonly classes: Informer<NetworkingV1.IngressClass>;
  private readonly ingresses: Informer<NetworkingV1.Ingress>;
  private readonly slices: Informer<DiscoveryV1.EndpointSlice>;
  private readonly pools = new UpstreamPools();
  private readonly contexts = new SecureContexts();
  private readonly sni = new Map<string, SecureContext>();
  private readonly reported = new Set<string>();
  private readonly upgraded = new Set<Duplex>();
  private table = new RoutingTable([]);
  private defaultContext: SecureContext | undefined;
  private http: HttpServer | undefined;
  private https: HttpsServer | undefined;
  private bound = { httpPort: 0, httpsPort: 0 };
  private portProblems: string[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly options: IngressControllerOptions) {
    this.client = options.client;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.host = options.host ?? '127.0.0.1';
    this.ownInformers = !options.informers;
    this.informers =
      options.informers ?? new InformerFactory(this.client, { clock: this.clock, logger: this.logger });
    this.recorder =
      options.recorder ??
      new EventRecorder(
        this.client,
        { component: 'kubedesk-ingress-controller' },
        { clock: this.clock, logger: this.logger },
      );
    this.queue = new WorkQueue({ clock: this.clock });
    this.classes = this.informers.for(resources.ingressClasses);
    this.ingresses = this.informers.for(resources.ingresses);
    this.slices = this.informers.for(resources.endpointSlices);
    this.slices.store.addIndex(SLICES_BY_SERVICE, (slice) => {
      const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      return service ? [`${slice.metadata?.namespace ?? ''}/${service}`] : [];
    });
    const routes = () => this.queue.add(ROUTES);
    this.classes.addHandler({ added: routes, updated: routes, deleted: routes });
    this.ingresses.addHandler({ added: routes, updated: routes, deleted: routes });
    const endpoints = () => this.queue.add(ENDPOINTS);
    this.slices.addHandler({ added: endpoints, updated: endpoints, deleted: endpoints });
    // A TLS Secret changing may change a certificate being served.
    const secretChanged = (secret: { type?: string }) => {
      if (secret.type === 'kubernetes.io/tls') routes();
    };
    this.informers
      .for(resources.secrets)
      .addHandler({ added: secretChanged, updated: (_, s) => secretChanged(s), deleted: secretChanged });
  }

  /** Where the controller listens, once {@link start} has resolved. */
  get ports(): { httpPort: number; httpsPort: number } {
    return { ...this.bound };
  }

  /** Bind the ports (see {@link ports}), sync the caches, ensure the IngressClass, start reconciling. */
  async start(): Promise<void> {
    // An RSA key takes a few hundred milliseconds to make: made while the ports are bound and the
    // caches sync, and in place before start() resolves (handshakes until then fail).
    const certificate = selfSignedCertificate({ ...DEFAULT_CERTIFICATE, now: this.clock.now() });
    certificate.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
    const lookup = this.lookup();
    const router = new RequestRouter({
      table: () => this.table,
      lookup,
      pools: this.pools,
      roundRobin: new RoundRobin(),
      httpsPort: () => this.bound.httpsPort,
      clock: this.clock,
    });
    this.http = createHttpServer((req, res) => router.handleRequest(req, res, 'http'));
    this.https = createHttpsServer(
      {
        SNICallback: (servername, callback) => callback(null, this.contextFor(servername)),
      },
      (req, res) => router.handleRequest(req, res, 'https'),
    );
    for (const [server, proto] of [
      [this.http, 'http'],
      [this.https, 'https'],
    ] as const) {
      server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
        this.upgraded.add(socket);
        socket.on('close', () => this.upgraded.delete(socket));
        router.handleUpgrade(req, socket, head, proto);
      });
      server.on('clientError', (_error, socket: Socket) => socket.destroy());
    }
    try {
      const http = await this.listen(
        this.http,
        'HTTP',
        this.options.httpPort ?? 80,
        this.options.fallbackHttpPort ?? 8080,
      );
      const https = await this.listen(
        this.https,
        'HTTPS',
        this.options.httpsPort ?? 443,
        this.options.fallbackHttpsPort ?? 8443,
      );
      this.bound = { httpPort: http, httpsPort: https };

      this.informers.start(); // idempotent: shared informers may be running already
      await this.informers.synced();
      const pair = await certificate;
      this.defaultContext = createSecureContext(pair);
      this.https.setSecureContext(pair);
      await this.ensureClass();
      this.queue.add(ROUTES);
      this.running = runWorkers(this.name, this.queue, (key) => this.sync(key), { logger: this.logger });
    } catch (error) {
      await this.stop(); // cluster.ts stops only what started: close the ports now
      throw error;
    }
    this.logger.info('ingress controller listening', { host: this.host, ...this.bound });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    for (const socket of this.upgraded) socket.destroy();
    await Promise.all(
      [this.http, this.https].map(
        (server) =>
          new Promise<void>((resolve) => {
            if (!server?.listening) return resolve();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    this.pools.destroy();
    if (this.ownInformers) this.informers.stop();
    await this.recorder.flush();
  }

  private async sync(key: string): Promise<void> {
    if (key === ROUTES) return this.syncRoutes();
    if (key === ENDPOINTS) return this.syncEndpoints();
    if (key.startsWith(STATUS)) return this.syncStatus(key.slice(STATUS.length));
  }

  /** Rebuild the routing table and the TLS contexts; report conflicts; queue status writes. */
  private syncRoutes(): void {
    const classes = this.classes.store.list();
    const all = this.ingresses.store.list();
    this.table = new RoutingTable(all.filter((ingress) => isServed(ingress, classes)));
    for (const conflict of this.table.conflicts) {
      const winner = objectKey(conflict.winner);
      const message = `rule for host "${conflict.host || '*'}" path "${conflict.path}" (${conflict.pathType}) is ignored: Ingress ${winner} has the same rule and is older`;
      this.reportOnce(conflict.loser, 'Warning', 'RuleConflict', message);
    }
    this.syncTls();
    for (const ingress of all) this.queue.add(STATUS + objectKey(ingress));
  }

  /** A secure context per TLS Secret the table uses; unusable Secrets reported on their Ingress. */
  private syncTls(): void {
    const secrets = this.informers.for(resources.secrets).store;
    const used = new Set<string>();
    this.sni.clear();
    for (const ingress of this.table.ingresses) {
      const namespace = ingress.metadata?.namespace ?? '';
      for (const entry of ingress.spec?.tls ?? []) {
        if (!entry.secretName) continue;
        const key = `${namespace}/${entry.secretName}`;
        used.add(key);
        const secret = secrets.get(key);
        const read = certificateOf(secret, entry.secretName);
        const context = read.ok ? this.contexts.for(key, secret!, read.pair) : new Error(read.reason);
        if (context instanceof Error) {
          const reason = read.ok
            ? `secret "${entry.secretName}" holds no usable certificate and key (${context.message})`
            : read.reason;
          this.reportOnce(
            ingress,
            'Warning',
            'BadTLSSecret',
            `${reason}; serving the default certificate instead`,
          );
        } else {
          this.sni.set(key, context);
        }
      }
    }
    this.contexts.retain(used);
  }

  /** The context for an SNI name: the Secret an Ingress gives for it, else the default certificate. */
  private contextFor(servername: string): SecureContext | undefined {
    const binding = this.table.tlsFor(servername.toLowerCase());
    const context =
      binding && this.sni.get(`${binding.ingress.metadata?.namespace ?? ''}/${binding.secretName}`);
    return context ?? this.defaultContext;
  }

  /** Close the connection pools of endpoints no slice lists any more. */
  private syncEndpoints(): void {
    const addresses = new Set<string>();
    for (const slice of this.slices.store.list()) {
      for (const port of slice.ports ?? []) {
        for (const endpoint of slice.endpoints ?? []) {
          for (const ip of endpoint.addresses)
            if (port.port !== undefined) addresses.add(upstreamAddress({ ip, port: port.port }));
        }
      }
    }
    this.pools.retain(addresses);
  }

  /** Set a served Ingress's `status.loadBalancer` to our address; clear ours from one no longer served. */
  private async syncStatus(key: string): Promise<void> {
    const ingress = this.ingresses.store.get(key);
    if (!ingress) return;
    const ours = loadBalancerStatus({ ip: this.host, ...this.bound });
    const current = ingress.status?.loadBalancer;
    const served = isServed(ingress, this.classes.store.list());
    const desired = served ? ours : sameLoadBalancer(current, ours) ? {} : undefined;
    if (served && this.portProblems.length > 0) {
      this.reportOnce(ingress, 'Warning', 'PortUnavailable', this.portProblems.join('; '));
    }
    if (!desired || sameLoadBalancer(current, desired)) return;
    try {
      await this.client
        .resource(resources.ingresses)
        .updateStatus({ ...ingress, status: { ...ingress.status, loadBalancer: desired } });
    } catch (error) {
      if (isStatus(error, 'NotFound')) return;
      throw error;
    }
  }

  private async listen(
    server: HttpServer | HttpsServer,
    what: string,
    port: number,
    fallback: number,
  ): Promise<number> {
    const { port: bound, failures } = await listenOnFirstFree(server, this.host, [port, fallback, 0]);
    if (failures.length > 0) {
      const problem = `${what} is served on ${this.host}:${bound} because ${failures.map(describeFailure).join(', and ')}`;
      this.portProblems.push(problem);
      this.logger.warn('ingress port unavailable', { what, failures, port: bound });
    }
    return bound;
  }

  /** Create the IngressClass `kubedesk` if missing (a user's edits to it are kept); report port trouble on it. */
  private async ensureClass(): Promise<void> {
    const client = this.client.resource(resources.ingressClasses);
    let ingressClass: NetworkingV1.IngressClass;
    try {
      ingressClass = await client.create(defaultIngressClass());
    } catch (error) {
      if (!isStatus(error, 'AlreadyExists')) throw error;
      ingressClass = await client.get(CLASS_NAME);
    }
    for (const problem of this.portProblems)
      this.recorder.event(ingressClass, 'Warning', 'PortUnavailable', problem);
  }

  private lookup(): BackendLookup {
    const services = this.informers.for(resources.services).store;
    return {
      service: (namespace, name) => services.getByName(namespace, name),
      slices: (namespace, name) => this.slices.store.byIndex(SLICES_BY_SERVICE, `${namespace}/${name}`),
    };
  }

  /** Record an event once per object version and message (reconciles repeat; events should not). */
  private reportOnce(ingress: NetworkingV1.Ingress, type: 'Warning', reason: string, message: string): void {
    const id = `${objectKey(ingress)}\u0000${ingress.metadata?.generation ?? ''}\u0000${reason}\u0000${message}`;
    if (this.reported.has(id)) return;
    if (this.reported.size > 1000) this.reported.clear();
    this.reported.add(id);
    this.recorder.event(
      { ...ingress, apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
      type,
      reason,
      message,
    );
  }
}
