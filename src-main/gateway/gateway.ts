import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { BRIDGE_HTTP_PREFIX, type KubedeskBridge } from '../shared/bridge.js';
import { GatewayAuth, newToken, sendVerdict } from './auth.js';
import { handleBridgeRequest } from './bridge-http.js';
import type { ClusterDirectory } from './cluster-directory.js';
import { parseClusterPath } from './cluster-path.js';
import { ClusterProxy } from './proxy.js';
import { StaticFiles } from './static-files.js';
import { rawStatusResponse, sendStatus } from './status.js';
import { UpstreamAgents } from './upstream.js';
import { WatchMux } from './watch-mux.js';
import { WebSocketProxy } from './websocket-proxy.js';

export interface GatewayOptions {
  directory: ClusterDirectory;
  bridge: KubedeskBridge;
  /** The built renderer (`out/renderer`); without it `/` explains how to build it. */
  staticDir?: string;
  /** Default `127.0.0.1`: the gateway is for this machine only. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default: a fresh random token (tests pass their own). */
  token?: string;
}

export interface RunningGateway {
  /** `http://127.0.0.1:<port>` */
  url: string;
  token: string;
  /** `url + '/?token=' + token`: what the window or the browser opens first. */
  launchUrl: string;
  /** Stop accepting, and end every open request, watch and WebSocket session. */
  close(): Promise<void>;
}

/** Answers `ok` without authentication, for the supervisor's and the CLI's readiness checks. */
const HEALTHZ = '/app/healthz';
/** The watch multiplexer's WebSocket: all of a window's watches over one connection (watch-mux.ts). */
export const WATCH_MUX_PATH = '/app/watch';

/**
 * The local API gateway: one HTTP server on loopback that serves the renderer, the typed bridge
 * (browser mode), and `/clusters/<id>/…`, forwarded to each cluster with its credentials — plain
 * requests, watches and WebSocket upgrades — plus `/app/watch`, every watch of a window over one
 * WebSocket. Everything but `/app/healthz` needs the per-launch
 * token (see auth.ts). Node only: it runs in Electron's main process and under `kubedesk ui`.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const auth = new GatewayAuth(token);
  const agents = new UpstreamAgents();
  const proxy = new ClusterProxy(options.directory, agents);
  const sockets = new WebSocketProxy(options.directory);
  const watches = new WatchMux({ directory: options.directory, agents });
  let port = 0;
  const files = new StaticFiles(options.staticDir, () => port);

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0]!;
    if (pathname === HEALTHZ && req.method === 'GET' && auth.hostAllowed(req)) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end('ok');
    }
    const verdict = auth.check(req, false);
    if (!verdict.ok) return sendVerdict(req, res, verdict);
    const target = parseClusterPath(url);
    if (target) return proxy.handle(req, res, target);
    if (pathname.startsWith(BRIDGE_HTTP_PREFIX)) return handleBridgeRequest(options.bridge, req, res);
    if (pathname.startsWith('/app/') || pathname === '/clusters' || pathname.startsWith('/clusters/')) {
      return sendStatus(res, 404, `the gateway has no ${pathname}`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendStatus(res, 405, `${req.method} ${pathname} is not served`);
    return files.handle(req, res);
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const verdict = auth.check(req, true);
    if (!verdict.ok) {
      const [code, message] = verdict.code === 303 ? [401, 'no session'] : [verdict.code, verdict.message];
      return void socket.end(rawStatusResponse(code, message));
    }
    if ((req.url ?? '/').split('?')[0] === WATCH_MUX_PATH) return watches.handle(req, socket, head);
    const target = parseClusterPath(req.url ?? '/');
    if (!target) return void socket.end(rawStatusResponse(404, `no WebSocket endpoint at ${req.url}`));
    return sockets.handle(req, socket, head, target);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => sendStatus(res, 500, String(error)));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((error: unknown) => socket.end(rawStatusResponse(500, String(error))));
  });
  // Watches stay open as long as the renderer wants them: no server-side request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  auth.listening(port, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    token,
    launchUrl: `${url}/?token=${token}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      sockets.close();
      watches.close();
      proxy.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
