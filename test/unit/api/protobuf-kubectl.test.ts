import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeKubernetesProtobuf,
  PROTOBUF_MEDIA_TYPE,
} from '../../../embedded-cluster/api/protobuf/index.js';
import {
  echoResponder,
  findKubectl132,
  lastBody,
  runKubectl,
  startFakeApiServer,
  withoutNulls,
  type FakeApiServer,
} from './protobuf-capture.js';
import { BINARY_FILE, commandArgs, KUBECTL_COMMANDS } from './protobuf-commands.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/protobuf/kubectl-1.32/', import.meta.url));
const fixture = (name: string, ext: 'bin' | 'json') => join(FIXTURES, `${name}.${ext}`);

/** What the commands kubectl cannot show with `--dry-run=client` send. */
const EXPECTED: Record<string, unknown> = {
  'can-i-create-pods': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    status: { allowed: false },
  },
  'can-i-subresource': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: {
      resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods', subresource: 'log' },
    },
    status: { allowed: false },
  },
  'can-i-nonresource': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    status: { allowed: false },
  },
  'can-i-list': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: {},
    spec: { namespace: 'default' },
    status: { incomplete: false },
  },
  'create-token': {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: {},
    spec: { audiences: ['api'], expirationSeconds: 3600 },
    status: { token: '' },
  },
  whoami: {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: {},
    status: { userInfo: {} },
  },
};

describe('bodies kubectl 1.32 sent (test/fixtures/protobuf/kubectl-1.32)', () => {
  it.each(KUBECTL_COMMANDS.map((c) => [c.name, c] as const))('kubectl %s', (name, command) => {
    const decoded = decodeKubernetesProtobuf(readFileSync(fixture(name, 'bin')));
    const expected = command.dryRun
      ? // the object as kubectl itself printed it (`--dry-run=client -o json`)
        withoutNulls(JSON.parse(readFileSync(fixture(name, 'json'), 'utf8')))
      : EXPECTED[name];
    expect(decoded.object).toEqual(expected);
  });

  it('include binary data, int-or-strings, a zero replica count and owner references', () => {
    const object = (name: string) => decodeKubernetesProtobuf(readFileSync(fixture(name, 'bin'))).object;
    expect(object('configmap')).toMatchObject({ binaryData: { blob: BINARY_FILE.toString('base64') } });
    expect(object('pdb-min-available')).toMatchObject({ spec: { minAvailable: '50%' } });
    expect(object('pdb-max-unavailable')).toMatchObject({ spec: { maxUnavailable: 0 } });
    expect(object('deployment-zero-replicas')).toMatchObject({ spec: { replicas: 0 } });
    expect(object('service-clusterip')).toMatchObject({
      spec: {
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 443, targetPort: 'https' },
        ],
      },
    });
    expect(object('job-from-cronjob')).toMatchObject({
      metadata: { ownerReferences: [{ kind: 'CronJob', name: 'nightly', controller: true }] },
    });
  });
});

/**
 * Live: kubectl 1.32 against a throwaway HTTPS server that decodes each protobuf body with
 * Kubedesk's decoder and answers with the result. kubectl prints that answer (`--dry-run=server`),
 * which must be exactly what it prints for the object it built (`--dry-run=client`).
 */
const kubectl = findKubectl132();

describe.skipIf(!kubectl)('kubectl 1.32 against a server that decodes its protobuf', () => {
  let dir: string;
  let server: FakeApiServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubedesk-protobuf-'));
    writeFileSync(join(dir, 'blob.bin'), BINARY_FILE);
    server = await startFakeApiServer(dir, echoResponder);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const live = ['configmap', 'deployment', 'cronjob', 'service-clusterip', 'pdb-min-available', 'ingress'];
  it.each(live)('kubectl create … %s: the server understood what kubectl meant', async (name) => {
    const command = KUBECTL_COMMANDS.find((c) => c.name === name)!;
    const client = await runKubectl(
      kubectl!,
      server.kubeconfig,
      commandArgs(command, dir, ['--dry-run=client', '-o', 'json']),
    );
    expect(client.stderr).toBe('');
    server.requests.length = 0;
    const viaServer = await runKubectl(
      kubectl!,
      server.kubeconfig,
      commandArgs(command, dir, ['--dry-run=server', '-o', 'json']),
    );
    expect(viaServer.stderr).toBe('');
    const request = lastBody(server.requests)!;
    expect(request.method).toBe('POST');
    expect(request.contentType).toBe(PROTOBUF_MEDIA_TYPE);
    expect(request.accept).toBe('application/vnd.kubernetes.protobuf,application/json');
    expect(viaServer.stdout).toBe(client.stdout);
  });

  it('kubectl auth can-i: the review the server decodes asks what was asked', async () => {
    server.requests.length = 0;
    const result = await runKubectl(kubectl!, server.kubeconfig, [
      'auth',
      'can-i',
      'delete',
      'deployments.apps',
      '-n',
      'prod',
    ]);
    expect(result.stdout.trim()).toBe('yes');
    const request = lastBody(server.requests)!;
    expect(request.accept).toBe('application/vnd.kubernetes.protobuf,application/json');
    expect(decodeKubernetesProtobuf(request.body).object).toMatchObject({
      spec: {
        resourceAttributes: { namespace: 'prod', verb: 'delete', group: 'apps', resource: 'deployments' },
      },
    });
  });
});

it('keeps a recorded body for every command', () => {
  expect(KUBECTL_COMMANDS.filter((c) => !existsSync(fixture(c.name, 'bin'))).map((c) => c.name)).toEqual([]);
});
