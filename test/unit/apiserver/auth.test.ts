import type { IncomingMessage } from 'node:http';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN_USER,
  bearerTokenAuthenticator,
  ensureToken,
} from '../../../embedded-cluster/apiserver/auth.js';
import { tempDir } from '../../support/temp-dir.js';

let dir: { path: string; remove(): Promise<void> };
let pkiDir: string;
beforeEach(async () => {
  dir = await tempDir('auth');
  pkiDir = join(dir.path, 'pki');
});
afterEach(() => dir.remove());

/** A request with these headers; the authenticator reads nothing else. */
function request(authorization?: string): IncomingMessage {
  return { headers: authorization === undefined ? {} : { authorization } } as IncomingMessage;
}

describe('ensureToken', () => {
  it('makes 32 random bytes, base64url, stored in pki/token with mode 0600', async () => {
    const token = await ensureToken(pkiDir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect((await readFile(join(pkiDir, 'token'), 'utf8')).trim()).toBe(token);
    expect((await stat(join(pkiDir, 'token'))).mode & 0o777).toBe(0o600);
  });

  it('reuses the stored token on later starts', async () => {
    const token = await ensureToken(pkiDir);
    expect(await ensureToken(pkiDir)).toBe(token);
  });

  it('differs between clusters', async () => {
    expect(await ensureToken(join(dir.path, 'a'))).not.toBe(await ensureToken(join(dir.path, 'b')));
  });

  it('replaces a token file that holds no valid token', async () => {
    const token = await ensureToken(pkiDir);
    await writeFile(join(pkiDir, 'token'), '\n');
    const replaced = await ensureToken(pkiDir);
    expect(replaced).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(replaced).not.toBe(token);
  });
});

describe('bearerTokenAuthenticator', () => {
  const token = 'Yk3u1lLyO8Uq5e6l1cU8mG8m2bMZ1kzGfKqgM5oQ3wE';
  const authenticate = bearerTokenAuthenticator(token);

  it('authenticates the admin user, in system:masters, for the right bearer token', async () => {
    expect(await authenticate(request(`Bearer ${token}`))).toEqual({
      username: 'kubedesk-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  });

  it('reads the header as Kubernetes does: any case of "Bearer", surrounding spaces, the token up to a space', async () => {
    expect(await authenticate(request(`bearer ${token}`))).toEqual(ADMIN_USER);
    expect(await authenticate(request(`BEARER ${token}`))).toEqual(ADMIN_USER);
    expect(await authenticate(request(`  Bearer ${token}  `))).toEqual(ADMIN_USER);
    expect(await authenticate(request(`Bearer ${token} trailing`))).toEqual(ADMIN_USER);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['no token', 'Bearer'],
    ['an empty token', 'Bearer '],
    ['another scheme', `Basic ${token}`],
    ['the token alone', token],
    ['a wrong token of the same length', `Bearer ${token.slice(0, -1)}A`],
    ['a prefix of the token', `Bearer ${token.slice(0, 10)}`],
    ['the token and more', `Bearer ${token}x`],
    ['the token in another case', `Bearer ${token.toUpperCase()}`],
    ['two spaces before the token', `Bearer  ${token}`],
  ])('refuses %s', async (_case, header) => {
    expect(await authenticate(request(header))).toBeUndefined();
  });

  it('gives each request its own user object', async () => {
    const user = await authenticate(request(`Bearer ${token}`));
    user?.groups.push('mutated');
    expect((await authenticate(request(`Bearer ${token}`)))?.groups).toEqual([
      'system:masters',
      'system:authenticated',
    ]);
  });

  it('asks the service-account authenticator about any other token, and only then', async () => {
    const asked: string[] = [];
    const withAccounts = bearerTokenAuthenticator(token, async (presented) => {
      asked.push(presented);
      return presented === 'sa-token' ? { username: 'system:serviceaccount:ns:sa', groups: [] } : undefined;
    });
    expect(await withAccounts(request(`Bearer ${token}`))).toEqual(ADMIN_USER);
    expect(await withAccounts(request('Bearer sa-token'))).toEqual({
      username: 'system:serviceaccount:ns:sa',
      groups: [],
    });
    expect(await withAccounts(request('Bearer other'))).toBeUndefined();
    expect(await withAccounts(request(undefined))).toBeUndefined();
    expect(asked).toEqual(['sa-token', 'other']);
  });

  it('refuses to be made with an empty token', () => {
    expect(() => bearerTokenAuthenticator('')).toThrow(/empty/);
  });
});
