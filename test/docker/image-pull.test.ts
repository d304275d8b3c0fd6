/**
 * Image pulls with `imagePullSecrets` against a real registry (Debian's docker-registry with
 * htpasswd auth on 127.0.0.1): the kubelet on Docker pulls with a pod's dockerconfigjson secret,
 * reports the registry's own words without it (ErrImagePull, then ImagePullBackOff) and for a
 * missing tag, and warns about a secret it cannot find but pulls all the same.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { dockerUnavailable, removeNodeContainers } from '../support/docker.js';
import { registryUnavailable, startRegistry, type TestRegistry } from '../support/registry.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const skip = (await dockerUnavailable()) ?? (await registryUnavailable());
if (skip) console.warn(skip);

const node = `pull-${process.pid}`;

/** Containers the node made, by its label. */
type Waiting = { reason?: string; message?: string };

describe.skipIf(skip)('image pulls with imagePullSecrets, from a real registry', () => {
  let registry: TestRegistry;
  let cluster: TestCluster;
  /** The pushed image, `127.0.0.1:<port>/kubedesk-test/busybox:pull-<pid>`, absent locally at first. */
  let image: string;
  const pods = () => cluster.client.resource(resources.pods);

  beforeAll(async () => {
    registry = await startRegistry();
    image = await registry.push('busybox:latest', `kubedesk-test/busybox:pull-${process.pid}`);
    cluster = await startTestCluster({ controlPlane: true, runtime: 'docker', nodeName: node });
    const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
    const config = { auths: { [`http://${registry.host}`]: { username: registry.username, auth } } };
    await cluster.client.resource(resources.secrets).create({
      metadata: { name: 'regcred', namespace: 'default' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
    });
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
    removeNodeContainers(node);
    if (image) execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
    await registry?.stop();
  }, 60_000);

  const podOf = (name: string, podImage: string, secrets: string[]): CoreV1.Pod => ({
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'app', image: podImage, imagePullPolicy: 'Always', command: ['sleep', '3600'] }],
      imagePullSecrets: secrets.map((secret) => ({ name: secret })),
      terminationGracePeriodSeconds: 1,
    },
  });

  /** The pod's events as `reason: message`. */
  const eventsOf = async (name: string) =>
    (
      await cluster.client
        .resource(resources.events)
        .list({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` })
    ).items.map((e) => `${e.reason}: ${e.message}`);

  /** Create the pod and watch its container's waiting states until `done` says enough. */
  async function waitingStates(pod: CoreV1.Pod, done: (seen: Waiting[]) => boolean): Promise<Waiting[]> {
    const seen: Waiting[] = [];
    const abort = new AbortController();
    const name = pod.metadata!.name!;
    const watch = pods().watch({
      namespace: 'default',
      fieldSelector: `metadata.name=${name}`,
      signal: abort.signal,
    });
    const watching = (async () => {
      for await (const event of watch) {
        const waiting = (event.object as CoreV1.Pod).status?.containerStatuses?.[0]?.state?.waiting;
        const last = seen.at(-1);
        if (waiting && (waiting.reason !== last?.reason || waiting.message !== last?.message))
          seen.push({ reason: waiting.reason, message: waiting.message });
        if (done(seen)) return;
      }
    })();
    await pods().create(pod);
    const timeout = setTimeout(() => abort.abort(), 45_000);
    await watching.catch((error: unknown) => {
      if (!abort.signal.aborted) throw error;
    });
    clearTimeout(timeout);
    abort.abort();
    return seen;
  }

  it('pulls with a dockerconfigjson secret and runs the pod', async () => {
    await pods().create(podOf('with-secret', image, ['regcred']));
    await vi.waitFor(
      async () => expect((await pods().get('with-secret', 'default')).status?.phase).toBe('Running'),
      { timeout: 60_000, interval: 250 },
    );
    const status = (await pods().get('with-secret', 'default')).status?.containerStatuses?.[0];
    expect(status).toMatchObject({ image, ready: true, state: { running: expect.any(Object) } });
    await vi.waitFor(
      async () =>
        expect(await eventsOf('with-secret')).toEqual(
          expect.arrayContaining([
            `Pulling: Pulling image "${image}"`,
            expect.stringMatching(new RegExp(`^Pulled: Successfully pulled image "${escape(image)}" in `)),
            'Started: Started container app',
          ]),
        ),
      { timeout: 10_000, interval: 250 },
    );
  }, 90_000);

  it('without the secret: ErrImagePull with the registry’s words, then ImagePullBackOff', async () => {
    const seen = await waitingStates(podOf('no-secret', image, []), (states) =>
      states.some((s) => s.reason === 'ImagePullBackOff'),
    );
    const pullFailed = seen.find((s) => s.reason === 'ErrImagePull');
    expect(pullFailed?.message).toMatch(/no basic auth credentials|unauthorized/);
    expect(seen.at(-1)).toEqual({ reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` });
    expect(seen.indexOf(pullFailed!)).toBeLessThan(seen.length - 1);
    await vi.waitFor(
      async () =>
        expect(await eventsOf('no-secret')).toEqual(
          expect.arrayContaining([
            `Failed: Failed to pull image "${image}": ${pullFailed!.message}`,
            'Failed: Error: ErrImagePull',
            `BackOff: Back-off pulling image "${image}"`,
          ]),
        ),
      { timeout: 10_000, interval: 250 },
    );
  }, 90_000);

  it('a missing tag: ErrImagePull with the registry’s “manifest unknown”', async () => {
    const missing = image.replace(/:[^:]+$/, ':nope');
    const seen = await waitingStates(podOf('no-tag', missing, ['regcred']), (states) =>
      states.some((s) => s.reason === 'ErrImagePull'),
    );
    expect(seen.find((s) => s.reason === 'ErrImagePull')?.message).toBe(
      `manifest for ${missing} not found: manifest unknown: manifest unknown`,
    );
  }, 90_000);

  it('warns about a pull secret it cannot find, and pulls with the others', async () => {
    await pods().create(podOf('missing-secret', image, ['absent', 'regcred']));
    await vi.waitFor(
      async () => expect((await pods().get('missing-secret', 'default')).status?.phase).toBe('Running'),
      { timeout: 60_000, interval: 250 },
    );
    await vi.waitFor(
      async () =>
        expect(await eventsOf('missing-secret')).toContain(
          'FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets (absent); attempting to pull the image may not succeed.',
        ),
      { timeout: 10_000, interval: 250 },
    );
  }, 90_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
