import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { ClusterConnection } from './cluster-directory.js';

/**
 * The request to a cluster's API server that stands for one request to the gateway: the
 * cluster's URL with the path and query the renderer asked for, the cluster's TLS settings, the
 * renderer's headers minus everything that belongs to the hop between browser and gateway (or
 * could smuggle the browser's identity through), and the cluster's credentials.
 */

/**
 * Headers never forwarded to the cluster: hop-by-hop headers (RFC 9110 §7.6.1), and what belongs
 * to the browser's session with the gateway, not to the cluster (its cookie, any Authorization it
 * sent, its Host and Origin).
 */
const DROPPED_REQUEST = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'cookie',
  'authorization',
  'origin',
  'referer',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

/**
 * Headers never passed back to the browser: hop-by-hop ones, cookies (the gateway's origin is
 * not the cluster's), and `WWW-Authenticate`, which would make the browser prompt for a password
 * meant for the cluster.
 */
const DROPPED_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
  'www-authenticate',
  'alt-svc',
  'strict-transport-security',
]);

/** The headers a `Connection` header names are hop-by-hop too. */
function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  return new Set(
    (value ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The browser's request headers that may reach the cluster. */
export function forwardRequestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(headers);
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_REQUEST.has(name) || named.has(name)) continue;
    result[name] = value;
  }
  return result;
}

/** The cluster's response headers that may reach the browser. */
export function forwardResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(headers);
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_RESPONSE.has(name) || named.has(name)) continue;
    result[name] = value;
  }
  return result;
}

/** `<server path><rest>`: the server's path prefix (if any) joined to what follows `/clusters/<id>`. */
export function upstreamPath(server: URL, rest: string): string {
  const prefix = server.pathname.replace(/\/+$/, '');
  return `${prefix}${rest.startsWith('/') ? rest : `/${rest}`}`;
}

/**
 * Keep-alive agents, one per cluster and TLS setting, so that the informers' many short requests
 * reuse connections (a TLS handshake each would add up). A changed CA or client certificate
 * (a kubeconfig edit, an embedded cluster restart) gets a fresh agent.
 */
export class UpstreamAgents {
  private readonly agents = new Map<string, http.Agent>();

  /** The agent for `connection` (https or http per its server). */
  for(connection: ClusterConnection): http.Agent {
    const { server, tls } = connection;
    const key = createHash('sha256')
      .update(server.origin)
      .update('\0')
      .update(String(tls.ca ?? ''))
      .update('\0')
      .update(String(tls.cert ?? ''))
      .update('\0')
      .update(String(tls.key ?? ''))
      .update(`\0${tls.rejectUnauthorized}\0${tls.servername ?? ''}`)
      .digest('hex');
    let agent = this.agents.get(key);
    if (!agent) {
      agent =
        server.protocol === 'https:'
          ? new https.Agent({ keepAlive: true, ...tlsOptions(connection) })
          : new http.Agent({ keepAlive: true });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Close every pooled connection (watches included). */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** The TLS options of `connection`, for `https.request` or an agent. */
export function tlsOptions(connection: ClusterConnection): https.AgentOptions {
  const { ca, cert, key, rejectUnauthorized, servername } = connection.tls;
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    rejectUnauthorized,
    ...(servername ? { servername } : {}),
  };
}

/** What one request to a cluster needs besides the connection. */
export interface UpstreamRequestOptions {
  method: string;
  /** Path and query under the cluster's root (what follows `/clusters/<id>`). */
  rest: string;
  /** Forwarded headers with the cluster's credentials already merged in. */
  headers: OutgoingHttpHeaders;
  /** A pooled agent, or `false` for a connection of its own (upgrades). */
  agent: http.Agent | false;
}

/**
 * The request to `connection`'s API server for `rest` (not yet ended): its scheme, host and
 * port, its path prefix, its TLS settings. Shared by the HTTP proxy, the WebSocket proxy and
 * the watch multiplexer so that they reach a cluster the same way.
 */
export function upstreamRequest(
  connection: ClusterConnection,
  options: UpstreamRequestOptions,
): http.ClientRequest {
  const { server } = connection;
  return requestFor(server)({
    protocol: server.protocol,
    hostname: server.hostname.replace(/^\[|\]$/g, ''),
    port: server.port || undefined,
    method: options.method,
    path: upstreamPath(server, options.rest),
    headers: options.headers,
    agent: options.agent,
    ...tlsOptions(connection),
  });
}

/** `http.request` or `https.request`, per the server's scheme. */
export function requestFor(server: URL): typeof http.request {
  return server.protocol === 'https:' ? https.request : http.request;
}

/** Why a cluster could not be reached, in one line a user can act on (e.g. `connect ECONNREFUSED …`). */
export function unreachableMessage(clusterId: string, error: unknown): string {
  const e = error as { code?: string; message?: string };
  const detail = e?.message ?? String(error);
  const code = e?.code && !detail.includes(e.code) ? ` (${e.code})` : '';
  return `cluster "${clusterId}" is unreachable: ${detail}${code}`;
}
