import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { errors, StatusError } from '../api/errors.js';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../api/protobuf/index.js';

/** kube-apiserver's limit on request bodies (3 MiB, `--max-request-body-bytes`). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Read the whole body, failing with 413 past the limit without buffering the rest. */
export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      request.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function tooLarge(limit: number): StatusError {
  return errors.requestEntityTooLarge(`Request entity too large: limit is ${limit}`);
}

export type BodyFormat = 'json' | 'yaml';

/** The media type of a request body, without parameters. */
export function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/** Decode a JSON or YAML body into a value; malformed input is a 400 like Kubernetes' decoder gives. */
export function decodeBody(body: Buffer, media: string): unknown {
  if (media === PROTOBUF_MEDIA_TYPE) {
    // kubectl's typed commands (create configmap, auth can-i, …) send protobuf.
    try {
      return decodeKubernetesProtobuf(body).object;
    } catch (error) {
      throw errors.badRequest(error instanceof Error ? error.message : String(error));
    }
  }
  const text = body.toString('utf8');
  if (text.trim().length === 0) throw errors.badRequest('the body of the request was empty');
  if (media === 'application/yaml' || media === 'application/apply-patch+yaml' || media === 'text/yaml') {
    try {
      // YAML 1.1, as Kubernetes' decoder (sigs.k8s.io/yaml) reads it: 0644 is octal.
      const docs = parseYaml(text, { version: '1.1', uniqueKeys: true, merge: true, maxAliasCount: 100 });
      return docs;
    } catch (error) {
      const message = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
      throw errors.badRequest(`error converting YAML to JSON: yaml: ${message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

/** What the client accepts, reduced to what we can answer. */
export interface Negotiated {
  format: BodyFormat;
  /** `as=Table` (meta.k8s.io/v1) was asked for. */
  table: boolean;
  /** `as=PartialObjectMetadata[List]` was asked for. */
  partialMetadata: boolean;
}

/**
 * Content negotiation over the Accept header. We speak JSON (and YAML);
 * protobuf is declined only when nothing else is acceptable, so clients that
 * list JSON as a fallback (kubectl, client-go) get JSON without a warning.
 */
export function negotiate(accept: string | undefined): Negotiated {
  const result: Negotiated = { format: 'json', table: false, partialMetadata: false };
  if (!accept) return result;
  let acceptable = false;
  for (const clause of accept.split(',')) {
    const [type, ...params] = clause.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    if (p.as === 'Table' && p.g === 'meta.k8s.io' && !acceptable) {
      result.table = true;
      acceptable = true;
      continue;
    }
    if ((p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') && !acceptable) {
      result.partialMetadata = true;
      acceptable = true;
      continue;
    }
    if (p.as) continue;
    if (
      type === 'application/json' ||
      type === '*/*' ||
      type === 'application/*' ||
      type === 'application/json-seq'
    ) {
      acceptable = true;
    } else if (type === 'application/yaml' && !acceptable) {
      result.format = 'yaml';
      acceptable = true;
    }
  }
  if (!acceptable) {
    throw errors.notAcceptable(
      `only the following media types are accepted: application/json, application/yaml`,
    );
  }
  return result;
}

export function sendJson(
  response: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(response, code, JSON.stringify(body), { 'Content-Type': 'application/json', ...headers });
}

/** kube-apiserver compresses responses from 128 KiB on, at gzip level 1, for clients that accept it. */
const GZIP_THRESHOLD_BYTES = 128 * 1024;

/**
 * Send a text body; a large one is gzipped (off the event loop) when the
 * client accepts it, as kube-apiserver's APIResponseCompression does:
 * client-go always asks, and on loopback TLS costs more than compression.
 */
export function sendText(
  response: ServerResponse,
  code: number,
  text: string | Buffer,
  headers: Record<string, string>,
): void {
  const base = { 'Cache-Control': 'no-cache, private', ...headers };
  const acceptsGzip = /\bgzip\b/.test(String(response.req?.headers['accept-encoding'] ?? ''));
  if (!acceptsGzip || text.length < GZIP_THRESHOLD_BYTES) {
    response.writeHead(code, {
      ...base,
      'Content-Length': typeof text === 'string' ? Buffer.byteLength(text) : text.length,
    });
    response.end(text);
    return;
  }
  gzip(text, { level: 1 }, (error, compressed) => {
    if (error) {
      response.destroy(error);
      return;
    }
    response.writeHead(code, { ...base, 'Content-Encoding': 'gzip', 'Content-Length': compressed.length });
    response.end(compressed);
  });
}

export function sendStatus(response: ServerResponse, error: StatusError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, error.code, error.status);
}
