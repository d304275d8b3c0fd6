import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isPlainObject, type KubeObject } from '../api/object.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { ensurePrivateDir, readIfExists, tightenMode, writePrivateFile } from './private-file.js';

/**
 * Service-account tokens: the JWTs TokenRequest (`POST …/serviceaccounts/<name>/token`) issues and
 * the API server takes as bearer tokens, made as kube-apiserver makes them.
 *
 * - The signing key is `sa.key` (PKCS#8 PEM, 0600) with `sa.pub` (its SPKI PEM) in the PKI
 *   directory, kubeadm's names for them. We generate P-256 and sign ES256 (kube-apiserver accepts
 *   ECDSA keys; RSA 2048 would cost half a second of the first start); an RSA `sa.key` put there
 *   by hand is used as RS256, kubeadm's default. Compact JWS; the header holds `alg` and `kid`, the key ID being the
 *   unpadded base64url SHA-256 of the DER public key, as `keyIDFromPublicKey` derives it
 *   (https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/serviceaccount/jwt.go).
 * - The claims are those of `Claims()`
 *   (https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/serviceaccount/claims.go), e.g.
 *
 *   ```json
 *   { "aud": ["https://kubernetes.default.svc.cluster.local"], "exp": 1767229200,
 *     "iat": 1767225600, "iss": "https://kubernetes.default.svc.cluster.local",
 *     "jti": "8a1c…", "kubernetes.io": { "namespace": "default",
 *       "node": { "name": "kubedesk", "uid": "…" }, "pod": { "name": "web", "uid": "…" },
 *       "serviceaccount": { "name": "default", "uid": "…" }, "warnafter": 1767229207 },
 *     "nbf": 1767225600, "sub": "system:serviceaccount:default:default" }
 *   ```
 *
 *   `pod` (with the pod's `node`), `secret` or `node` appear when the token is bound to that object.
 */

/** `iss` of every token: kubeadm's `--service-account-issuer`. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** The API server's own audiences (`--api-audiences`, which defaults to the issuer). */
export const API_AUDIENCES: readonly string[] = [SERVICE_ACCOUNT_ISSUER];

/** Clock skew allowed on `exp`, `nbf`, `iat` and bound-object deletion (go-jose's `jwt.DefaultLeeway`). */
export const LEEWAY_SECONDS = 60;

/** Files of the key in the PKI directory. */
export const SA_KEY_FILE = 'sa.key';
export const SA_PUB_FILE = 'sa.pub';

export type SigningAlgorithm = 'RS256' | 'ES256';

/** The key that signs service-account tokens and checks them. */
export interface ServiceAccountKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  algorithm: SigningAlgorithm;
  /** The `kid` header of the tokens it signs. */
  keyId: string;
}

/** A reference in the `kubernetes.io` claim; Go leaves out an empty name or uid. */
export interface ClaimRef {
  name?: string;
  uid?: string;
}

/** The payload of a service-account token, keys in the order Go marshals them. */
export interface ServiceAccountClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    node?: ClaimRef;
    pod?: ClaimRef;
    secret?: ClaimRef;
    serviceaccount: ClaimRef;
    /** Projected pod tokens: when a client should have refreshed, though the token lives on. */
    warnafter?: number;
  };
  nbf: number;
  sub: string;
}

/** `system:serviceaccount:<namespace>:<name>`, the user a token authenticates as. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * The service-account signing key in `dir`, made on first use and reused after. A key that cannot
 * be read or is of a kind we cannot sign with is replaced, with a warning: every token it signed
 * stops working. `sa.pub` is rewritten from the key whenever it differs.
 */
