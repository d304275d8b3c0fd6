import { storagePrefix, type ResourceType } from '../../api/catalog.js';
import { errors } from '../../api/errors.js';

/**
 * Storage keys: `/registry/<group/>resource/<namespace>/<name>` for
 * namespaced resources, `/registry/<group/>resource/<name>` otherwise.
 */
export function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return type.namespaced ? `${storagePrefix(type)}${namespace}/${name}` : `${storagePrefix(type)}${name}`;
}

/** The prefix covering a whole collection: every namespace, or one. */
export function collectionPrefix(type: ResourceType, namespace: string | undefined): string {
  return type.namespaced && namespace ? `${storagePrefix(type)}${namespace}/` : storagePrefix(type);
}

/**
 * A list continuation: the revision the first page was read at and the key
 * to go on from, opaque to clients (base64 JSON, as Kubernetes'
 * storage/continue.go encodes it).
 */
export interface ContinueToken {
  revision: number;
  /** The next key to read, relative to the collection prefix. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.revision, start: token.start }),
  ).toString('base64url');
}

export function decodeContinue(value: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      v?: string;
      rv?: number;
      start?: string;
    };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') {
      throw new Error('bad shape');
    }
    if (parsed.start.includes('..') || parsed.start.startsWith('/')) throw new Error('bad start key');
    return { revision: parsed.rv, start: parsed.start };
  } catch {
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}
