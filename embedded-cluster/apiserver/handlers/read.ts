import { errors } from '../../api/errors.js';
import { apiVersionOf, type KubeObject } from '../../api/object.js';
import { sendText } from '../http-io.js';
import { isTrue } from '../request-info.js';
import type { ReadVersion } from '../registry/registry.js';
import { startWatch } from '../registry/watch.js';
import { includeObjectOf, partialMetadata, respond, respondObject, type Endpoint } from './endpoint.js';

/**
 * `resourceVersion` and `resourceVersionMatch` of a get or list, checked as
 * ValidateListOptions does
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions).
 */
export function readVersionOf(query: URLSearchParams): ReadVersion {
  const resourceVersion = query.get('resourceVersion') ?? undefined;
  const match = query.get('resourceVersionMatch') ?? undefined;
  if (match === undefined || match === '') return { resourceVersion };
  if (match !== 'NotOlderThan' && match !== 'Exact') {
    throw errors.badRequest(
      `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
    );
  }
  if (resourceVersion === undefined || resourceVersion === '') {
    throw errors.badRequest(
      'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
  }
  if (match === 'Exact' && resourceVersion === '0') {
    throw errors.badRequest(
      'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    );
  }
  return { resourceVersion, resourceVersionMatch: match };
}

export async function getObject(endpoint: Endpoint): Promise<void> {
  const { info, type, parts } = endpoint;
  const obj = await parts.registry.get(type, info.namespace, info.name!, readVersionOf(endpoint.query));
  respondObject(endpoint, 200, obj);
}

function filterOf(endpoint: Endpoint): ((obj: KubeObject) => boolean) | undefined {
  const { query, type, parts, info } = endpoint;
  const selector = parts.pipeline.selector(type, query.get('labelSelector'), query.get('fieldSelector'));
  // The deprecated watch-one-object form (GET …/pods/<name>?watch=1) selects by name.
  if (!info.name) return selector;
  const name = info.name;
  return (obj) => obj.metadata.name === name && (!selector || selector(obj));
}

export async function listObjects(endpoint: Endpoint): Promise<void> {
  const { query, type, parts, info } = endpoint;
  const limit = query.get('limit');
  const continueToken = query.get('continue') ?? undefined;
  const version = readVersionOf(query);
  if (continueToken && version.resourceVersion && version.resourceVersion !== '0') {
    throw errors.badRequest('specifying resource version is not allowed when using continue');
  }
  const filter = filterOf(endpoint);
  const result = await parts.registry.list(type, info.namespace, {
    ...version,
    filter,
    filtered: filter !== undefined,
    limit: limit ? Number.parseInt(limit, 10) || undefined : undefined,
    continueToken: continueToken || undefined,
  });
  const metadata = {
    resourceVersion: result.resourceVersion,
    ...(result.continue ? { continue: result.continue } : {}),
    ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
  };
  if (endpoint.negotiated.table) {
    const table = parts.pipeline.table(type, result.items, includeObjectOf(endpoint), endpoint.now);
    respond(endpoint, 200, { ...table, metadata });
    return;
  }
  const apiVersion = apiVersionOf(type.group, type.version);
  if (endpoint.negotiated.partialMetadata) {
    respond(endpoint, 200, {
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadataList',
      metadata,
      items: result.items.map(partialMetadata),
    });
    return;
  }
  const list = { apiVersion, kind: `${type.kind}List`, metadata, items: [] as unknown[] };
  if (endpoint.negotiated.format === 'json' && !type.crd) {
    // The fast path: stored JSON goes out as is, with its resourceVersion spliced in.
    const head = JSON.stringify(list).slice(0, -3);
    const body = Buffer.concat([Buffer.from(head), result.rawItemsArray(), Buffer.from('}')]);
    sendText(endpoint.response, 200, body, { 'Content-Type': 'application/json' });
    return;
  }
  // A custom resource is served at the version asked for, whichever it is stored at.
  list.items = result.items.map(({ apiVersion: _a, kind: _k, ...rest }) => ({
    apiVersion,
    kind: type.kind,
    ...rest,
  }));
  respond(endpoint, 200, list);
}

/** Bytes of watch events a client may leave unread before its watch is ended. */
const MAX_UNREAD_WATCH_BYTES = 16 * 1024 * 1024;

/** Stream watch events as newline-delimited JSON over a chunked response. */
export async function watchObjects(endpoint: Endpoint): Promise<void> {
  const { query, type, parts, info, response, request } = endpoint;
  const version = readVersionOf(query);
  const sendInitialEvents = query.has('sendInitialEvents') ? isTrue(query.get('sendInitialEvents')) : false;
  const allowBookmarks = isTrue(query.get('allowWatchBookmarks'));
  if (sendInitialEvents && (version.resourceVersionMatch !== 'NotOlderThan' || !allowBookmarks)) {
    throw errors.badRequest(
      'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan and allowWatchBookmarks is true',
    );
  }
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
  const filter = filterOf(endpoint);
  const table = endpoint.negotiated.table;
  response.writeHead(200, {
    'Content-Type': table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  response.flushHeaders();
  // A client that stops reading must not make the server buffer without end: like
  // kube-apiserver's watch cache with a full buffer, end its watch; it will watch again.
  const send = (line: string) => {
    response.write(line);
    if (response.writableLength > MAX_UNREAD_WATCH_BYTES) watch.stop();
  };
  const watch = startWatch(
    parts.registry,
    parts.store,
    type,
    info.namespace,
    {
      resourceVersion: version.resourceVersion,
      filter,
      sendInitialEvents,
      allowBookmarks,
      bookmarkIntervalMs: parts.bookmarkIntervalMs,
      // kube-apiserver ends watches after --min-request-timeout (1800 s) with jitter, unless asked sooner.
      timeoutMs: (timeoutSeconds > 0 ? timeoutSeconds : 1800 * (1 + Math.random())) * 1000,
    },
    {
      event: (event) => {
        let object = event.object;
        if (table && (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')) {
          object = parts.pipeline.table(
            type,
            [object as KubeObject],
            includeObjectOf(endpoint),
            parts.clock.now(),
          );
        }
        send(`${JSON.stringify({ type: event.type, object })}\n`);
      },
      ...(table ? {} : { line: send }),
      end: () => response.end(),
    },
    parts.clock,
  );
  request.on('close', () => watch.stop());
}
