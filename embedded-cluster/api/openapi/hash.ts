import { createHash } from 'node:crypto';
import type { ResourceType } from '../catalog.js';

/**
 * The hash the Kubernetes OpenAPI handlers use for ETags and for v3's
 * `?hash=`: SHA-512 of the served bytes as upper-case hex
 * (k8s.io/kube-openapi pkg/handler3/handler.go `computeETag`).
 */
export function openApiHash(bytes: Uint8Array | string): string {
  return createHash('sha512').update(bytes).digest('hex').toUpperCase();
}

/** A served document: its bytes, hash and HTTP ETag (the hash in double quotes). */
export interface ServedDocument {
  readonly body: Buffer;
  readonly hash: string;
  readonly etag: string;
}

export function servedDocument(document: unknown): ServedDocument {
  const body = Buffer.from(JSON.stringify(document));
  const hash = openApiHash(body);
  return { body, hash, etag: `"${hash}"` };
}

/** Everything about a resource list that changes a generated document; equal lists give equal keys. */
export function resourcesKey(resources: readonly ResourceType[]): string {
  return JSON.stringify(
    resources.map((r) => [
      r.group,
      r.version,
      r.kind,
      r.resource,
      r.namespaced,
      r.verbs,
      r.subresources,
      r.definition,
      r.crd ?? '',
    ]),
  );
}
