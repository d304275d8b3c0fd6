import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../embedded-cluster/client/index.js';
import {
  credentialsFor,
  missingPullSecretsMessage,
  podPullSecrets,
  pullCredentials,
  repositoryOf,
} from '../../../embedded-cluster/kubelet/pods/pull-secrets.js';
import { Backoff } from '../../../embedded-cluster/kubelet/pods/backoff.js';
import { startContainer } from '../../../embedded-cluster/kubelet/pods/container-start.js';
import type { ConfigSource } from '../../../embedded-cluster/kubelet/pods/env.js';
import type { PodWorkerDeps } from '../../../embedded-cluster/kubelet/pods/pod-worker.js';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';
import {
  ImagePullError,
  type RegistryAuth,
} from '../../../embedded-cluster/kubelet/runtime/container-runtime.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function secret(name: string, type: string, data: Record<string, string>): CoreV1.Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    type,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

const dockerconfigjson = (name: string, auths: unknown) =>
  secret(name, 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': JSON.stringify({ auths }) });
const dockercfg = (name: string, auths: unknown) =>
  secret(name, 'kubernetes.io/dockercfg', { '.dockercfg': JSON.stringify(auths) });

describe('pull secrets → credentials', () => {
  it('reads kubernetes.io/dockerconfigjson and the legacy kubernetes.io/dockercfg', () => {
    expect(
      pullCredentials([
        dockerconfigjson('new', {
          'registry.example.com': { username: 'u1', password: 'p1', email: 'a@b.c' },
        }),
        dockercfg('old', { 'https://old.example.com': { username: 'u2', password: 'p2' } }),
      ]),
    ).toEqual([
      { server: 'registry.example.com', username: 'u1', password: 'p1' },
      { server: 'https://old.example.com', username: 'u2', password: 'p2' },
    ]);
  });

  it('decodes `auth` (base64 user:password, padded or not), which wins over username/password', () => {
    const padded = b64('alice:s3cr:et'); // the password may hold colons
    const unpadded = b64('bob:pw').replace(/=+$/, '');
    expect(unpadded).not.toMatch(/=$/);
    expect(
      pullCredentials([
        dockerconfigjson('a', {
          'a.example.com': { auth: padded, username: 'ignored', password: 'ignored' },
          'b.example.com': { auth: unpadded },
        }),
      ]),
    ).toEqual([
      { server: 'a.example.com', username: 'alice', password: 's3cr:et' },
      { server: 'b.example.com', username: 'bob', password: 'pw' },
    ]);
  });

  it('does not use identitytoken or registrytoken, as the kubelet does not', () => {
    expect(
      pullCredentials([
        dockerconfigjson('t', { 'r.example.com': { identitytoken: 'id', registrytoken: 'rt' } }),
      ]),
    ).toEqual([{ server: 'r.example.com', username: '', password: '' }]);
  });

  it('ignores other secret types, a type without its key, and empty configs', () => {
    expect(
      pullCredentials([
        secret('opaque', 'Opaque', { '.dockerconfigjson': JSON.stringify({ auths: { x: {} } }) }),
        secret('mismatch', 'kubernetes.io/dockercfg', {
          '.dockerconfigjson': JSON.stringify({ auths: { x: {} } }),
        }),
        secret('empty', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': '{}' }),
        secret('nothing', 'kubernetes.io/dockerconfigjson', {}),
      ]),
    ).toEqual([]);
  });

  it('fails the pull (ErrImagePull) for a secret that does not parse', () => {
    const attempt = (s: CoreV1.Secret) => {
      try {
        pullCredentials([s]);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const bad = attempt(secret('bad', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': '{nope' }));
    expect(bad).toBeInstanceOf(ImagePullError);
    expect(bad).toMatchObject({ reason: 'ErrImagePull', message: expect.stringContaining('default/bad') });
    expect(attempt(dockerconfigjson('noColon', { 'r.io': { auth: b64('no-colon') } }))).toMatchObject({
      message: expect.stringContaining('must be formatted as base64(username:password)'),
    });
    expect(attempt(dockerconfigjson('notB64', { 'r.io': { auth: '!!not base64!!' } }))).toBeInstanceOf(
      ImagePullError,
    );
    expect(attempt(dockercfg('array', ['x']))).toBeInstanceOf(ImagePullError);
    expect(attempt(dockerconfigjson('num', { 'r.io': { username: 7 } }))).toBeInstanceOf(ImagePullError);
  });
});

describe('which credentials an image uses (the keyring lookup)', () => {
  const auth = (server: string, username = server): RegistryAuth => ({ server, username, password: 'p' });
  const users = (image: string, auths: RegistryAuth[]) => credentialsFor(image, auths).map((a) => a.username);

  it('normalizes image references as the kubelet does', () => {
    expect(repositoryOf('busybox')).toBe('docker.io/library/busybox');
    expect(repositoryOf('busybox:1.36')).toBe('docker.io/library/busybox');
    expect(repositoryOf('me/app@sha256:abc')).toBe('docker.io/me/app');
    expect(repositoryOf('index.docker.io/me/app:1')).toBe('docker.io/me/app');
    expect(repositoryOf('localhost/app')).toBe('localhost/app');
    expect(repositoryOf('127.0.0.1:5000/team/app:v1')).toBe('127.0.0.1:5000/team/app');
  });

  it('matches by registry host, with or without a scheme or /v1/ /v2/ path', () => {
    const auths = [
      auth('https://registry.example.com', 'https'),
      auth('http://registry.example.com/v2/', 'v2'),
      auth('other.example.com', 'other'),
    ];
    expect(users('registry.example.com/team/app:1', auths)).toEqual(['https', 'v2']);
    expect(users('other.example.com/app', auths)).toEqual(['other']);
    expect(users('third.example.com/app', auths)).toEqual([]);
  });

  it('requires the same port, and puts more specific paths first', () => {
    const auths = [
      auth('127.0.0.1:5000', 'host'),
      auth('127.0.0.1:5000/team', 'team'),
      auth('127.0.0.1', 'noport'),
    ];
    expect(users('127.0.0.1:5000/team/app', auths)).toEqual(['team', 'host']);
    expect(users('127.0.0.1:5000/else/app', auths)).toEqual(['host']);
    expect(users('127.0.0.1:6000/team/app', auths)).toEqual([]);
    expect(users('127.0.0.1/app', auths)).toEqual(['noport']);
  });

  it('matches glob host labels, label for label', () => {
    const auths = [auth('*.example.com', 'glob')];
    expect(users('eu.example.com/app', auths)).toEqual(['glob']);
    expect(users('a.b.example.com/app', auths)).toEqual([]);
    expect(users('example.com/app', auths)).toEqual([]);
  });

  it('uses Docker Hub credentials under any of their usual names for Hub images', () => {
    for (const server of [
      'https://index.docker.io/v1/',
      'index.docker.io',
      'docker.io',
      'https://index.docker.io/v2/',
    ]) {
      expect(users('busybox', [auth(server, 'hub'), auth('quay.io', 'quay')])).toEqual(['hub']);
      expect(users('docker.io/me/app:1', [auth(server, 'hub')])).toEqual(['hub']);
      expect(users('quay.io/me/app', [auth(server, 'hub')])).toEqual([]);
    }
  });

  it('keeps every credential filed under the same registry, in order (tried one after another)', () => {
    const auths = pullCredentials([
      dockerconfigjson('first', { 'r.example.com': { username: 'one', password: 'x' } }),
      dockercfg('second', { 'https://r.example.com/': { username: 'two', password: 'y' } }),
    ]);
    expect(users('r.example.com/app', auths)).toEqual(['one', 'two']);
  });
});

describe('fetching a pod’s pull secrets', () => {
  const source = (secrets: CoreV1.Secret[]): ConfigSource => ({
    configMap: async () => undefined,
    secret: async (namespace, name) => {
      if (name === 'broken') throw new Error('the API server is away');
      return secrets.find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name);
    },
  });
  const pod = (names: string[]): CoreV1.Pod => ({
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { containers: [{ name: 'c', image: 'x' }], imagePullSecrets: names.map((name) => ({ name })) },
  });

  it('returns the secrets it finds and names the ones it cannot read, skipping empty names', async () => {
    const there = dockerconfigjson('there', { 'r.io': { username: 'u', password: 'p' } });
    const result = await podPullSecrets(pod(['there', '', 'gone', 'broken']), source([there]));
    expect(result.secrets).toEqual([there]);
    expect(result.missing).toEqual(['gone', 'broken']);
    expect(missingPullSecretsMessage(result.missing)).toBe(
      'Unable to retrieve some image pull secrets (gone, broken); attempting to pull the image may not succeed.',
    );
  });

  it('reads only the pod’s namespace', async () => {
    const elsewhere = { ...dockerconfigjson('s', {}), metadata: { name: 's', namespace: 'other' } };
    expect(await podPullSecrets(pod(['s']), source([elsewhere]))).toEqual({ secrets: [], missing: ['s'] });
  });
});

describe('starting a container with pull secrets', () => {
  /** startContainer against a runtime stub that records each ensureImage call. */
  async function start(options: {
    secrets: CoreV1.Secret[];
    names: string[];
    policy: 'Always' | 'IfNotPresent' | 'Never';
    present?: boolean;
  }) {
    const pulls: { policy: string; auths: RegistryAuth[] | undefined }[] = [];
    const events: string[] = [];
    const waiting: ({ reason: string; message?: string } | undefined)[] = [];
    const clock = new ManualClock(1_000_000);
    const runtime = {
      ensureImage: async (image: string, policy: string, auths?: RegistryAuth[]) => {
        pulls.push({ policy, auths });
        if (policy === 'Never' && !options.present)
          throw new ImagePullError('ErrImageNeverPull', `Container image "${image}" is not present`);
        return 'sha256:feed';
      },
      createContainer: async () => 'c1',
      startContainer: async () => {},
    };
    const deps = {
      nodeName: 'n',
      runtime,
      clock,
      recorder: {
        event: (_o: unknown, type: string, reason: string, message: string) =>
          events.push(`${type} ${reason}: ${message}`),
      },
      configSource: {
        configMap: async () => undefined,
        secret: async (_ns: string, name: string) => options.secrets.find((s) => s.metadata?.name === name),
      },
      backoff: new Backoff(clock),
      pullFailures: new Map<string, number>(),
      dns: () => ({ clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' }),
      volumes: { resolvConfFile: async () => '/node/pods/u1/resolv.conf' },
    } as unknown as PodWorkerDeps;
    const container = {
      name: 'app',
      image: 'r.example.com/app:1',
      imagePullPolicy: options.policy,
      terminationMessagePath: '',
    };
    await startContainer(deps, {
      pod: {
        metadata: { name: 'p', namespace: 'default', uid: 'u1' },
        spec: { containers: [container], imagePullSecrets: options.names.map((name) => ({ name })) },
      },
      container,
      sandbox: {
        id: 's',
        podUid: 'u1',
        namespace: 'default',
        name: 'p',
        state: 'ready',
        createdAt: 0,
        labels: {},
      },
      volumes: new Map(),
      envContext: { hostIP: '10.0.0.1' },
      attempt: 0,
      setWaiting: (w) => waiting.push(w),
      requeue: () => {},
    });
    return { pulls, events, waiting };
  }
  const good = dockerconfigjson('good', {
    'r.example.com': { username: 'u', password: 'p' },
    'quay.io': { username: 'q', password: 'p' },
  });
  const bad = secret('bad', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': '{oops' });

  it('passes the image’s credentials to the runtime and warns about a missing secret', async () => {
    const { pulls, events, waiting } = await start({
      secrets: [good],
      names: ['gone', 'good'],
      policy: 'Always',
    });
    expect(pulls).toEqual([
      { policy: 'Always', auths: [{ server: 'r.example.com', username: 'u', password: 'p' }] },
    ]);
    expect(events[0]).toBe(
      'Warning FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed.',
    );
    expect(events).toContain('Normal Started: Started container app');
    expect(waiting.at(-1)).toBeUndefined();
  });

  it('a secret that does not parse fails a pull (ErrImagePull), but not a start that needs none', async () => {
    const always = await start({ secrets: [bad], names: ['bad'], policy: 'Always' });
    expect(always.pulls).toEqual([]);
    expect(always.waiting.at(-1)).toMatchObject({
      reason: 'ErrImagePull',
      message: expect.stringContaining('default/bad'),
    });
    expect(always.events).toContain('Warning Failed: Error: ErrImagePull');

    const present = await start({ secrets: [bad], names: ['bad'], policy: 'IfNotPresent', present: true });
    expect(present.pulls).toEqual([{ policy: 'Never', auths: undefined }]);
    expect(present.events).toContain('Normal Started: Started container app');

    const absent = await start({ secrets: [bad], names: ['bad'], policy: 'IfNotPresent', present: false });
    expect(absent.waiting.at(-1)).toMatchObject({
      reason: 'ErrImagePull',
      message: expect.stringContaining('default/bad'),
    });
  });
});
