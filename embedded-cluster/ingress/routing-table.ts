import type { Ingress, IngressBackend } from 'kubernetes-types/networking/v1.js';
import { hostMatches, isWildcard, wildcardOf } from './host-match.js';
import { matchRank, pathMatches, toPathType, type PathType } from './path-match.js';

/** One path of one rule of one Ingress: where requests for it go. */
export interface Route {
  ingress: Ingress;
  /** The rule's host ('' for a rule without one, which serves every host). */
  host: string;
  path: string;
  pathType: PathType;
  backend: IngressBackend;
}

/** A TLS certificate some Ingress gives for a host. */
export interface TlsBinding {
  ingress: Ingress;
  /** `spec.tls[].secretName`, in the Ingress's namespace ('' when none is named). */
  secretName: string;
}

/** A rule one Ingress lost to an older one (same host, path and type). */
export interface RouteConflict {
  loser: Ingress;
  winner: Ingress;
  host: string;
  path: string;
  pathType: PathType;
}

/** What a request is routed to. */
export type RouteResult =
  | { kind: 'rule'; route: Route }
  | { kind: 'default'; ingress: Ingress; backend: IngressBackend }
  | { kind: 'none'; hosts: string[] };

/**
 * Every served Ingress merged into one table, as one ingress-nginx server block per host:
 *
 * - A request's host picks one group of rules: the exact host's, else the wildcard's (`*.foo.com`),
 *   else the rules without a host. A host group does not fall through to the host-less rules, as
 *   in ingress-nginx (one nginx `server` per host) and GCE (one path matcher per host).
 * - In the group, the longest matching path wins, Exact before Prefix at the same length
 *   (path-match.ts).
 * - No path matches: the oldest `spec.defaultBackend` among the Ingresses, else nothing (404).
 * - Conflicts (the same host, path and type in two Ingresses, or two default backends): the oldest
 *   Ingress wins (creation time, then namespace/name), as ingress-nginx does; the losers are kept
 *   in {@link conflicts} to be reported.
 */
export class RoutingTable {
  private readonly exact = new Map<string, Route[]>();
  private readonly wildcards = new Map<string, Route[]>();
  private readonly anyHost: Route[] = [];
  private readonly tls = new Map<string, TlsBinding>();
  readonly defaultBackend: { ingress: Ingress; backend: IngressBackend } | undefined;
  readonly conflicts: RouteConflict[] = [];
  /** The served Ingresses, oldest first. */
  readonly ingresses: readonly Ingress[];

  constructor(ingresses: readonly Ingress[]) {
    this.ingresses = [...ingresses].sort(olderFirst);
    const seen = new Map<string, Route>();
    let defaultBackend: RoutingTable['defaultBackend'];
    for (const ingress of this.ingresses) {
      const fallback = ingress.spec?.defaultBackend;
      if (fallback && !defaultBackend) defaultBackend = { ingress, backend: fallback };
      for (const rule of ingress.spec?.rules ?? []) {
        const host = (rule.host ?? '').toLowerCase();
        for (const path of rule.http?.paths ?? []) {
          const route: Route = {
            ingress,
            host,
            path: path.path || '/',
            pathType: toPathType(path.pathType),
            backend: path.backend,
          };
          const id = `${host}\u0000${route.pathType}\u0000${route.path}`;
          const winner = seen.get(id);
          if (winner) {
            if (winner.ingress !== ingress)
              this.conflicts.push({ ...route, loser: ingress, winner: winner.ingress });
            continue;
          }
          seen.set(id, route);
          this.groupFor(host).push(route);
        }
      }
      for (const entry of ingress.spec?.tls ?? []) {
        // No hosts: the certificate is for the Ingress's own rule hosts.
        const hosts = entry.hosts?.length
          ? entry.hosts
          : (ingress.spec?.rules ?? []).map((r) => r.host ?? '');
        for (const host of hosts) {
          const key = host.toLowerCase();
          if (key && !this.tls.has(key)) this.tls.set(key, { ingress, secretName: entry.secretName ?? '' });
        }
      }
    }
    this.defaultBackend = defaultBackend;
  }

  /** Where a request for `host` (normalized) and `path` (as `requestPath` gives it) goes. */
  route(host: string, path: string): RouteResult {
    const group = this.exact.get(host) ?? this.wildcardGroup(host) ?? this.anyHost;
    let best: Route | undefined;
    let bestRank: [number, number] = [-1, -1];
    for (const route of group) {
      if (!pathMatches(route.pathType, route.path, path)) continue;
      const rank = matchRank(route.pathType, route.path);
      // Strictly better only: routes are in age order, so the oldest wins a tie.
      if (rank[0] > bestRank[0] || (rank[0] === bestRank[0] && rank[1] > bestRank[1])) {
        best = route;
        bestRank = rank;
      }
    }
    if (best) return { kind: 'rule', route: best };
    if (this.defaultBackend) return { kind: 'default', ...this.defaultBackend };
    return { kind: 'none', hosts: this.hosts() };
  }

  /** The TLS certificate for a host (exact before wildcard), if an Ingress gives one. */
  tlsFor(host: string): TlsBinding | undefined {
    const exact = this.tls.get(host);
    if (exact) return exact;
    const wildcard = wildcardOf(host);
    return wildcard ? this.tls.get(wildcard) : undefined;
  }

  /** The hosts with rules, sorted; `*` stands for the rules without a host. */
  hosts(): string[] {
    const hosts = [...this.exact.keys(), ...this.wildcards.keys()].sort();
    return this.anyHost.length > 0 ? [...hosts, '*'] : hosts;
  }

  private groupFor(host: string): Route[] {
    if (!host) return this.anyHost;
    const map = isWildcard(host) ? this.wildcards : this.exact;
    let group = map.get(host);
    if (!group) map.set(host, (group = []));
    return group;
  }

  private wildcardGroup(host: string): Route[] | undefined {
    const pattern = wildcardOf(host);
    if (!pattern) return undefined;
    const group = this.wildcards.get(pattern);
    return group && hostMatches(pattern, host) ? group : undefined;
  }
}

/** Oldest first: creation time, then namespace and name, so the order never depends on the cache. */
export function olderFirst(a: Ingress, b: Ingress): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const kb = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
