import { errors } from '../../api/errors.js';
import type { StreamingServer } from '../streaming/streaming-server.js';
import { deleteCollection, deleteObject } from './delete.js';
import type { Endpoint } from './endpoint.js';
import { getObject, listObjects, watchObjects } from './read.js';
import { bindPod, evictPod, getScale, review, streamingUnavailable, updateScale } from './subresources.js';
import { requestToken } from './token-request.js';
import { createObject, patchObject, readObject, replaceObject } from './write.js';

const STREAMING = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);
/** The streaming subresources of pods that {@link StreamingServer} serves. */
const POD_STREAMS = new Set(['log', 'exec', 'attach', 'portforward']);

/**
 * Route a resource request to its handler by verb and subresource; `streaming` serves the pod
 * streams (without it they answer 503).
 */
export async function serveResource(endpoint: Endpoint, streaming?: StreamingServer): Promise<void> {
  const { info, type } = endpoint;
  if (!type.verbs.includes(info.verb) && !info.subresource) {
    // `create` on a review, or a verb the resource does not offer.
    throw errors.methodNotSupported(type, info.verb);
  }
  if (type.namespaced && !info.namespace && (info.name !== undefined || info.verb === 'create')) {
    throw errors.notFound(type, info.name ?? '');
  }

  if (type.group === 'authorization.k8s.io' || type.group === 'authentication.k8s.io')
    return review(endpoint);
  if (type.resource === 'bindings' && type.group === '') {
    if (info.verb !== 'create') throw errors.methodNotSupported(type, info.verb);
    const body = await readObject(endpoint);
    return bindPod(endpoint, body.metadata.name ?? '');
  }

  const sub = info.subresource;
  if (sub !== undefined) {
    if (!type.subresources.includes(sub as never)) throw notFound();
    if (streaming && POD_STREAMS.has(sub) && type.group === '' && type.resource === 'pods') {
      return streaming.serve(endpoint);
    }
    if (STREAMING.has(sub)) return streamingUnavailable(endpoint);
    switch (sub) {
      case 'scale':
        if (info.verb === 'get') return getScale(endpoint);
        if (info.verb === 'update' || info.verb === 'patch') return updateScale(endpoint);
        break;
      case 'binding':
        if (info.verb === 'create') return bindPod(endpoint, info.name!);
        break;
      case 'eviction':
        if (info.verb === 'create') return evictPod(endpoint);
        break;
      case 'status':
      case 'ephemeralcontainers':
        if (info.verb === 'get') return getObject(endpoint);
        if (info.verb === 'update') return replaceObject(endpoint);
        if (info.verb === 'patch') return patchObject(endpoint);
        break;
      case 'finalize':
        if (info.verb === 'update') return replaceObject(endpoint);
        break;
      case 'token':
        if (info.verb === 'create') return requestToken(endpoint);
        break;
    }
    throw errors.methodNotSupported({ group: type.group, resource: `${type.resource}/${sub}` }, info.verb);
  }

  switch (info.verb) {
    case 'get':
      return getObject(endpoint);
    case 'list':
      return listObjects(endpoint);
    case 'watch':
      return watchObjects(endpoint);
    case 'create':
      if (info.name !== undefined) throw errors.methodNotSupported(type, 'create');
      return createObject(endpoint);
    case 'update':
      return replaceObject(endpoint);
    case 'patch':
      return patchObject(endpoint);
    case 'delete':
      return deleteObject(endpoint);
    case 'deletecollection':
      return deleteCollection(endpoint);
  }
}

/** The 404 kube-apiserver gives for a path it does not serve. */
export function notFound() {
  const error = errors.notFound({ group: '', resource: '' }, '');
  error.status.message = 'the server could not find the requested resource';
  error.status.details = {};
  return error;
}