export async function ensureServiceAccountKey(
  dir: string,
  logger: Logger = silentLogger,
): Promise<ServiceAccountKey> {
  await ensurePrivateDir(dir);
  const keyPath = join(dir, SA_KEY_FILE);
  const pubPath = join(dir, SA_PUB_FILE);
  const stored = await readIfExists(keyPath);
  let privateKey: KeyObject | undefined;
  if (stored !== undefined) {
    let problem: string | undefined;
    try {
      privateKey = createPrivateKey(stored);
      if (algorithmOf(privateKey) === undefined) problem = 'it is neither RSA nor ECDSA P-256';
    } catch (error) {
      problem = `it cannot be read (${(error as Error).message})`;
    }
    if (problem === undefined) {
      await tightenMode(keyPath);
    } else {
      logger.warn('replacing the service-account signing key; tokens it signed stop working', {
        file: keyPath,
        reason: problem,
      });
      privateKey = undefined;
    }
  }
  if (!privateKey) {
    // P-256 (ES256), which kube-apiserver accepts as well as RSA: generated in a millisecond, where
    // RSA 2048 costs half a second of the first start on a small machine.
    ({ privateKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' }));
    await writePrivateFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    logger.info('generated the service-account signing key', { file: keyPath });
  }
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  if ((await readIfExists(pubPath)) !== publicPem) await writePrivateFile(pubPath, publicPem);
  else await tightenMode(pubPath);
  return {
    privateKey,
    publicKey,
    algorithm: algorithmOf(privateKey)!,
    keyId: createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64url'),
  };
}

function algorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) {
    return 'RS256';
  }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  return undefined;
}

/** What a token is about and for; the objects as read from the store. */
export interface ClaimsInput {
  serviceAccount: KubeObject;
  /** Bound to this pod; `node` then is the pod's node, as far as it is known. */
  pod?: KubeObject | undefined;
  secret?: KubeObject | undefined;
  node?: ClaimRef | undefined;
  audiences: readonly string[];
  /** Milliseconds since the epoch. */
  now: number;
  expirationSeconds: number;
  /** Set `warnafter` this long after `now` (0 or absent: none). */
  warnAfterSeconds?: number;
  issuer?: string;
}

/**
 * The claims of a new token, as `Claims()` makes them, with a fresh `jti`. go-jose marshals them
 * through a map, so keys come out sorted at every level, and so does this.
 */
export function serviceAccountClaims(input: ClaimsInput): ServiceAccountClaims {
  const { serviceAccount, pod, secret } = input;
  const now = Math.floor(input.now / 1000);
  const namespace = serviceAccount.metadata.namespace ?? '';
  // A pod-bound token names the pod's node too; a secret-bound one no node.
  const node = secret && !pod ? undefined : input.node;
  return {
    aud: [...input.audiences],
    exp: now + input.expirationSeconds,
    iat: now,
    iss: input.issuer ?? SERVICE_ACCOUNT_ISSUER,
    jti: randomUUID(),
    'kubernetes.io': {
      namespace,
      ...(node ? { node: claimRef(node) } : {}),
      ...(pod ? { pod: claimRef(pod.metadata) } : secret ? { secret: claimRef(secret.metadata) } : {}),
      serviceaccount: claimRef(serviceAccount.metadata),
      ...(input.warnAfterSeconds ? { warnafter: now + input.warnAfterSeconds } : {}),
    },
    nbf: now,
    sub: serviceAccountUsername(namespace, serviceAccount.metadata.name ?? ''),
  };
}

function claimRef(ref: { name?: string | undefined; uid?: string | undefined }): ClaimRef {
  return { ...(ref.name ? { name: ref.name } : {}), ...(ref.uid ? { uid: ref.uid } : {}) };
}

/** Sign `claims` into a compact JWS. */
export function signToken(key: ServiceAccountKey, claims: object): string {
  const header = encodePart({ alg: key.algorithm, kid: key.keyId });
  const input = `${header}.${encodePart(claims)}`;
  const signature = sign('sha256', Buffer.from(input), signingKey(key.privateKey, key.algorithm));
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * The payload of `token` when `key` signed it, else undefined (not a JWT, another algorithm or
 * key, a bad signature). Nothing in the payload is checked here but that it is a JSON object.
 */
export function verifiedPayload(key: ServiceAccountKey, token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const head = decodePart(header);
  if (!head || head.alg !== key.algorithm) return undefined;
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    signingKey(key.publicKey, key.algorithm),
    Buffer.from(signature, 'base64url'),
  );
  return valid ? decodePart(payload) : undefined;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function encodePart(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** ES256 signatures are the raw r‖s pair (JWS), not DER. */
function signingKey(key: KeyObject, algorithm: SigningAlgorithm) {
  return algorithm === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
}
