/**
 * Request paths as Ingress paths match them
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types).
 *
 * - `Exact`: the whole path, case-sensitively (`/foo` does not match `/foo/`).
 * - `Prefix`: element by element, split on `/`, a trailing slash ignored on either side: `/foo`
 *   matches `/foo`, `/foo/` and `/foo/bar`, not `/foobar`; `/` matches everything.
 * - `ImplementationSpecific`: as ingress-nginx without `use-regex` does it, an nginx `location`
 *   prefix, character by character: `/foo` matches `/foobar` too. (ingress-nginx rewrites only
 *   `Prefix` paths into element-wise locations; see its `normalizePrefixPathType`.)
 */
export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** How specific a path type is, to break ties between equally long matches: Exact first. */
const TYPE_RANK: Record<PathType, number> = { Exact: 2, Prefix: 1, ImplementationSpecific: 1 };

export function toPathType(value: string | undefined): PathType {
  return value === 'Exact' || value === 'Prefix' ? value : 'ImplementationSpecific';
}

/**
 * The path rules see: the URL's path without its query, percent-decoding undone and repeated
 * slashes merged, as nginx normalizes a URI before matching locations. Only matching uses it;
 * the request goes upstream as it came.
 */
export function requestPath(url: string | undefined): string {
  let path = url ?? '/';
  const query = path.search(/[?#]/);
  if (query >= 0) path = path.slice(0, query);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''); // absolute-form
  try {
    path = decodeURIComponent(path);
  } catch {
    // a malformed escape: match the path as it is
  }
  path = path.replace(/\/{2,}/g, '/');
  return path.startsWith('/') ? path : `/${path}`;
}

/** Whether `path` (as {@link requestPath} gives it) matches a rule's path of `type`. */
export function pathMatches(type: PathType, rulePath: string, path: string): boolean {
  switch (type) {
    case 'Exact':
      return path === rulePath;
    case 'ImplementationSpecific':
      return path.startsWith(rulePath || '/');
    case 'Prefix': {
      const rule = segments(rulePath);
      const request = segments(path);
      return rule.length <= request.length && rule.every((segment, i) => segment === request[i]);
    }
  }
}

/**
 * How a match ranks against others for the same request: the longer rule path wins, then Exact
 * over Prefix ("longest matching path takes precedence; if two paths are still equally matched,
 * precedence is given to paths with an exact path type over prefix path type").
 */
export function matchRank(type: PathType, rulePath: string): [length: number, type: number] {
  const length = type === 'Exact' ? rulePath.length : rulePath.replace(/\/+$/, '').length;
  return [length, TYPE_RANK[type]];
}

function segments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}
