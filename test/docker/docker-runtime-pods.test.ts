import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DockerRuntime } from '../../embedded-cluster/kubelet/docker/docker-runtime.js';
import {
  ImagePullError,
  RUNTIME_LABELS,
  RuntimeUnavailableError,
  type SandboxStatus,
} from '../../embedded-cluster/kubelet/runtime/container-runtime.js';
import {
  busybox,
  dockerUnavailable,
  exited,
  podSandbox,
  readAll,
  run,
  testRuntime,
  type TestRuntime,
} from '../support/docker.js';

const skip = await dockerUnavailable();
if (skip) console.warn(skip);

describe('RuntimeUnavailableError', () => {
  it('names the socket and what to do when Docker is not there', async () => {
    const runtime = new DockerRuntime({ nodeName: 'nowhere', socketPath: '/tmp/no-such-docker.sock' });
    const error = await runtime.version().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    expect((error as Error).message).toContain('unix:///tmp/no-such-docker.sock');
    expect((error as Error).message).toMatch(/install Docker|start Docker/);
    await expect(runtime.listContainers()).rejects.toBeInstanceOf(RuntimeUnavailableError);
  });
});

describe.skipIf(skip)('Docker runtime: pods', () => {
  let t: TestRuntime;
  let sandbox: SandboxStatus;

  beforeAll(async () => {
    t = testRuntime();
    sandbox = await t.runtime.runSandbox(podSandbox('web'));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('reports the Docker version', async () => {
    expect(await t.runtime.version()).toMatchObject({ name: 'docker', version: expect.any(String) });
  });

  it('gives the sandbox an IP on the cluster network, running the pause image', async () => {
    expect(sandbox.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(sandbox.state).toBe('ready');
    expect(sandbox.labels[RUNTIME_LABELS.managedBy]).toBe(t.nodeName);
    const listed = await t.runtime.listSandboxes();
    expect(listed.map((s) => [s.id, s.ip, s.name, s.namespace])).toEqual([
      [sandbox.id, sandbox.ip, 'web', 'default'],
    ]);
  });

  it('lets two containers of a pod talk over localhost', async () => {
    const server = busybox(sandbox, 'server', {
      entrypoint: [
        'sh',
        '-c',
        'mkdir -p /tmp/www && echo hello from server > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www',
      ],
    });
    await run(t.runtime, sandbox, server);
    const client = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'client', { entrypoint: ['sleep', '300'] }),
    );
    let body = '';
    for (let i = 0; i < 50 && !body.includes('hello'); i++) {
      const session = await t.runtime.exec(client, {
        command: ['wget', '-qO-', 'http://127.0.0.1:8080/'],
        stdin: false,
        stdout: true,
        stderr: true,
        tty: false,
      });
      body = await readAll(session.stdout);
      await session.done;
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toBe('hello from server\n');
  });

  it('maps entrypoint and cmd overrides onto the image (command replaces ENTRYPOINT and drops CMD)', async () => {
    const both = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'both', { entrypoint: ['echo'], cmd: ['one', 'two'] }),
    );
    const cmdOnly = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'cmd-only', { cmd: ['echo', 'args', 'only'] }),
    );
    const env = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'env', {
        entrypoint: ['sh', '-c', 'echo "$GREETING $WHO"'],
        env: [
          { name: 'GREETING', value: 'hi' },
          { name: 'WHO', value: 'there' },
        ],
      }),
    );
    const logs = async (id: string) => {
      await exited(t.runtime, id);
      return readAll(
        await t.runtime.logs(id, { follow: false, timestamps: false }, new AbortController().signal),
      );
    };
    expect(await logs(both)).toBe('one two\n');
    expect(await logs(cmdOnly)).toBe('args only\n');
    expect(await logs(env)).toBe('hi there\n');
    expect(await t.runtime.containerStatus(both)).toMatchObject({
      state: 'exited',
      exitCode: 0,
      name: 'both',
      podUid: sandbox.podUid,
    });
  });

  it('binds mounts, read-only when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubedesk-mount-'));
    writeFileSync(join(dir, 'greeting'), 'from the host\n');
    try {
      const id = await run(
        t.runtime,
        sandbox,
        busybox(sandbox, 'mounts', {
          entrypoint: [
            'sh',
            '-c',
            'cat /data/greeting; touch /data/x 2>/dev/null && echo writable || echo read-only',
          ],
          mounts: [{ hostPath: dir, containerPath: '/data', readOnly: true }],
        }),
      );
      await exited(t.runtime, id);
      const text = await readAll(
        await t.runtime.logs(id, { follow: false, timestamps: false }, new AbortController().signal),
      );
      expect(text).toBe('from the host\nread-only\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies the securityContext: user, read-only root filesystem', async () => {
    const id = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'secure', {
        entrypoint: ['sh', '-c', 'id -u; id -g; touch /x 2>/dev/null && echo rw || echo ro'],
        security: {
          user: 1000,
          group: 3000,
          readOnlyRootFilesystem: true,
          noNewPrivileges: true,
          capDrop: ['ALL'],
        },
      }),
    );
    await exited(t.runtime, id);
    const text = await readAll(
      await t.runtime.logs(id, { follow: false, timestamps: false }, new AbortController().signal),
    );
    expect(text).toBe('1000\n3000\nro\n');
  });

  it('shares the process namespace with shareProcessNamespace (the pause process is PID 1)', async () => {
    const shared = await t.runtime.runSandbox(podSandbox('shared', { shareProcessNamespace: true }));
    const id = await run(
      t.runtime,
      shared,
      busybox(shared, 'ps', { entrypoint: ['sh', '-c', 'ps -o pid,args | grep -v grep | grep " 1 "'] }),
    );
    await exited(t.runtime, id);
    const text = await readAll(
      await t.runtime.logs(id, { follow: false, timestamps: false }, new AbortController().signal),
    );
    expect(text).toMatch(/^\s*1\s+\/(pause|bin\/busybox)/);
    await t.runtime.removeSandbox(shared.id);
    expect(await t.runtime.containerStatus(id)).toBeUndefined();
  });

  it('kills a container past its memory limit with reason OOMKilled', async () => {
    const id = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'hog', {
        entrypoint: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
        resources: {
          memoryLimitBytes: 16 * 1024 * 1024,
          cpuQuota: 50_000,
          cpuPeriod: 100_000,
          cpuShares: 256,
        },
      }),
    );
    expect(await exited(t.runtime, id)).toMatchObject({ exitCode: 137 });
    // Docker learns of the OOM kill from a separate event that may land just after the exit
    // (the kubelet resyncs on that `oom` event), so the reason can follow a moment later.
    await vi.waitFor(
      async () => expect(await t.runtime.containerStatus(id)).toMatchObject({ reason: 'OOMKilled' }),
      { timeout: 10_000, interval: 100 },
    );
  });

  it('stops with the grace period: SIGTERM handled exits 143 at once, ignored is SIGKILLed (137) after the grace', async () => {
    const polite = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'polite', {
        entrypoint: ['sh', '-c', "trap 'exit 143' TERM; while :; do sleep 0.1; done"],
      }),
    );
    const stubborn = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'stubborn', { entrypoint: ['sh', '-c', "trap '' TERM; while :; do sleep 0.1; done"] }),
    );
    await new Promise((r) => setTimeout(r, 300)); // let the shells install their traps
    let started = Date.now();
    await t.runtime.stopContainer(polite, 10);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await t.runtime.containerStatus(polite)).toMatchObject({ state: 'exited', exitCode: 143 });
    started = Date.now();
    await t.runtime.stopContainer(stubborn, 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await t.runtime.containerStatus(stubborn)).toMatchObject({ state: 'exited', exitCode: 137 });
    // An explicit signal, then SIGKILL after the grace.
    const again = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'stubborn', {
        attempt: 1,
        entrypoint: ['sh', '-c', "trap '' TERM; while :; do sleep 0.1; done"],
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    await t.runtime.stopContainer(again, 1, 'SIGTERM');
    expect(await t.runtime.containerStatus(again)).toMatchObject({
      state: 'exited',
      exitCode: 137,
      attempt: 1,
    });
  });

  it('lets a new runtime instance adopt what an earlier one made, by labels', async () => {
    const mine = await t.runtime.listContainers();
    const other = t.reopen();
    const adopted = await other.listContainers();
    expect(adopted.map((c) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
    expect(adopted.every((c) => c.sandboxId === sandbox.id && c.podUid === sandbox.podUid)).toBe(true);
    expect((await other.listSandboxes()).map((s) => s.id)).toContain(sandbox.id);
    // Another node on the same Docker sees none of it.
    expect(await new DockerRuntime({ nodeName: `${t.nodeName}-other` }).listContainers()).toEqual([]);
  });

  it('reports a failed pull with Docker’s message, and pull policy Never', async () => {
    const error = await t.runtime
      .ensureImage('registry.invalid/kubedesk/none:1.0', 'IfNotPresent')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImagePullError);
    expect(error).toMatchObject({
      reason: 'ErrImagePull',
      message: expect.stringContaining('registry.invalid'),
    });
    await expect(t.runtime.ensureImage('kubedesk/absent:1', 'Never')).rejects.toMatchObject({
      reason: 'ErrImageNeverPull',
      message: 'Container image "kubedesk/absent:1" is not present with pull policy of Never',
    });
    expect(await t.runtime.ensureImage('busybox', 'IfNotPresent')).toMatch(/^sha256:/);
    // `Always` offline: the registry is unreachable, the local image is used.
    expect(await t.runtime.ensureImage('busybox:latest', 'Always')).toMatch(/^sha256:/);
  });
});
