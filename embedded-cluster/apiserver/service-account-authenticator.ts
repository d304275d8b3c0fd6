import { BUILTIN_RESOURCES } from '../api/builtin-resources.js';
import type { ResourceType } from '../api/catalog.js';
import { isPlainObject, type KubeObject } from '../api/object.js';
import type { Store } from '../store/store.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { UserInfo } from './api-server.js';
import type { TokenAuthenticator } from './auth.js';
import { decodeObject } from './registry/object-codec.js';
import { Registry } from './registry/registry.js';
import {
  API_AUDIENCES,
  LEEWAY_SECONDS,
  SERVICE_ACCOUNT_ISSUER,
  serviceAccountUsername,
  verifiedPayload,
  type ClaimRef,
  type ServiceAccountKey,
} from './service-account-tokens.js';

/**
 * Authentication by service-account token, as kube-apiserver's JWT token authenticator and its
 * service-account validator do it
 * (https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/serviceaccount/jwt.go and
 * claims.go). A token is accepted when
 *
 * - our key signed it and its `iss` is our issuer (any other token is not ours to judge);
 * - it is within its lifetime: `exp`, `nbf` and `iat`, give or take {@link LEEWAY_SECONDS};
 * - one of its audiences is one of the API server's;
 * - its service account still exists with the uid in the token, and so does the pod, secret or
 *   node it is bound to. An object being deleted counts as gone once its `deletionTimestamp` is a
 *   leeway in the past.
 *
 * The user is `system:serviceaccount:<namespace>:<name>` with the account's uid, in the groups
 * `system:serviceaccounts`, `system:serviceaccounts:<namespace>` and `system:authenticated`, with
 * the extra attributes Kubernetes gives it (the bound pod and node, the token's `JTI=` credential
 * id). Unlike kube-apiserver, which caches a token's verdict for 10 s, every request reads the
 * objects again: a token stops working the moment its pod is gone.
 */
export interface ServiceAccountAuthenticatorConfig {
  key: ServiceAccountKey;
  /** Reads the objects a token names (see {@link storeObjectLookup}). */
  lookup: ObjectLookup;
  clock?: Clock;
  logger?: Logger;
  issuer?: string;
  /** The API server's audiences (default {@link API_AUDIENCES}). */
  audiences?: readonly string[];
}

/** The kinds a token names, by resource. */
export type LookupResource = 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';

/** An object as stored, or undefined when there is none; `namespace` is ignored for nodes. */
export type ObjectLookup = (
  resource: LookupResource,
  namespace: string,
  name: string,
) => Promise<KubeObject | undefined>;

/** Extra keys of a service account's user (k8s.io/apiserver/pkg/authentication/serviceaccount). */
export const EXTRA = {
  podName: 'authentication.kubernetes.io/pod-name',
  podUid: 'authentication.kubernetes.io/pod-uid',
  nodeName: 'authentication.kubernetes.io/node-name',
  nodeUid: 'authentication.kubernetes.io/node-uid',
  credentialId: 'authentication.kubernetes.io/credential-id',
} as const;

