import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  volumesUsePodIP,
  VolumeManager,
  type VolumeSource,
} from '../../../../embedded-cluster/kubelet/pods/volumes.js';
import { ManualClock } from '../../../../embedded-cluster/util/clock.js';
import { tempDir } from '../../../support/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir('volumes-startup');
});
afterAll(async () => {
  await dir.remove();
});

/** A source whose TokenRequests are counted, and fail while `failing` is set. */
function tokenSource() {
  const state = { requests: 0, failing: false };
  const source: VolumeSource = {
    configMap: async () => undefined,
    secret: async () => undefined,
    persistentVolumeClaim: async () => undefined,
    persistentVolume: async () => undefined,
    serviceAccountToken: async (_ns, sa, audience, seconds) => {
      if (state.failing) throw new Error('serviceaccounts "default" not found');
      state.requests++;
      return `token-${state.requests}-${sa}-${audience ?? ''}-${seconds}`;
    },
  };
  return { state, source };
}

const tokenPod = (uid: string, expirationSeconds = 3607): CoreV1.Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid },
  spec: {
    containers: [],
    volumes: [
      {
        name: 'kube-api-access',
        projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds } }] },
      },
    ],
  },
});

describe('service account tokens (the kubelet token manager)', () => {
  it('are requested once and rotated after 80 % of their lifetime', async () => {
    const clock = new ManualClock(0);
    const { state, source } = tokenSource();
    const manager = new VolumeManager(dir.path, source, clock);
    const pod = tokenPod('uid-rotate', 1000);
    const read = async () => {
      const volumes = await manager.setUp(pod, { hostIP: '' });
      return readFile(join(volumes.get('kube-api-access')!.hostPath, 'token'), 'utf8');
    };
    expect(await read()).toBe('token-1-default--1000');
    clock.advance(799_000);
    expect(await read()).toBe('token-1-default--1000');
    expect(state.requests).toBe(1);
    clock.advance(1_000);
    expect(await read()).toBe('token-2-default--1000');
  });

  it('keep an unexpired token when asking again fails, and forget a pod torn down', async () => {
    const clock = new ManualClock(0);
    const { state, source } = tokenSource();
    const manager = new VolumeManager(dir.path, source, clock);
    const pod = tokenPod('uid-fail', 1000);
    await manager.setUp(pod, { hostIP: '' });
    state.failing = true;
    clock.advance(900_000);
    await manager.setUp(pod, { hostIP: '' });
    clock.advance(100_000);
    await expect(manager.setUp(pod, { hostIP: '' })).rejects.toThrow('serviceaccounts "default" not found');
    state.failing = false;
    await manager.tearDown('uid-fail');
    await manager.setUp(pod, { hostIP: '' });
    expect(state.requests).toBe(2);
  });

  it('are kept per pod', async () => {
    const { state, source } = tokenSource();
    const manager = new VolumeManager(dir.path, source, new ManualClock(0));
    await manager.setUp(tokenPod('uid-a'), { hostIP: '' });
    await manager.setUp(tokenPod('uid-b'), { hostIP: '' });
    await manager.setUp(tokenPod('uid-a'), { hostIP: '' });
    expect(state.requests).toBe(2);
  });
});

describe('volumesUsePodIP', () => {
  const withVolumes = (volumes: CoreV1.Volume[]): CoreV1.Pod => ({ spec: { containers: [], volumes } });
  const file = (fieldPath: string) => ({ path: 'f', fieldRef: { fieldPath } });

  it('is true only when a downward API file shows the pod IP', () => {
    expect(volumesUsePodIP(tokenPod('x'))).toBe(false);
    expect(
      volumesUsePodIP(withVolumes([{ name: 'd', downwardAPI: { items: [file('metadata.name')] } }])),
    ).toBe(false);
    expect(
      volumesUsePodIP(withVolumes([{ name: 'd', downwardAPI: { items: [file('status.podIP')] } }])),
    ).toBe(true);
    expect(
      volumesUsePodIP(
        withVolumes([
          { name: 'p', projected: { sources: [{ downwardAPI: { items: [file('status.podIPs')] } }] } },
        ]),
      ),
    ).toBe(true);
  });
});
