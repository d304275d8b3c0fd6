import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../embedded-cluster/kubelet/docker/docker-runtime.js';
import type {
  RuntimeEvent,
  SandboxStatus,
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

const HTTPD = [
  'sh',
  '-c',
  'mkdir -p /tmp/www && echo forwarded > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www',
];

async function httpGet(socket: Duplex): Promise<string> {
  socket.write('GET / HTTP/1.0\r\nHost: pod\r\n\r\n');
  return readAll(socket);
}

describe.skipIf(skip)('Docker runtime: logs, exec, port-forward, stats, events', () => {
  let t: TestRuntime;
  let sandbox: SandboxStatus;
  let shell: string;

  beforeAll(async () => {
    t = testRuntime();
    sandbox = await t.runtime.runSandbox(podSandbox('streams'));
    shell = await run(t.runtime, sandbox, busybox(sandbox, 'shell', { entrypoint: HTTPD }));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('reads logs with tail, timestamps and limitBytes, stdout and stderr interleaved', async () => {
    const id = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'printer', {
        entrypoint: ['sh', '-c', 'for i in 1 2 3 4 5; do echo $i; done; sleep 0.2; echo oops >&2'],
      }),
    );
    await exited(t.runtime, id);
    const logs = (options: object) =>
      t.runtime
        .logs(id, { follow: false, timestamps: false, ...options }, new AbortController().signal)
        .then(readAll);
    expect(await logs({})).toBe('1\n2\n3\n4\n5\noops\n');
    expect(await logs({ tailLines: 2 })).toBe('5\noops\n');
    expect(await logs({ limitBytes: 5 })).toBe('1\n2\n3');
    const stamped = (await logs({ timestamps: true, tailLines: 1 })).trimEnd();
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z oops$/);
    expect(await logs({ sinceMs: Date.now() + 60_000 })).toBe('');
  });

  it('follows a log until aborted', async () => {
    const id = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'ticker', {
        entrypoint: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.1; done'],
      }),
    );
    const abort = new AbortController();
    const stream = await t.runtime.logs(id, { follow: true, timestamps: false }, abort.signal);
    let text = '';
    for await (const chunk of stream) {
      text += chunk.toString();
      if (text.split('\n').length > 3) abort.abort();
    }
    expect(text.startsWith('tick 1\ntick 2\ntick 3\n')).toBe(true);
    await t.runtime.stopContainer(id, 0);
  });

  it('execs with stdin and reports the exit code', async () => {
    const session = await t.runtime.exec(shell, {
      command: ['sh', '-c', 'cat; echo err >&2; exit 3'],
      stdin: true,
      stdout: true,
      stderr: true,
      tty: false,
    });
    session.stdin!.end('hello stdin\n');
    const [out, err, done] = await Promise.all([
      readAll(session.stdout),
      readAll(session.stderr),
      session.done,
    ]);
    expect(out).toBe('hello stdin\n');
    expect(err).toBe('err\n');
    expect(done).toEqual({ exitCode: 3 });
  });

  it('execs with a TTY that can be resized', async () => {
    const session = await t.runtime.exec(shell, {
      command: ['sh', '-c', 'sleep 0.5; stty size'],
      stdin: true,
      stdout: true,
      stderr: false,
      tty: true,
    });
    session.resize({ width: 123, height: 45 });
    const [out, done] = await Promise.all([readAll(session.stdout), session.done]);
    expect(out.trim()).toBe('45 123');
    expect(session.stderr).toBeUndefined();
    expect(done).toEqual({ exitCode: 0 });
  });

  it('attaches to a container started with stdin', async () => {
    const id = await run(
      t.runtime,
      sandbox,
      busybox(sandbox, 'cat', {
        entrypoint: ['sh', '-c', 'read line; echo "got $line"; exit 4'],
        stdin: true,
        stdinOnce: true,
      }),
    );
    const session = await t.runtime.attach(id, { stdin: true, stdout: true, stderr: true, tty: false });
    session.stdin!.write('ping\n');
    const [out, done] = await Promise.all([readAll(session.stdout), session.done]);
    expect(out).toBe('got ping\n');
    expect(done).toEqual({ exitCode: 4 });
  });

  it('port-forwards to a pod port, directly and through a relay container', async () => {
    const direct = await t.runtime.portForward(sandbox.id, 8080);
    expect(await httpGet(direct)).toMatch(/^HTTP\/1\.[01] 200[\s\S]*forwarded\n$/);
    const relay = new DockerRuntime({
      nodeName: t.nodeName,
      networkName: t.networkName,
      portForward: 'relay',
    });
    expect(await httpGet(await relay.portForward(sandbox.id, 8080))).toMatch(/forwarded\n$/);
    await expect(t.runtime.portForward(sandbox.id, 9)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('samples CPU and memory working set', async () => {
    const stats = await t.runtime.stats(shell);
    expect(stats!.memoryWorkingSetBytes).toBeGreaterThan(0);
    expect(stats!.cpuUsageNanoSeconds).toBeGreaterThan(0);
  });

  it('streams lifecycle events for this node’s containers only', async () => {
    const abort = new AbortController();
    const seen: RuntimeEvent[] = [];
    const iterator = t.runtime.events(abort.signal)[Symbol.asyncIterator]();
    const first = iterator.next(); // subscribes before the container starts
    await new Promise((r) => setTimeout(r, 200));
    const id = await run(t.runtime, sandbox, busybox(sandbox, 'brief', { entrypoint: ['true'] }));
    let next = await first;
    while (!next.done) {
      seen.push(next.value);
      if (next.value.type === 'die' && next.value.containerId === id) break;
      next = await iterator.next();
    }
    abort.abort();
    await iterator.return?.();
    expect(seen.map((e) => [e.type, e.containerId])).toEqual([
      ['start', id],
      ['die', id],
    ]);
    expect(seen[1]?.labels['io.kubernetes.container.name']).toBe('brief');
  });
});