/** The user a service-account token authenticates as, or undefined (→ 401). */
export function serviceAccountTokenAuthenticator(
  config: ServiceAccountAuthenticatorConfig,
): TokenAuthenticator {
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? silentLogger;
  const issuer = config.issuer ?? SERVICE_ACCOUNT_ISSUER;
  const audiences = new Set(config.audiences ?? API_AUDIENCES);

  return async (token) => {
    const payload = verifiedPayload(config.key, token);
    if (!payload || payload.iss !== issuer) return undefined;
    const claims = readClaims(payload);
    if (!claims) return undefined;
    const now = clock.now() / 1000;
    if (claims.exp === undefined || now > claims.exp + LEEWAY_SECONDS) return undefined;
    if (claims.nbf !== undefined && now + LEEWAY_SECONDS < claims.nbf) return undefined;
    if (claims.iat !== undefined && now + LEEWAY_SECONDS < claims.iat) return undefined;
    if (!claims.aud.some((aud) => audiences.has(aud))) return undefined;

    const { namespace, serviceaccount, pod, secret, node } = claims.kubernetes;
    const live = async (resource: LookupResource, ref: ClaimRef | undefined) => {
      if (!ref?.name) return false;
      const obj = await config.lookup(resource, namespace, ref.name);
      if (!obj || obj.metadata.uid !== ref.uid) return false;
      const deleted = obj.metadata.deletionTimestamp;
      return !deleted || Date.parse(deleted) >= (now - LEEWAY_SECONDS) * 1000;
    };
    try {
      if (!(await live('serviceaccounts', serviceaccount))) return undefined;
      if (secret && !(await live('secrets', secret))) return undefined;
      if (pod && !(await live('pods', pod))) return undefined;
      // A pod's node is there for information; a token bound to a node alone lives with it.
      if (node && !pod && !(await live('nodes', node))) return undefined;
    } catch (error) {
      logger.warn('could not check a service-account token', { error: String(error) });
      return undefined;
    }

    const extra: Record<string, string[]> = {};
    if (pod) {
      extra[EXTRA.podName] = [pod.name!];
      extra[EXTRA.podUid] = [pod.uid!];
    }
    if (node?.name) extra[EXTRA.nodeName] = [node.name];
    if (node?.uid) extra[EXTRA.nodeUid] = [node.uid];
    if (claims.jti) extra[EXTRA.credentialId] = [`JTI=${claims.jti}`];
    return {
      username: serviceAccountUsername(namespace, serviceaccount.name!),
      uid: serviceaccount.uid!,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
    } satisfies UserInfo;
  };
}

/** The claims an authenticator reads, checked for shape. */
interface ReadClaims {
  aud: string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  kubernetes: {
    namespace: string;
    serviceaccount: ClaimRef;
    pod?: ClaimRef;
    secret?: ClaimRef;
    node?: ClaimRef;
  };
}

function readClaims(payload: Record<string, unknown>): ReadClaims | undefined {
  // `aud` may be one string or a list (RFC 7519 §4.1.3).
  const aud = typeof payload.aud === 'string' ? [payload.aud] : payload.aud;
  if (!Array.isArray(aud) || !aud.every((a) => typeof a === 'string')) return undefined;
  const times = ['exp', 'nbf', 'iat'] as const;
  if (times.some((t) => payload[t] !== undefined && typeof payload[t] !== 'number')) return undefined;
  const k8s = payload['kubernetes.io'];
  if (!isPlainObject(k8s) || typeof k8s.namespace !== 'string' || !k8s.namespace) return undefined;
  const refs: Partial<Record<'serviceaccount' | 'pod' | 'secret' | 'node', ClaimRef>> = {};
  for (const key of ['serviceaccount', 'pod', 'secret', 'node'] as const) {
    if (k8s[key] === undefined) continue;
    const value = ref(k8s[key]);
    if (!value) return undefined;
    refs[key] = value;
  }
  const { serviceaccount, ...bound } = refs;
  if (!serviceaccount?.name || !serviceaccount.uid) return undefined;
  return {
    aud,
    exp: payload.exp as number | undefined,
    nbf: payload.nbf as number | undefined,
    iat: payload.iat as number | undefined,
    ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}),
    kubernetes: { namespace: k8s.namespace, serviceaccount, ...bound },
  };
}

function ref(value: unknown): ClaimRef | undefined {
  if (!isPlainObject(value)) return undefined;
  const { name, uid } = value;
  if ((name !== undefined && typeof name !== 'string') || (uid !== undefined && typeof uid !== 'string')) {
    return undefined;
  }
  return { ...(name ? { name } : {}), ...(uid ? { uid } : {}) };
}

/**
 * An {@link ObjectLookup} reading `store` directly: authentication runs before any handler, and
 * it only needs the current object.
 */
export function storeObjectLookup(store: Store): ObjectLookup {
  const registry = new Registry(store);
  const types = new Map<string, ResourceType>(
    BUILTIN_RESOURCES.filter((r) => r.group === '').map((r) => [r.resource, r]),
  );
  return async (resource, namespace, name) => {
    const kv = await registry.current(types.get(resource)!, namespace, name);
    return kv && decodeObject(kv);
  };
}
