/**
 * The URLs an Ingress serves, for its details page: one per rule path (and the default backend),
 * built from the address and ports the ingress controller publishes in `status.loadBalancer`.
 * Kubedesk's controller listens on 127.0.0.1, on 80 and 443 when they are free; otherwise it lists
 * its ports in `ingress[0].ports`, HTTP first, then HTTPS (our convention; the field is
 * networking.k8s.io/v1 IngressPortStatus).
 *
 * A browser can follow a link only when the rule's host resolves to this machine: no host (the
 * address itself) or a name under `localhost` (browsers resolve `*.localhost` to loopback, RFC
 * 6761). Any other host gets its URL as text and a curl line that sends the Host header (or, for
 * HTTPS, resolves the name to the address so SNI picks the certificate). Wildcard hosts and
 * regular-expression paths are patterns, not places: shown, never linked.
 * See https://kubernetes.io/docs/concepts/services-networking/ingress/.
 */
import type { Ingress, IngressBackend, IngressTLS } from 'kubernetes-types/networking/v1.js';
import { bracketed, hostPort, isDefaultPort } from './service-urls.js';

/** One route of the Ingress, as the section lists it. */
export interface IngressRoute {
  /** The rule's host, `*` for every host (a rule without one), or `default backend`. */
  host: string;
  /** The path and its type, e.g. `/api (Prefix)`; empty for the default backend. */
  path: string;
  /** Where it goes: `service kubia:80`, or `Kind/name` for a resource backend. */
  backend: string;
  /** What to show: the URL, or the pattern when there is none. */
  text: string;
  /** Set when a browser on this machine can open it. */
  url?: string;
  /** A command to copy when the link would not resolve here. */
  curl?: string;
  /** Why there is no link, or what to know about it. */
  note?: string;
}

export interface IngressUrls {
  /** No address published yet (the controller has not served it, or it is another class's). */
  pending: boolean;
  /** The published address, e.g. `127.0.0.1` (HTTP port 8080, HTTPS 8443), when not pending. */
  address?: string;
  routes: IngressRoute[];
}

interface Endpoint {
  host: string;
  http: number;
  https: number;
}

/** The controller's address and ports from the status, or undefined while it has none. */
function publishedEndpoint(ingress: Ingress): Endpoint | undefined {
  const point = ingress.status?.loadBalancer?.ingress?.[0];
  const host = point?.ip ?? point?.hostname;
  if (!host) return undefined;
  const ports = (point?.ports ?? []).map((p) => p.port);
  return { host, http: ports[0] ?? 80, https: ports[1] ?? 443 };
}

/** `.localhost` names resolve to loopback in browsers, with no /etc/hosts edits. */
export function resolvesLocally(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost');
}

/**
 * Whether a rule's host is served over TLS: listed in a `tls` entry, exactly or by a wildcard
 * (`*.foo.com` covers `bar.foo.com`), or any entry lists no hosts (then it covers the
 * Ingress's own rule hosts, as our controller and ingress-nginx read it).
 */
export function isTlsHost(host: string, tls: readonly IngressTLS[]): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  const dot = h.indexOf('.');
  const wildcard = dot > 0 ? `*${h.slice(dot)}` : undefined;
  return tls.some((entry) => {
    const hosts = (entry.hosts ?? []).map((x) => x.toLowerCase());
    return hosts.length === 0 || hosts.includes(h) || (wildcard !== undefined && hosts.includes(wildcard));
  });
}

/** A backend as the section names it. */
export function backendText(backend: IngressBackend | undefined): string {
  if (!backend) return '';
  if (backend.service) {
    const port = backend.service.port?.number ?? backend.service.port?.name ?? '';
    return `service ${backend.service.name}${port === '' ? '' : `:${port}`}`;
  }
  if (backend.resource) return `${backend.resource.kind}/${backend.resource.name}`;
  return '';
}

/** Whether a path is a literal a browser can visit (not an ImplementationSpecific regex). */
function isLiteralPath(path: string): boolean {
  return /^\/[A-Za-z0-9\-._~%!&'*+,;=:@/]*$/.test(path) && !/[*+]/.test(path);
}

/** `scheme://host[:port]`, leaving out the default port. */
function origin(scheme: 'http' | 'https', host: string, port: number): string {
  return `${scheme}://${isDefaultPort(scheme, port) ? bracketed(host) : hostPort(host, port)}`;
}

/** A single-quoted shell word. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The route for one rule host and path (or the default backend, with no path). */
function route(
  at: Endpoint | undefined,
  ruleHost: string,
  path: string,
  pathType: string | undefined,
  backend: string,
  tls: readonly IngressTLS[],
): IngressRoute {
  const shownHost = ruleHost || '*';
  const pathLabel = pathType ? `${path} (${pathType})` : path;
  const scheme = isTlsHost(ruleHost, tls) ? 'https' : 'http';
  const port = scheme === 'https' ? (at?.https ?? 443) : (at?.http ?? 80);
  const urlPath = path || '/';
  const base: IngressRoute = { host: shownHost, path: pathLabel, backend, text: '' };

  if (ruleHost.startsWith('*.')) {
    return {
      ...base,
      text: `${scheme}://${ruleHost}${urlPath}`,
      note: 'wildcard host: any one name in its place',
    };
  }
  const literal = isLiteralPath(urlPath);
  const patternNote = literal ? undefined : 'a pattern, not a path to visit';
  if (!at)
    return {
      ...base,
      text: `${scheme}://${ruleHost || '<address>'}${urlPath}`,
      note: 'waiting for the address',
    };

  const url = `${origin(scheme, ruleHost || at.host, port)}${urlPath}`;
  if (!ruleHost || resolvesLocally(ruleHost)) {
    return literal ? { ...base, text: url, url } : { ...base, text: url, note: patternNote };
  }
  // A name this machine does not resolve to the controller: say how to reach it anyway.
  const curl =
    scheme === 'https'
      ? `curl -k --resolve ${ruleHost}:${port}:${at.host} ${quote(url)}`
      : `curl -H ${quote(`Host: ${ruleHost}`)} ${quote(`${origin('http', at.host, port)}${urlPath}`)}`;
  return {
    ...base,
    text: url,
    ...(literal ? { curl } : {}),
    note: patternNote ?? `${ruleHost} does not resolve to ${at.host} here; a name under .localhost would`,
  };
}

/** The routes `ingress` serves and where to reach each, from its spec and published status. */
export function ingressUrls(ingress: Ingress): IngressUrls {
  const spec = ingress.spec ?? {};
  const tls = spec.tls ?? [];
  const at = publishedEndpoint(ingress);
  const routes: IngressRoute[] = [];
  for (const rule of spec.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      routes.push(route(at, rule.host ?? '', p.path ?? '', p.pathType, backendText(p.backend), tls));
    }
  }
  if (spec.defaultBackend) {
    const r = route(at, '', '', undefined, backendText(spec.defaultBackend), tls);
    // With a rule for every host, the bare address reaches that rule, not the default backend.
    const shadowed = (spec.rules ?? []).some((rule) => !rule.host && rule.http?.paths?.length);
    routes.push(
      shadowed
        ? { host: 'default backend', path: '', backend: r.backend, text: 'requests no rule matches' }
        : { ...r, host: 'default backend', note: 'requests no rule matches' },
    );
  }
  const address = at
    ? at.http === 80 && at.https === 443
      ? at.host
      : `${at.host} (HTTP port ${at.http}, HTTPS ${at.https})`
    : undefined;
  return { pending: !at, ...(address ? { address } : {}), routes };
}
