import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureServiceAccountKey,
  serviceAccountClaims,
  signToken,
  type ServiceAccountKey,
} from '../../embedded-cluster/apiserver/service-account-tokens.js';
import { ApiClient } from '../support/api-client.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let api: ApiClient;
let account: { metadata: { name: string; namespace: string; uid: string } };
beforeAll(async () => {
  cluster = await startTestCluster();
  api = new ApiClient(cluster.url, cluster.token, cluster.caCert);
  expect((await api.post('/api/v1/namespaces', { metadata: { name: 'tokens' } })).status).toBe(201);
  account = await createAccount('robot');
});
afterAll(async () => {
  api?.close();
  await cluster?.destroy();
});

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const SA_PATH = '/api/v1/namespaces/tokens/serviceaccounts';

async function createAccount(name: string) {
  const res = await api.post(SA_PATH, { metadata: { name } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function requestToken(name: string, spec: Record<string, unknown> = {}) {
  return api.post(`${SA_PATH}/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec,
  });
}

async function tokenFor(name: string, spec: Record<string, unknown> = {}): Promise<string> {
  const res = await requestToken(name, spec);
  expect(res.status, res.text).toBe(201);
  return res.body.status.token;
}

function jwtPart(token: string, index: 0 | 1) {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8'));
}

async function statusWith(token: string): Promise<number> {
  return (await api.get('/api/v1/namespaces', { token })).status;
}

const k = (args: string[]) => kubectl(cluster.kubeconfigPath, args);

describe('the service-account signing key', () => {
  it('is sa.key (0600) and sa.pub in the PKI directory, and verifies the tokens', async () => {
    const pki = join(cluster.dataDir, 'pki');
    expect((await stat(join(pki, 'sa.key'))).mode & 0o777).toBe(0o600);
    const publicKey = createPublicKey(await readFile(join(pki, 'sa.pub'), 'utf8'));
    expect(publicKey.asymmetricKeyType).toBe('ec');
    const token = await tokenFor('robot');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(
      verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
  });
});

describe('TokenRequest (POST serviceaccounts/<name>/token)', () => {
  it('is in discovery as serviceaccounts/token, creating authentication.k8s.io/v1 TokenRequests', async () => {
    const core = (await api.get('/api/v1')).body;
    expect(core.resources.find((r: { name: string }) => r.name === 'serviceaccounts/token')).toEqual({
      name: 'serviceaccounts/token',
      singularName: '',
      namespaced: true,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    });
  });

  it('answers 201 with the request filled in and a token with the claims Kubernetes gives', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await requestToken('robot');
    const after = Math.ceil(Date.now() / 1000);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'robot', namespace: 'tokens' },
      spec: { audiences: [ISSUER], expirationSeconds: 3600, boundObjectRef: null },
    });
    const { token, expirationTimestamp } = res.body.status;
    expect(jwtPart(token, 0)).toEqual({ alg: 'ES256', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const claims = jwtPart(token, 1);
    expect(Object.keys(claims)).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    expect(claims).toMatchObject({
      aud: [ISSUER],
      iss: ISSUER,
      sub: 'system:serviceaccount:tokens:robot',
      'kubernetes.io': {
        namespace: 'tokens',
        serviceaccount: { name: 'robot', uid: account.metadata.uid },
      },
    });
    expect(claims['kubernetes.io']).not.toHaveProperty('warnafter');
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(after);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp).toBe(claims.iat + 3600);
    expect(Date.parse(expirationTimestamp) / 1000).toBe(claims.exp);
  });

  it('takes the audiences and lifetime asked for', async () => {
    const token = await tokenFor('robot', { audiences: ['vault', ISSUER], expirationSeconds: 7200 });
    const claims = jwtPart(token, 1);
    expect(claims.aud).toEqual(['vault', ISSUER]);
    expect(claims.exp - claims.iat).toBe(7200);
  });

  it('refuses a lifetime under 10 minutes with Kubernetes’ message', async () => {
    const res = await requestToken('robot', { expirationSeconds: 100 });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      reason: 'Invalid',
      message:
        'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 100: may not specify a duration less than 10 minutes',
      details: {
        group: 'authentication.k8s.io',
        kind: 'TokenRequest',
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds' }],
      },
    });
  });

  it('answers 404 for a service account or bound object that does not exist, 409 for a bound uid that differs', async () => {
    const missing = await requestToken('nobody');
    expect([missing.status, missing.body.message]).toEqual([404, 'serviceaccounts "nobody" not found']);
    const noPod = await requestToken('robot', {
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' },
    });
    expect([noPod.status, noPod.body.message]).toEqual([404, 'pods "gone" not found']);
    const noSecret = await requestToken('robot', {
      boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'gone' },
    });
    expect([noSecret.status, noSecret.body.message]).toEqual([404, 'secrets "gone" not found']);

    await api.post('/api/v1/namespaces/tokens/secrets', { metadata: { name: 'held' } });
    const wrongUid = await requestToken('robot', {
      boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'held', uid: 'not-its-uid' },
    });
    expect(wrongUid.status).toBe(409);
    expect(wrongUid.body.message).toBe(
      'Operation cannot be fulfilled on Secret "held": the UID in the bound object reference (not-its-uid) does not match the UID in record. The object might have been deleted and then recreated',
    );
    const deployment = await requestToken('robot', {
      boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web' },
    });
    expect([deployment.status, deployment.body.message]).toEqual([
      400,
      'cannot bind token to object of type apps/v1, Kind=Deployment',
    ]);
  });
});

describe('authentication by service-account token', () => {
  it('lets the bearer in as the service account', async () => {
    const token = await tokenFor('robot');
    expect(await statusWith(token)).toBe(200);

    const whoami = await k(['auth', 'whoami', '--token', token, '-o', 'json']);
    expect(whoami.stderr).toBe('');
    const { userInfo } = JSON.parse(whoami.stdout).status;
    expect(userInfo).toEqual({
      username: 'system:serviceaccount:tokens:robot',
      uid: account.metadata.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:tokens', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${jwtPart(token, 1).jti}`] },
    });
    const table = await k(['auth', 'whoami', '--token', token]);
    expect(table.stdout).toMatch(/^Username\s+system:serviceaccount:tokens:robot$/m);
  });

  describe('refuses (401)', () => {
    let key: ServiceAccountKey;
    beforeAll(async () => {
      key = await ensureServiceAccountKey(join(cluster.dataDir, 'pki'));
    });
    const forge = (signer: ServiceAccountKey, nowMs: number, audiences = [ISSUER]) =>
      signToken(
        signer,
        serviceAccountClaims({
          serviceAccount: account as never,
          audiences,
          now: nowMs,
          expirationSeconds: 3600,
        }),
      );

    it('an expired token (and takes the same token while it is valid)', async () => {
      expect(await statusWith(forge(key, Date.now()))).toBe(200);
      expect(await statusWith(forge(key, Date.now() - 3600_000 - 120_000))).toBe(401);
    });

    it('a token signed by another key, or changed after signing', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expect(await statusWith(forge({ ...key, ...other }, Date.now()))).toBe(401);
      const [header, , signature] = (await tokenFor('robot')).split('.');
      const payload = jwtPart(await tokenFor('robot'), 1);
      payload.sub = 'system:serviceaccount:tokens:admin';
      const changed = Buffer.from(JSON.stringify(payload)).toString('base64url');
      expect(await statusWith(`${header}.${changed}.${signature}`)).toBe(401);
      expect(await statusWith(`${header}.${changed}.`)).toBe(401);
    });

    it('a token for another audience', async () => {
      expect(await statusWith(await tokenFor('robot', { audiences: ['vault'] }))).toBe(401);
      expect(await statusWith(forge(key, Date.now(), ['vault']))).toBe(401);
    });

    it('a token whose service account was deleted, even when one of its name is made again', async () => {
      await createAccount('temp');
      const token = await tokenFor('temp');
      expect(await statusWith(token)).toBe(200);
      expect((await api.delete(`${SA_PATH}/temp`)).status).toBe(200);
      expect(await statusWith(token)).toBe(401);
      await createAccount('temp');
      expect(await statusWith(token)).toBe(401);
    });

    it('a token bound to a pod once the pod is deleted', async () => {
      const pod = await api.post('/api/v1/namespaces/tokens/pods', {
        metadata: { name: 'worker' },
        spec: { serviceAccountName: 'robot', containers: [{ name: 'main', image: 'busybox' }] },
      });
      expect(pod.status, pod.text).toBe(201);
      const token = await tokenFor('robot', {
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'worker' },
      });
      expect(jwtPart(token, 1)['kubernetes.io'].pod).toEqual({ name: 'worker', uid: pod.body.metadata.uid });
      expect(await statusWith(token)).toBe(200);
      const whoami = JSON.parse((await k(['auth', 'whoami', '--token', token, '-o', 'json'])).stdout);
      expect(whoami.status.userInfo.extra).toMatchObject({
        'authentication.kubernetes.io/pod-name': ['worker'],
        'authentication.kubernetes.io/pod-uid': [pod.body.metadata.uid],
      });

      expect((await api.delete('/api/v1/namespaces/tokens/pods/worker')).status).toBe(200);
      expect(await statusWith(token)).toBe(401);
    });
  });

  it('gives a pod’s projected token (3607 s) a year, with warnafter at 3607 s', async () => {
    const pod = await api.post('/api/v1/namespaces/tokens/pods', {
      metadata: { name: 'projected' },
      spec: { serviceAccountName: 'robot', containers: [{ name: 'main', image: 'busybox' }] },
    });
    expect(pod.status, pod.text).toBe(201);
    const res = await requestToken('robot', {
      expirationSeconds: 3607,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'projected', uid: pod.body.metadata.uid },
    });
    expect(res.status, res.text).toBe(201);
    const claims = jwtPart(res.body.status.token, 1);
    expect(claims.exp - claims.iat).toBe(365 * 24 * 3600);
    expect(claims['kubernetes.io'].warnafter).toBe(claims.iat + 3607);
    expect(Date.parse(res.body.status.expirationTimestamp) / 1000).toBe(claims.iat + 3607);
    expect(await statusWith(res.body.status.token)).toBe(200);
  });
});

