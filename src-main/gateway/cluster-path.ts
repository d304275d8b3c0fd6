/**
 * A gateway URL under `/clusters/<id>/…`, split into the cluster's id and what follows it (path and
 * query, still encoded). The id is taken as sent, or decoded once when the renderer encoded it as
 * a path segment (`context%3Adev` for `context:dev`).
 */
export interface ClusterPath {
  /** The segment as sent. */
  rawId: string;
  /** The ids to look up, most literal first. */
  candidates: string[];
  /** `/api/v1/namespaces?watch=true`: always starts with `/`. */
  rest: string;
}

export const CLUSTERS_PREFIX = '/clusters/';

/** `url` (a request's path and query) as a cluster path, or undefined when it is not one. */
export function parseClusterPath(url: string): ClusterPath | undefined {
  if (!url.startsWith(CLUSTERS_PREFIX)) return undefined;
  const after = url.slice(CLUSTERS_PREFIX.length);
  const end = after.search(/[/?]/);
  const rawId = end < 0 ? after : after.slice(0, end);
  if (!rawId) return undefined;
  const tail = end < 0 ? '' : after.slice(end);
  const rest = tail.startsWith('/') ? tail : `/${tail}`;
  const candidates = [rawId];
  try {
    const decoded = decodeURIComponent(rawId);
    if (decoded !== rawId) candidates.push(decoded);
  } catch {
    // Not valid percent-encoding: only the literal id can match.
  }
  return { rawId, candidates, rest };
}
