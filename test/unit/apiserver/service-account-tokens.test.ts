import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../embedded-cluster/api/object.js';
import {
  serviceAccountTokenAuthenticator,
  type LookupResource,
} from '../../../embedded-cluster/apiserver/service-account-authenticator.js';
import {
  ensureServiceAccountKey,
  serviceAccountClaims,
  signToken,
  verifiedPayload,
  type ClaimsInput,
  type ServiceAccountKey,
} from '../../../embedded-cluster/apiserver/service-account-tokens.js';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';
import type { Logger } from '../../../embedded-cluster/util/logger.js';
import { tempDir } from '../../support/temp-dir.js';

let dir: { path: string; remove(): Promise<void> };
let pkiDir: string;
let key: ServiceAccountKey;
beforeAll(async () => {
  dir = await tempDir('sa-key');
  pkiDir = join(dir.path, 'pki');
  key = await ensureServiceAccountKey(pkiDir);
});
afterAll(() => dir.remove());

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('ensureServiceAccountKey', () => {
  it('makes a P-256 key, sa.key (0600) and sa.pub, with kid the base64url SHA-256 of the DER public key', async () => {
    expect(key.algorithm).toBe('ES256');
    expect(key.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect((await stat(join(pkiDir, 'sa.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(pkiDir, 'sa.pub'), 'utf8')).toBe(
      key.publicKey.export({ type: 'spki', format: 'pem' }),
    );
    const der = key.publicKey.export({ type: 'spki', format: 'der' });
    expect(key.keyId).toBe(createHash('sha256').update(der).digest('base64url'));
  });

  it('reuses the key, and writes sa.pub again when it is missing or differs', async () => {
    await unlink(join(pkiDir, 'sa.pub'));
    const again = await ensureServiceAccountKey(pkiDir);
    expect(again.keyId).toBe(key.keyId);
    expect(await readFile(join(pkiDir, 'sa.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    await writeFile(join(pkiDir, 'sa.pub'), 'junk');
    await ensureServiceAccountKey(pkiDir);
    expect(await readFile(join(pkiDir, 'sa.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('replaces a key it cannot read, with a warning', async () => {
    const other = await tempDir('sa-key-bad');
    try {
      await ensureServiceAccountKey(other.path);
      await writeFile(join(other.path, 'sa.key'), 'not a key');
      const warnings: string[] = [];
      const logger: Logger = { info() {}, warn: (message) => warnings.push(message), error() {} };
      const replaced = await ensureServiceAccountKey(other.path, logger);
      expect(replaced.algorithm).toBe('ES256');
      expect(warnings).toEqual(['replacing the service-account signing key; tokens it signed stop working']);
    } finally {
      await other.remove();
    }
  });

  it('signs ES256 (a 64-byte r‖s signature), and RS256 with an RSA key put in place of sa.key', async () => {
    const token = signToken(key, { hello: 'world' });
    expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(64);
    const other = await tempDir('sa-key-rsa');
    try {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await writeFile(join(other.path, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const rsa = await ensureServiceAccountKey(other.path);
      expect(rsa.algorithm).toBe('RS256');
      const signed = signToken(rsa, { hello: 'world' });
      expect(verifiedPayload(rsa, signed)).toEqual({ hello: 'world' });
      expect(verifiedPayload(key, signed)).toBeUndefined();
    } finally {
      await other.remove();
    }
  });
});

describe('serviceAccountTokenAuthenticator', () => {
  const objects = new Map<string, KubeObject>();
  const put = (resource: LookupResource, name: string, uid: string, deletionTimestamp?: string) =>
    objects.set(`${resource}/${name}`, {
      apiVersion: 'v1',
      kind: resource,
      metadata: { name, namespace: 'ns', uid, ...(deletionTimestamp ? { deletionTimestamp } : {}) },
    });
  const clock = new ManualClock(T0);
  const warnings: string[] = [];
  let failLookups = false;
  const authenticate = () =>
    serviceAccountTokenAuthenticator({
      key: { ...key },
      clock,
      logger: { info() {}, warn: (message) => warnings.push(message), error() {} },
      lookup: async (resource, _namespace, name) => {
        if (failLookups) throw new Error('store unavailable');
        return objects.get(`${resource}/${name}`);
      },
    });
  const token = (input: Partial<ClaimsInput> = {}) =>
    signToken(
      key,
      serviceAccountClaims({
        serviceAccount: objects.get('serviceaccounts/sa')!,
        audiences: [ISSUER],
        now: T0,
        expirationSeconds: 3600,
        ...input,
      }),
    );

  beforeAll(() => {
    put('serviceaccounts', 'sa', 'sa-uid');
    put('pods', 'web', 'pod-uid');
    put('secrets', 'held', 'secret-uid');
    put('nodes', 'node-1', 'node-uid');
  });

  it('authenticates the service account, with its uid, groups and extra', async () => {
    const jwt = token();
    const jti = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(await authenticate()(jwt)).toEqual({
      username: 'system:serviceaccount:ns:sa',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${jti}`] },
    });
  });

  it('allows a minute of clock skew past exp and before nbf, no more', async () => {
    const jwt = token();
    const at = async (ms: number) => {
      const c = new ManualClock(ms);
      const lookup = async (resource: LookupResource, _namespace: string, name: string) =>
        objects.get(`${resource}/${name}`);
      return serviceAccountTokenAuthenticator({ key, clock: c, lookup })(jwt);
    };
    expect(await at(T0 + 3600_000 + 60_000)).toBeDefined();
    expect(await at(T0 + 3600_000 + 61_000)).toBeUndefined();
    expect(await at(T0 - 60_000)).toBeDefined();
    expect(await at(T0 - 61_000)).toBeUndefined();
  });

  it('refuses another issuer, audience, algorithm or a service account of another uid', async () => {
    const auth = authenticate();
    expect(await auth(token({ issuer: 'https://elsewhere' }))).toBeUndefined();
    expect(await auth(token({ audiences: ['vault'] }))).toBeUndefined();
    const [, payload] = token().split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(await auth(`${none}.${payload}.`)).toBeUndefined();
    const jwt = token();
    put('serviceaccounts', 'sa', 'new-uid');
    try {
      expect(await auth(jwt)).toBeUndefined();
    } finally {
      put('serviceaccounts', 'sa', 'sa-uid');
    }
  });

  it('keeps a pod-bound token while the pod is there, and for a minute of its deletion', async () => {
    const jwt = token({ pod: objects.get('pods/web')!, node: { name: 'node-1', uid: 'node-uid' } });
    const auth = authenticate();
    expect((await auth(jwt))?.extra).toMatchObject({
      'authentication.kubernetes.io/pod-name': ['web'],
      'authentication.kubernetes.io/pod-uid': ['pod-uid'],
      'authentication.kubernetes.io/node-name': ['node-1'],
      'authentication.kubernetes.io/node-uid': ['node-uid'],
    });
    // The pod's node is information only: the token does not depend on it.
    objects.delete('nodes/node-1');
    expect(await auth(jwt)).toBeDefined();
    put('nodes', 'node-1', 'node-uid');

    put('pods', 'web', 'pod-uid', new Date(T0 - 60_000).toISOString());
    expect(await auth(jwt)).toBeDefined();
    put('pods', 'web', 'pod-uid', new Date(T0 - 61_000).toISOString());
    expect(await auth(jwt)).toBeUndefined();
    put('pods', 'web', 'other-uid');
    expect(await auth(jwt)).toBeUndefined();
    objects.delete('pods/web');
    expect(await auth(jwt)).toBeUndefined();
    put('pods', 'web', 'pod-uid');
  });

  it('ties a secret- or node-bound token to its object', async () => {
    const auth = authenticate();
    const secretBound = token({ secret: objects.get('secrets/held')! });
    const nodeBound = token({ node: { name: 'node-1', uid: 'node-uid' } });
    expect(await auth(secretBound)).toBeDefined();
    expect(await auth(nodeBound)).toBeDefined();
    objects.delete('secrets/held');
    objects.delete('nodes/node-1');
    expect(await auth(secretBound)).toBeUndefined();
    expect(await auth(nodeBound)).toBeUndefined();
  });

  it('refuses, with a warning, when the objects cannot be read', async () => {
    failLookups = true;
    try {
      expect(await authenticate()(token())).toBeUndefined();
      expect(warnings).toEqual(['could not check a service-account token']);
    } finally {
      failLookups = false;
    }
  });
});
