import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServedDocument } from '../../api/openapi/hash.js';
import { OpenApiV2Cache } from '../../api/openapi/openapi-v2.js';
import { negotiateOpenApiV2, openApiV2ProtobufDocument } from '../../api/openapi/openapi-v2-protobuf.js';
import { OpenApiV3Cache, serverRelativeURL } from '../../api/openapi/openapi-v3.js';
import { errors } from '../../api/errors.js';
import type { ResourceCatalog } from '../resource-catalog.js';
import type { ServedSchemas } from '../served-schemas.js';
import { KUBERNETES_VERSION } from './discovery.js';
import { notFound } from './resource-router.js';

/**
 * `/openapi/v2` and `/openapi/v3[/<group-version>]` as kube-openapi's
 * handlers serve them: ETags, 304 on a matching If-None-Match, v2 as JSON or
 * as the gnostic protobuf client-go asks for, and for v3 documents the
 * `?hash=` protocol kubectl caches by (a matching hash is immutable; a stale
 * one redirects to the current).
 */
export class OpenApiHandler {
  private readonly v2 = new OpenApiV2Cache({ version: KUBERNETES_VERSION.gitVersion });
  private readonly v3 = new OpenApiV3Cache({ version: KUBERNETES_VERSION.gitVersion });

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly schemas: ServedSchemas,
  ) {}

  serve(path: string, query: URLSearchParams, request: IncomingMessage, response: ServerResponse): void {
    const resources = this.catalog.all();
    const definitions = this.schemas.definitions;
    if (path === '/openapi/v2') {
      // kube-openapi pkg/handler/handler.go: JSON or gnostic protobuf by Accept, else 406.
      const json = this.v2.get(resources, definitions);
      const type = negotiateOpenApiV2(request.headers.accept);
      if (type === undefined) {
        throw errors.notAcceptable(
          'only application/json and application/com.github.proto-openapi.spec.v2.v1.0+protobuf are served',
        );
      }
      const doc = type === 'application/json' ? json : openApiV2ProtobufDocument(json);
      // The protobuf has an ETag of its own: a kubectl cache filled with JSON must not revalidate it.
      return send(request, response, doc, { Vary: 'Accept' }, type);
    }
    if (!path.startsWith('/openapi/v3')) throw notFound();
    const snapshot = this.v3.get(resources, definitions);
    if (path === '/openapi/v3') return send(request, response, snapshot.root, {});
    const docPath = path.slice('/openapi/v3/'.length);
    const doc = snapshot.documents.get(docPath);
    if (!doc) throw notFound();
    const accept = request.headers.accept;
    if (accept && !/application\/json|\*\/\*|application\/\*/.test(accept)) {
      throw errors.notAcceptable('only application/json is served for OpenAPI v3 documents');
    }
    const hash = query.get('hash');
    if (hash !== null && hash !== doc.hash) {
      response.writeHead(301, { Location: serverRelativeURL(docPath, doc.hash) });
      response.end();
      return;
    }
    const immutable: Record<string, string> =
      hash === doc.hash
        ? {
            'Cache-Control': 'public, immutable',
            Expires: new Date(Date.now() + 365 * 86_400_000).toUTCString(),
          }
        : {};
    send(request, response, doc, { Vary: 'Accept', ...immutable });
  }
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  doc: ServedDocument,
  headers: Record<string, string>,
  contentType = 'application/json',
): void {
  if (request.headers['if-none-match'] === doc.etag) {
    response.writeHead(304, { ETag: doc.etag, ...headers });
    response.end();
    return;
  }
  response.writeHead(200, {
    'Content-Type': contentType,
    ETag: doc.etag,
    'Content-Length': doc.body.length,
    ...headers,
  });
  response.end(doc.body);
}
