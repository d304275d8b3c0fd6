import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { UserInfo } from './api-server.js';
import { ensurePrivateDir, readIfExists, tightenMode, writePrivateFile } from './private-file.js';

/**
 * Bearer-token authentication: the local admin user, and service accounts by their tokens.
 *
 * The token is made once (32 random bytes, base64url) and kept in `DATA_DIR/pki/token` (0600);
 * the kubeconfig carries it. A request authenticates as {@link ADMIN_USER} when its
 * `Authorization` header is `Bearer <token>`, read as Kubernetes' bearer-token authenticator reads
 * it: the scheme in any case, the token up to the next space
 * (https://github.com/kubernetes/kubernetes/blob/v1.32.0/staging/src/k8s.io/apiserver/pkg/authentication/request/bearertoken/bearertoken.go).
 */
export const ADMIN_USER: Readonly<UserInfo> = Object.freeze({
  username: 'kubedesk-admin',
  groups: Object.freeze(['system:masters', 'system:authenticated']) as string[],
});

/** The token file's name inside the PKI directory. */
export const TOKEN_FILE = 'token';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The cluster's admin token from `pkiDir`, made and stored (0600) on first use. */
export async function ensureToken(pkiDir: string): Promise<string> {
  await ensurePrivateDir(pkiDir);
  const path = join(pkiDir, TOKEN_FILE);
  const stored = (await readIfExists(path))?.trim();
  if (stored !== undefined && TOKEN_PATTERN.test(stored)) {
    await tightenMode(path);
    return stored;
  }
  const token = randomBytes(32).toString('base64url');
  await writePrivateFile(path, `${token}\n`);
  return token;
}

/** Judges one bearer token: the user it stands for, or undefined when it is none this one accepts. */
export type TokenAuthenticator = (token: string) => Promise<UserInfo | undefined>;

/** `authenticate(request)` for the API server: the user, or undefined (→ 401). */
export type Authenticator = (request: IncomingMessage) => Promise<UserInfo | undefined>;

/**
 * `authenticate(request)` for the API server: {@link ADMIN_USER} for a request bearing `token`;
 * else whoever `serviceAccounts` (see service-account-authenticator.ts) says the bearer token
 * stands for; undefined for any other (→ 401). The admin token is compared in constant time,
 * through SHA-256 digests so that a wrong length takes no shortcut either.
 */
export function bearerTokenAuthenticator(token: string, serviceAccounts?: TokenAuthenticator): Authenticator {
  if (token === '') throw new Error('the API token must not be empty');
  const expected = digest(token);
  return async (request) => {
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined) return undefined;
    if (timingSafeEqual(digest(presented), expected)) {
      return { username: ADMIN_USER.username, groups: [...ADMIN_USER.groups] };
    }
    return serviceAccounts?.(presented);
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme, token] = header.trim().split(' ', 2);
  if (scheme?.toLowerCase() !== 'bearer' || !token) return undefined;
  return token;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