describe('kubectl create token', () => {
  it('prints a JWT for the service account', async () => {
    const result = await k(['create', 'token', 'robot', '-n', 'tokens']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = jwtPart(result.stdout, 1);
    expect(claims.sub).toBe('system:serviceaccount:tokens:robot');
    expect(claims.exp - claims.iat).toBe(3600);
    expect(await statusWith(result.stdout)).toBe(200);
  });

  it('passes --duration, --audience and a bound object', async () => {
    await api.post('/api/v1/namespaces/tokens/secrets', { metadata: { name: 'anchor' } });
    const result = await k([
      'create',
      'token',
      'robot',
      '-n',
      'tokens',
      '--duration=2h',
      '--audience=vault',
      '--bound-object-kind=Secret',
      '--bound-object-name=anchor',
    ]);
    expect(result.stderr).toBe('');
    const claims = jwtPart(result.stdout, 1);
    expect(claims.aud).toEqual(['vault']);
    expect(claims.exp - claims.iat).toBe(7200);
    expect(claims['kubernetes.io'].secret).toEqual({ name: 'anchor', uid: expect.any(String) });
  });

  it('reports the server’s errors as a real cluster does', async () => {
    const short = await k(['create', 'token', 'robot', '-n', 'tokens', '--duration=100s']);
    expect(short.code).not.toBe(0);
    expect(short.stderr.trim()).toBe(
      'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 100: may not specify a duration less than 10 minutes',
    );
    const missing = await k(['create', 'token', 'nobody', '-n', 'tokens']);
    expect(missing.stderr.trim()).toBe('error: failed to create token: serviceaccounts "nobody" not found');
  });
});
