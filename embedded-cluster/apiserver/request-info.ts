import { errors } from '../api/errors.js';

/**
 * What a request asks for, parsed from its method and path the way
 * kube-apiserver's RequestInfoFactory does
 * (https://github.com/kubernetes/apiserver/blob/master/pkg/endpoints/request/requestinfo.go).
 */
export interface ResourceRequest {
  kind: 'resource';
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  /** '' for the core group (`/api/v1`). */
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
  /** Path segments after the subresource (e.g. a proxy path); rarely used. */
  rest: string[];
}

export interface NonResourceRequest {
  kind: 'nonresource';
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const METHOD_VERBS: Record<string, ResourceRequest['verb'] | undefined> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
  GET: 'get',
  HEAD: 'get',
};

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  let segments: string[];
  try {
    segments = pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);
  } catch {
    throw errors.badRequest(`malformed path: ${pathname.slice(0, 200)}`);
  }
  const nonResource: NonResourceRequest = { kind: 'nonresource', verb: method.toLowerCase(), path: pathname };
  let rest: string[];
  let group: string;
  if (segments[0] === 'api' && segments.length >= 2) {
    group = '';
    rest = segments.slice(1);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    group = segments[1]!;
    rest = segments.slice(2);
  } else {
    return nonResource;
  }
  const version = rest[0]!;
  rest = rest.slice(1);
  if (rest.length === 0) return nonResource; // /api/v1, /apis/apps/v1: discovery

  let watchPrefix = false;
  if (rest[0] === 'watch') {
    // The deprecated /watch/ path form: /api/v1/watch/namespaces/x/pods
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    // namespaces/<name>, namespaces/<name>/status and /finalize address the
    // namespace itself; anything else is a resource inside it.
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  const resource = rest[0];
  if (resource === undefined) return nonResource;
  const name = rest[1];
  const subresource = rest[2];
  let verb = METHOD_VERBS[method];
  if (!verb) return nonResource;
  if (watchPrefix) verb = 'watch';
  else if (verb === 'get' && name === undefined) verb = isTrue(query.get('watch')) ? 'watch' : 'list';
  else if (verb === 'delete' && name === undefined) verb = 'deletecollection';
  return {
    kind: 'resource',
    verb,
    group,
    version,
    namespace: resource === 'namespaces' ? undefined : namespace,
    resource,
    name,
    subresource,
    rest: rest.slice(3),
  };
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}
