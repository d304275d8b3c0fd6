import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { failureStatus } from './status.js';

/**
 * Who may use the gateway: whoever holds the per-launch token. The token arrives once in the
 * launch URL (`/?token=…`), is swapped for an HttpOnly, SameSite=Strict cookie and removed from the
 * address bar; from then on every request carries the cookie (or, for tools and tests,
 * `Authorization: Bearer <token>`). On top of that, two checks keep other web pages out even though
 * they run on the same machine: the `Host` must be the gateway's own loopback address (a
 * DNS-rebinding page arrives with its own host name), and a state-changing request or WebSocket
 * upgrade that carries an `Origin` must come from the gateway's own origin (CSRF, cross-site
 * WebSocket hijacking).
 */

/**
 * The session cookie's name for a gateway on `port`. Browsers scope cookies by host, not by port
 * (RFC 6265 §8.5), so two gateways on 127.0.0.1 (two `kubedesk ui`, or one next to the app) would
 * overwrite each other's cookie under a shared name; one name per port keeps both signed in.
 */
export function sessionCookieName(port: number): string {
  return `kubedesk_session_${port}`;
}

/** A fresh per-launch token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The outcome of checking a request, with what to answer when it is refused. */
export type Verdict =
  | { ok: true }
  | { ok: false; code: 401 | 403; message: string }
  /** The launch URL: set the cookie and redirect to `location`. */
  | { ok: false; code: 303; location: string; cookie: string };

export class GatewayAuth {
  private readonly digest: Buffer;
  private hosts = new Set<string>();
  /** Unknown until the port is: no request passes the Host check before then anyway. */
  private cookieName = sessionCookieName(0);

  constructor(readonly token: string) {
    this.digest = sha256(token);
  }

  /** Accept `Host` headers naming this port (called once the port is known). */
  listening(port: number, host: string): void {
    const names = ['127.0.0.1', 'localhost', host.includes(':') ? `[${host}]` : host];
    this.hosts = new Set(names.map((name) => `${name}:${port}`));
    this.cookieName = sessionCookieName(port);
  }

  /** Whether the request's `Host` is one of the gateway's own (the DNS-rebinding check). */
  hostAllowed(req: IncomingMessage): boolean {
    return this.hosts.has((req.headers.host ?? '').toLowerCase());
  }

  /**
   * Check a request: the Host, then the launch token in the query, then the cookie or bearer
   * token, then (for everything but GET and HEAD, and for upgrades) the Origin.
   */
  check(req: IncomingMessage, upgrade: boolean): Verdict {
    if (!this.hostAllowed(req)) {
      return { ok: false, code: 403, message: `host "${req.headers.host ?? ''}" is not this gateway's` };
    }
    const url = new URL(req.url ?? '/', 'http://gateway');
    const offered = url.searchParams.get('token');
    if (offered !== null && !upgrade && req.method === 'GET') {
      if (!this.matches(offered))
        return { ok: false, code: 401, message: 'the token is not valid for this gateway' };
      url.searchParams.delete('token');
      return {
        ok: false,
        code: 303,
        location: `${url.pathname}${url.search}`,
        cookie: `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`,
      };
    }
    if (!this.authenticated(req)) {
      return {
        ok: false,
        code: 401,
        message: 'not signed in to the Kubedesk gateway: open the URL with ?token= that Kubedesk printed',
      };
    }
    const safe = !upgrade && (req.method === 'GET' || req.method === 'HEAD');
    const origin = req.headers.origin;
    if (!safe && origin !== undefined && origin !== `http://${req.headers.host}`) {
      return { ok: false, code: 403, message: `origin "${origin}" may not use this gateway` };
    }
    return { ok: true };
  }

  /** Whether the request carries the session cookie or a bearer token that matches. */
  private authenticated(req: IncomingMessage): boolean {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && this.matches(bearer)) return true;
    return cookieValues(req.headers.cookie, this.cookieName).some((value) => this.matches(value));
  }

  /** Constant-time comparison (of digests, so that the lengths need not match). */
  private matches(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.digest);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Every value of cookie `name` in a `Cookie` header (several can share a name, from other paths). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  return header.split(';').flatMap((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) return [];
    return [pair.slice(eq + 1).trim()];
  });
}

/** Answer a refused request: the launch redirect, or a Status (or, for a page load, a short page). */
export function sendVerdict(
  req: IncomingMessage,
  res: ServerResponse,
  verdict: Exclude<Verdict, { ok: true }>,
): void {
  if (verdict.code === 303) {
    res.writeHead(303, {
      location: verdict.location,
      'set-cookie': verdict.cookie,
      'cache-control': 'no-store',
    });
    res.end();
    return;
  }
  const wantsPage = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
  const body = wantsPage
    ? `<!doctype html><meta charset="utf-8"><title>Kubedesk</title><p>${escapeHtml(verdict.message)}</p>`
    : JSON.stringify(failureStatus(verdict.code, verdict.message));
  res.writeHead(verdict.code, {
    'content-type': wantsPage ? 'text/html; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(wantsPage ? { 'content-security-policy': "default-src 'none'" } : {}),
  });
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
