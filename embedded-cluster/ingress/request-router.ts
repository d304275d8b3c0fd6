import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Ingress, IngressBackend } from 'kubernetes-types/networking/v1.js';
import type { Clock } from '../util/clock.js';
import { affinityConfig, pickSticky, readCookie, setCookieHeader } from './affinity.js';
import { resolveBackend, type BackendLookup, type Upstream } from './backends.js';
import { clientIp, upstreamRequestHeaders } from './forwarded-headers.js';
import { normalizeHost } from './host-match.js';
import { requestPath } from './path-match.js';
import { proxyRequest, proxyUpgrade, type UpstreamPools } from './proxy.js';
import { notFoundText, rawResponse, sendText, unavailableText } from './responses.js';
import type { RoundRobin } from './round-robin.js';
import type { RoutingTable } from './routing-table.js';

const ANNOTATION = 'nginx.ingress.kubernetes.io/';

/** What the router reads: the controller's current table and caches. */
export interface RouterState {
  table(): RoutingTable;
  lookup: BackendLookup;
  pools: UpstreamPools;
  roundRobin: RoundRobin;
  /** The port HTTPS is served on, for redirects. */
  httpsPort(): number;
  clock: Clock;
}

/** What to do with one request. */
type Decision =
  | { kind: 'answer'; status: number; text: string; headers?: Record<string, string> }
  | { kind: 'forward'; target: Upstream; headers: OutgoingHttpHeaders; setCookie?: string };

/**
 * Routes each request through the table to a pod endpoint, or answers it: 404 when no rule
 * matches, 503 when the backend cannot serve, 308 to HTTPS when the host has TLS (ingress-nginx's
 * default `ssl-redirect: "true"`; `ssl-redirect: "false"` turns it off, `force-ssl-redirect:
 * "true"` redirects without TLS too). The endpoint is the sticky one for Ingresses with cookie
 * affinity, else the next in round-robin.
 */
export class RequestRouter {
  constructor(private readonly state: RouterState) {}

  handleRequest(req: IncomingMessage, res: ServerResponse, proto: 'http' | 'https'): void {
    const decision = this.decide(req, proto);
    if (decision.kind === 'answer') {
      sendText(res, decision.status, decision.text, decision.headers);
      return;
    }
    proxyRequest(req, res, decision.target, {
      pool: this.state.pools.for(decision.target),
      headers: decision.headers,
      ...(decision.setCookie ? { setCookie: decision.setCookie } : {}),
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, proto: 'http' | 'https'): void {
    const decision = this.decide(req, proto);
    if (decision.kind === 'answer') {
      const reason = REASONS[decision.status] ?? 'Error';
      let text = rawResponse(decision.status, reason, decision.text);
      if (decision.headers?.location)
        text = text.replace('\r\n', `\r\nlocation: ${decision.headers.location}\r\n`);
      socket.end(text);
      return;
    }
    proxyUpgrade(req, socket, head, decision.target, decision.headers, decision.setCookie);
  }

  private decide(req: IncomingMessage, proto: 'http' | 'https'): Decision {
    const table = this.state.table();
    const host = normalizeHost(req.headers.host);
    const path = requestPath(req.url);
    const result = table.route(host, path);
    if (result.kind === 'none')
      return { kind: 'answer', status: 404, text: notFoundText(host, path, result.hosts) };
    const { ingress, backend, rulePath } =
      result.kind === 'rule'
        ? { ingress: result.route.ingress, backend: result.route.backend, rulePath: result.route.path }
        : { ingress: result.ingress, backend: result.backend, rulePath: '/' };

    if (proto === 'http' && this.redirects(ingress, table, host)) {
      const port = this.state.httpsPort();
      const location = `https://${host}${port === 443 ? '' : `:${port}`}${req.url ?? '/'}`;
      return {
        kind: 'answer',
        status: 308,
        text: `308 Permanent Redirect to ${location}\n`,
        headers: { location },
      };
    }
    return this.forward(req, proto, ingress, backend, rulePath);
  }

  private forward(
    req: IncomingMessage,
    proto: 'http' | 'https',
    ingress: Ingress,
    backend: IngressBackend,
    rulePath: string,
  ): Decision {
    const namespace = ingress.metadata?.namespace ?? '';
    const resolution = resolveBackend(namespace, backend, this.state.lookup);
    if (!resolution.ok) {
      return {
        kind: 'answer',
        status: 503,
        text: unavailableText(ingress, resolution.service, resolution.port, resolution.reason),
      };
    }
    const headers = upstreamRequestHeaders(req.headers, {
      clientIp: clientIp(req.socket.remoteAddress),
      proto,
      host: normalizeHost(req.headers.host),
      port: req.socket.localPort ?? 0,
    });
    const affinity = affinityConfig(ingress.metadata?.annotations);
    if (!affinity) {
      const target = this.state.roundRobin.pick(resolution.key, resolution.endpoints)!;
      return { kind: 'forward', target, headers };
    }
    const cookie = readCookie(req.headers.cookie, affinity.cookieName);
    const choice = pickSticky(affinity, resolution.upstreamName, resolution.endpoints, cookie)!;
    return {
      kind: 'forward',
      target: choice.endpoint,
      headers,
      ...(choice.setCookie
        ? {
            setCookie: setCookieHeader(affinity, choice.setCookie, {
              path: rulePath,
              https: proto === 'https',
              now: this.state.clock.now(),
            }),
          }
        : {}),
    };
  }

  private redirects(ingress: Ingress, table: RoutingTable, host: string): boolean {
    const annotations = ingress.metadata?.annotations ?? {};
    if (annotations[`${ANNOTATION}force-ssl-redirect`] === 'true') return true;
    return table.tlsFor(host) !== undefined && annotations[`${ANNOTATION}ssl-redirect`] !== 'false';
  }
}

const REASONS: Record<number, string> = {
  308: 'Permanent Redirect',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
