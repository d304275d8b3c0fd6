import { createServer, type Server } from 'node:https';
import { createServer as createPlainServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { ResourceType } from '../api/catalog.js';
import { errors, StatusError } from '../api/errors.js';
import {
  METRICS_GROUP,
  METRICS_RESOURCES,
  METRICS_VERSION,
  type NodeMetricsSource,
} from '../api/node-metrics.js';
import type { NodeStreams } from '../api/node-streams.js';
import type { Store } from '../store/store.js';
import { systemClock, type Clock } from '../util/clock.js';
import { duplexPair } from '../util/duplex-pair.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { bootstrap } from './bootstrap.js';
import { CrdController } from './crd/crd-controller.js';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregated,
} from './handlers/discovery.js';
import type { Endpoint, ServerParts } from './handlers/endpoint.js';
import { health } from './handlers/health.js';
import { serveMetrics } from './handlers/metrics.js';
import { OpenApiHandler } from './handlers/openapi.js';
import { notFound, serveResource } from './handlers/resource-router.js';
import { negotiate, sendJson, sendStatus } from './http-io.js';
import { LeaseReuse } from './lease-reuse.js';
import { createPipeline } from './pipeline.js';
import { Registry } from './registry/registry.js';
import { parseRequestInfo } from './request-info.js';
import { ResourceCatalog } from './resource-catalog.js';
import { ServedSchemas } from './served-schemas.js';
import type { ServiceAccountKey } from './service-account-tokens.js';
import { ServiceAllocator } from './service-allocator.js';
import { StreamingServer, upgradeAsRequest } from './streaming/streaming-server.js';

/**
 * Who made a request, as Kubernetes' user.Info: the local admin, or a service account by its token.
 * Everyone may do everything, for now.
 */
export interface UserInfo {
  username: string;
  /** A service account's uid. */
  uid?: string;
  groups: string[];
  /** More about the user, e.g. `authentication.kubernetes.io/pod-name` for a pod's token. */
  extra?: Record<string, string[]>;
}

export interface ApiServerConfig {
  store: Store;
  /** 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  tls: { key: string; cert: string };
  /** The user a request authenticates as, or undefined (→ 401). */
  authenticate(request: IncomingMessage): Promise<UserInfo | undefined> | UserInfo | undefined;
  /** Signs the tokens TokenRequest issues (`serviceaccounts/<name>/token`). */
  serviceAccountKey: ServiceAccountKey;
  logger?: Logger;
  clock?: Clock;
  /** How often watches with allowWatchBookmarks get a bookmark (default 60 s, as kube-apiserver). */
  bookmarkIntervalMs?: number;
  /**
   * The streams (log, exec, attach, port-forward) of the pods on a node, as kube-apiserver reaches
   * a kubelet; undefined for a node without them (a simulated node), and then those answer 503.
   */
  nodeStreams?: (nodeName: string) => NodeStreams | undefined;
  /**
   * The CPU and memory usage of a node and its pods, served as `metrics.k8s.io/v1beta1` (what
   * metrics-server adds to a cluster); without it the group is not served, and `kubectl top` says
   * "Metrics API not available" as on a cluster without metrics-server.
   */
  metricsSource?: (nodeName: string) => NodeMetricsSource | undefined;
}

export interface RunningApiServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The served resources (built-in and custom), for the dashboard and tests. */
  resources(): readonly ResourceType[];
  /**
   * An in-process connection that speaks HTTP/1.1 to the same request handler as the TLS port,
   * authenticated as `user`: what the cluster's own components use, so that authentication,
   * validation, admission and watch behave for them exactly as for kubectl, without TLS.
   */
  connect(user: UserInfo): Duplex;
  close(): Promise<void>;
}

/**
 * Start the Kubernetes API server over `config.store`: the only component
 * that touches the store. Everything else (kubectl, controllers, kubelet,
 * the dashboard) reaches the cluster through it.
 */
