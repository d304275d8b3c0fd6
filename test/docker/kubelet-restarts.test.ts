/**
 * `kubedesk serve` and Docker going away and coming back, on a Docker daemon of the test's own:
 * a crashed serve's successor adopts the running containers without restarting them; a Docker
 * daemon restart (which kills every container) is survived; a graceful stop stops the pods and
 * the next start brings them back, as a node reboot does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dockerUnavailable } from '../support/docker.js';
import { kubectl } from '../support/kubectl.js';
import {
  privateDockerUnavailable,
  startPrivateDocker,
  type PrivateDocker,
} from '../support/private-docker.js';
import { tempDir } from '../support/temp-dir.js';

const skip = (await dockerUnavailable()) ?? privateDockerUnavailable();
if (skip) console.warn(skip);

const BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'kubedesk.mjs');
const READY = /^Kubedesk API server ready at \S+ — kubeconfig: (.+)$/m;

interface Pod {
  metadata: { uid: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { containerID?: string; restartCount: number; ready: boolean }[];
  };
}

describe.skipIf(skip)('kubedesk serve across restarts of itself and of Docker', { timeout: 120_000 }, () => {
  let docker: PrivateDocker;
  let data: Awaited<ReturnType<typeof tempDir>>;
  let serve: ChildProcess | undefined;
  let kubeconfig = '';
  const k = (...args: string[]) => kubectl(kubeconfig, args, { timeoutMs: 60_000 });

  /** Start `kubedesk serve` on the private Docker; resolves once it printed its ready line. */
  async function startServe(): Promise<void> {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--data-dir', data.path, '--port', '0', '--no-proxy'],
      {
        env: { ...process.env, DOCKER_HOST: docker.host },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    serve = child;
    let out = '';
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    kubeconfig = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = READY.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`kubedesk serve exited ${code}:\n${out}`)));
    });
  }

  /** Stop serve with `signal`; resolves to its exit code. */
  async function stopServe(signal: NodeJS.Signals): Promise<number | null> {
    const child = serve!;
    serve = undefined;
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }

  const pod = async (name: string) => JSON.parse((await k('get', 'pod', name, '-o', 'json')).stdout) as Pod;
  const readyPod = (name: string) =>
    vi.waitFor(
      async () => {
        const p = await pod(name);
        expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
        return p;
      },
      { timeout: 60_000, interval: 250 },
    );
  /** Ids of the containers running on the private daemon. */
  const running = () => docker.docker('ps', '-q', '--no-trunc').split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    docker = await startPrivateDocker();
    data = await tempDir('restarts');
    await startServe();
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: {
        terminationGracePeriodSeconds: 2,
        containers: [{ name: 'web', image: 'busybox', command: ['httpd', '-f', '-p', '8080', '-h', '/etc'] }],
      },
    };
    expect((await kubectl(kubeconfig, ['apply', '-f', '-'], { input: JSON.stringify(manifest) })).code).toBe(
      0,
    );
  }, 120_000);
  afterAll(async () => {
    if (serve) await stopServe('SIGKILL');
    await docker?.destroy();
    await data?.remove();
  }, 60_000);

  it('adopts the running containers after a crash, without restarting them', async () => {
    const before = await readyPod('web');
    const containers = running();
    expect(containers).toHaveLength(2); // pause and web
    expect(await stopServe('SIGKILL')).toBe(null);
    expect(running()).toEqual(containers);

    await startServe();
    await vi.waitFor(async () => expect((await k('get', 'node', 'kubedesk')).stdout).toMatch(/\sReady\s/), {
      timeout: 60_000,
      interval: 250,
    });
    const after = await readyPod('web');
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.status?.containerStatuses?.[0]?.containerID).toBe(
      before.status?.containerStatuses?.[0]?.containerID,
    );
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(running()).toEqual(containers);
  });

  it('survives a Docker daemon restart: the pod’s sandbox and container are made again', async () => {
    const before = await readyPod('web');
    await docker.restart();
    const after = await vi.waitFor(
      async () => {
        const p = await readyPod('web');
        expect(p.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1);
        return p;
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(after.status?.containerStatuses?.[0]?.containerID).not.toBe(
      before.status?.containerStatuses?.[0]?.containerID,
    );
    const events = (await k('get', 'events', '--field-selector', 'involvedObject.name=web')).stdout;
    expect(events).toContain('Pod sandbox changed, it will be killed and re-created.');
    const exec = await k('exec', 'web', '--', 'wget', '-qO-', 'http://localhost:8080/hostname');
    expect(exec.code).toBe(0);
  });

  it('stops the pods on a graceful stop and brings them back at the next start', async () => {
    const before = await readyPod('web');
    expect(await stopServe('SIGTERM')).toBe(0);
    expect(running()).toEqual([]);

    await startServe();
    // As after a node reboot: the kubelet finds the pod's containers exited and runs them again.
    const after = await vi.waitFor(
      async () => {
        const p = await readyPod('web');
        expect(p.status?.containerStatuses?.[0]?.containerID).not.toBe(
          before.status?.containerStatuses?.[0]?.containerID,
        );
        return p;
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(after.status?.phase).toBe('Running');
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(
      before.status!.containerStatuses![0]!.restartCount,
    );
    expect(running()).toHaveLength(2);
    expect((await k('exec', 'web', '--', 'true')).code).toBe(0);
  });
});