export async function startApiServer(config: ApiServerConfig): Promise<RunningApiServer> {
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? silentLogger;
  const registry = new Registry(config.store);
  const catalog = new ResourceCatalog();
  const schemas = new ServedSchemas();
  const openApi = new OpenApiHandler(catalog, schemas);
  const leases = new LeaseReuse(config.store, clock);
  const services = () => catalog.find('', 'v1', 'services')!;
  const allocator = new ServiceAllocator(registry, services);
  const parts: ServerParts = {
    store: config.store,
    registry,
    clock,
    logger,
    pipeline: createPipeline({
      registry,
      allocator,
      resources: () => catalog.all(),
      definitions: () => schemas.definitions,
      crd: (name) => schemas.crd(name),
    }),
    resources: () => catalog.all(),
    eventLease: () => leases.lease(),
    bookmarkIntervalMs: config.bookmarkIntervalMs ?? 60_000,
    exclusive: (type, write) => (type === services() ? allocator.serialise(write) : write()),
    serviceAccountKey: config.serviceAccountKey,
  };
  await bootstrap(parts);
  const crds = new CrdController({
    registry,
    store: config.store,
    catalog,
    clock,
    logger,
    crdType: catalog.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!,
    onChange: (crd, name) => (crd ? schemas.setCrd(name, crd) : schemas.removeCrd(name)),
  });
  await crds.start();
  const streaming = new StreamingServer(config.nodeStreams);

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof StatusError ? error : errors.internal(String(error));
      if (status.code >= 500) logger.error('request failed', { path: request.url, error: String(error) });
      sendStatus(response, status);
    });
  };
  const server: Server = createServer({ key: config.tls.key, cert: config.tls.cert }, onRequest);
  // Watches are long-lived; the server must not time them out.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  // Never listens: in-process connections are handed to it one by one.
  const inProcess = createPlainServer({ keepAliveTimeout: 0 }, onRequest);
  inProcess.requestTimeout = 0;
  inProcess.headersTimeout = 0;
  // Upgrades (exec, attach and port-forward over WebSocket or SPDY) go through the same
  // authentication and routing as other requests; a streaming handler then takes the socket.
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    onRequest(request, upgradeAsRequest(request, socket, head));
  server.on('upgrade', onUpgrade);
  inProcess.on('upgrade', onUpgrade);
  const inProcessUsers = new WeakMap<object, UserInfo>();
  const inProcessSockets = new Set<Duplex>();

  let serverAddress = '';
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const user = inProcessUsers.get(request.socket) ?? (await config.authenticate(request));
    if (!user) throw errors.unauthorized();
    let url: URL;
    try {
      url = new URL(`https://localhost${request.url ?? '/'}`);
    } catch {
      throw errors.badRequest(`malformed request URL: ${(request.url ?? '').slice(0, 200)}`);
    }
    const info = parseRequestInfo(request.method ?? 'GET', url.pathname, url.searchParams);
    const accept = request.headers.accept;
    if (info.kind === 'nonresource') {
      const path = url.pathname.replace(/\/+$/, '') || '/';
      if (
        path === '/healthz' ||
        path === '/livez' ||
        path === '/readyz' ||
        /^\/(healthz|livez|readyz)\//.test(path)
      ) {
        return health(path, url.searchParams, config.store, response);
      }
      if (path.startsWith('/openapi/')) return openApi.serve(path, url.searchParams, request, response);
      const body = discovery(path, accept, serverAddress);
      if (body === undefined) throw notFound();
      const aggregated = wantsAggregated(accept);
      const headers: Record<string, string> =
        aggregated && (path === '/api' || path === '/apis')
          ? {
              'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`,
            }
          : {};
      sendJson(response, 200, body, headers);
      return;
    }
    if (config.metricsSource && info.group === METRICS_GROUP && info.version === METRICS_VERSION) {
      const query = url.searchParams;
      return serveMetrics({ info, query, response, parts, now: clock.now(), source: config.metricsSource });
    }
    const type = catalog.find(info.group, info.version, info.resource);
    if (!type) throw notFound();
    const endpoint: Endpoint = {
      request,
      response,
      query: url.searchParams,
      info,
      type,
      negotiated: negotiate(accept),
      user,
      now: clock.now(),
      parts,
    };
    await serveResource(endpoint, streaming);
  }

  function discovery(path: string, accept: string | undefined, address: string): unknown {
    // The Metrics API is computed, not stored: discovery lists it, the catalog does not hold it.
    const resources = config.metricsSource ? [...catalog.all(), ...METRICS_RESOURCES] : catalog.all();
    const aggregated = wantsAggregated(accept);
    if (path === '/version') return versionInfo();
    if (path === '/api')
      return aggregated ? aggregatedDiscovery(resources, 'api', aggregated) : apiVersions(address);
    if (path === '/apis')
      return aggregated ? aggregatedDiscovery(resources, 'apis', aggregated) : apiGroupList(resources);
    const core = /^\/api\/([^/]+)$/.exec(path);
    if (core) return apiResourceList(resources, '', core[1]!);
    const group = /^\/apis\/([^/]+)$/.exec(path);
    if (group) return apiGroup(resources, group[1]!);
    const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (groupVersion) return apiResourceList(resources, groupVersion[1]!, groupVersion[2]!);
    return undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host ?? '127.0.0.1';
  serverAddress = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  logger.info('API server listening', { url: `https://${serverAddress}` });

  return {
    url: `https://${serverAddress}`,
    resources: () => catalog.all(),
    connect: (user) => {
      const [clientSide, serverSide] = duplexPair();
      inProcessUsers.set(serverSide, user);
      inProcessSockets.add(serverSide);
      serverSide.once('close', () => inProcessSockets.delete(serverSide));
      inProcess.emit('connection', serverSide);
      return clientSide;
    },
    close: async () => {
      for (const socket of inProcessSockets) socket.destroy();
      // Streams hold their sockets outside the HTTP server's reach: end them first.
      streaming.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      crds.stop();
      leases.stop();
    },
  };
}
