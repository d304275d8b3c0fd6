/**
 * The Electron spawn strategy (src-main/electron/utility-process-spawn.ts) against a faked
 * `utilityProcess` (no Electron runs here): what it asks `fork` for, how the child's output and
 * exit reach the supervisor, and how it is killed. Whether a real utility process behaves as the
 * fake does is not checked here.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterExit, ClusterProcessEvents } from '../../../src-main/cluster-host/cluster-process.js';

/** A utility process as main sees it: pid, piped stdout/stderr, `exit`, `kill()`. */
class FakeChild extends EventEmitter {
  pid: number | undefined = 4242;
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  readonly kill = vi.fn(() => true);
}

const fake = vi.hoisted(() => ({
  fork: undefined as unknown as ReturnType<typeof vi.fn<(...args: unknown[]) => unknown>>,
}));

vi.mock('electron', () => {
  fake.fork = vi.fn<(...args: unknown[]) => unknown>();
  return { utilityProcess: { fork: (...args: unknown[]) => fake.fork(...args) } };
});

import { ClusterSupervisor } from '../../../src-main/cluster-host/supervisor.js';
import { utilityProcessStrategy } from '../../../src-main/electron/utility-process-spawn.js';

const CLI = '/opt/Kubedesk/resources/app.asar/out/cli/kubedesk.mjs';

/** Spawn through the strategy with a fresh fake child; returns what the events saw. */
function spawnFake(options: { cwd?: string } = {}, args = ['serve', '--port', '0']) {
  const child = new FakeChild();
  fake.fork.mockReset().mockReturnValue(child);
  const seen = { stdout: [] as string[], stderr: [] as string[], exits: [] as ClusterExit[] };
  const events: ClusterProcessEvents = {
    stdout: (text) => seen.stdout.push(text),
    stderr: (text) => seen.stderr.push(text),
    exit: (result) => seen.exits.push(result),
  };
  const process = utilityProcessStrategy(CLI, options)(args, events);
  return { child, process, seen };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('utilityProcessStrategy', () => {
  it('forks the CLI with the script first in argv, piped output and no env of its own', () => {
    spawnFake({}, ['serve', '--data-dir', '/d', '--port', '0', '--runtime', 'docker']);
    expect(fake.fork).toHaveBeenCalledTimes(1);
    const [modulePath, argv, options] = fake.fork.mock.calls[0]!;
    expect(modulePath).toBe(CLI);
    // The child's process.argv is [program, ...argv]: the CLI reads argv.slice(2) = the arguments.
    expect(argv).toEqual([CLI, 'serve', '--data-dir', '/d', '--port', '0', '--runtime', 'docker']);
    expect(['electron', ...(argv as string[])].slice(2)[0]).toBe('serve');
    expect(options).toEqual({ stdio: 'pipe', serviceName: 'Kubedesk cluster' });
    // No `env`: the child inherits main's environment (DOCKER_HOST, KUBECONFIG, HOME, …).
    expect(options).not.toHaveProperty('env');
    // No `cwd` unless asked: a cwd inside app.asar is no directory the OS can enter.
    expect(options).not.toHaveProperty('cwd');
  });

  it('passes a cwd when given one', () => {
    spawnFake({ cwd: '/home/user' });
    expect(fake.fork.mock.calls[0]![2]).toEqual({
      stdio: 'pipe',
      serviceName: 'Kubedesk cluster',
      cwd: '/home/user',
    });
  });

  it('reports the pid, and stdout and stderr as text, Buffers or strings alike', () => {
    const { child, process, seen } = spawnFake();
    expect(process.pid).toBe(4242);
    child.stdout.emit('data', Buffer.from('Kubedesk API server ready'));
    child.stdout.emit('data', ' at https://127.0.0.1:1 — kubeconfig: /k\n');
    child.stderr.emit('data', Buffer.from('{"level":"info"}\n'));
    expect(seen.stdout.join('')).toBe('Kubedesk API server ready at https://127.0.0.1:1 — kubeconfig: /k\n');
    expect(seen.stderr).toEqual(['{"level":"info"}\n']);
    // The pid is read live: Electron clears it once the child has exited.
    child.pid = undefined;
    expect(process.pid).toBeUndefined();
  });

  it("maps the child's exit code to an exit without a signal, once", () => {
    const { child, seen } = spawnFake();
    child.emit('exit', 3);
    child.emit('exit', 3);
    expect(seen.exits).toEqual([{ code: 3, signal: null }]);
  });

  it('reports a fork that throws as an exit with its message, after returning', async () => {
    fake.fork.mockReset().mockImplementation(() => {
      throw new Error('utilityProcess cannot be forked before app ready');
    });
    const exits: ClusterExit[] = [];
    const process = utilityProcessStrategy(CLI)(['serve'], {
      stdout: () => {},
      stderr: () => {},
      exit: (result) => exits.push(result),
    });
    expect(process.pid).toBeUndefined();
    expect(exits).toEqual([]); // not synchronously: the supervisor has not stored the process yet
    await Promise.resolve();
    expect(exits).toEqual([
      { code: null, signal: null, error: 'utilityProcess cannot be forked before app ready' },
    ]);
    expect(() => process.kill('SIGKILL')).not.toThrow();
  });

  it("kills with the child's own kill() for SIGTERM and process.kill(pid) for SIGKILL", () => {
    const signals = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const { child, process: cluster } = spawnFake();
    cluster.kill('SIGTERM');
    expect(child.kill).toHaveBeenCalledTimes(1);
    expect(signals).not.toHaveBeenCalled();
    cluster.kill('SIGKILL');
    expect(signals).toHaveBeenCalledWith(4242, 'SIGKILL');
    expect(child.kill).toHaveBeenCalledTimes(1);
  });

  it('falls back to kill() when there is no pid, and does nothing once exited', () => {
    const signals = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const { child, process: cluster } = spawnFake();
    child.pid = undefined;
    cluster.kill('SIGKILL');
    expect(child.kill).toHaveBeenCalledTimes(1);
    child.emit('exit', 0);
    cluster.kill('SIGTERM');
    cluster.kill('SIGKILL');
    expect(child.kill).toHaveBeenCalledTimes(1);
    expect(signals).not.toHaveBeenCalled();
  });

  it('drives the supervisor: ready line to running, SIGTERM on stop, exit to stopped', async () => {
    const child = new FakeChild();
    fake.fork.mockReset().mockReturnValue(child);
    const supervisor = new ClusterSupervisor({
      dataDir: '/data',
      runtime: 'simulated',
      spawn: utilityProcessStrategy(CLI),
    });
    await supervisor.start();
    expect(fake.fork.mock.calls[0]![1]).toEqual([
      CLI,
      'serve',
      '--data-dir',
      '/data',
      '--port',
      '0',
      '--runtime',
      'simulated',
    ]);
    expect(supervisor.state().phase).toBe('starting');
    child.stdout.emit('data', Buffer.from('Kubedesk API server ready at https://127.0.0.1:6443 — kube'));
    child.stdout.emit('data', Buffer.from('config: /data/kubeconfig\n'));
    expect(supervisor.state().phase).toBe('running');
    expect(supervisor.endpoint()).toEqual({
      url: 'https://127.0.0.1:6443',
      kubeconfigPath: '/data/kubeconfig',
    });
    child.kill.mockImplementation(() => {
      queueMicrotask(() => child.emit('exit', 0));
      return true;
    });
    await supervisor.stop();
    expect(child.kill).toHaveBeenCalledTimes(1);
    expect(child.kill).toHaveBeenCalledWith(); // kill() takes no signal: it is SIGTERM on POSIX
    expect(supervisor.state().phase).toBe('stopped');
    expect(supervisor.endpoint()).toBeUndefined();
  });

  it("reports a crash as the child's exit code, and restarts after the backoff", async () => {
    const child = new FakeChild();
    fake.fork.mockReset().mockReturnValue(child);
    const supervisor = new ClusterSupervisor({
      dataDir: '/data',
      runtime: 'docker',
      spawn: utilityProcessStrategy(CLI),
    });
    await supervisor.start();
    child.stderr.emit('data', 'kubedesk: cannot start: the data directory is locked\n');
    child.emit('exit', 1);
    expect(supervisor.state()).toMatchObject({
      phase: 'restarting',
      restarts: 1,
      message:
        'The cluster process exited with code 1: cannot start: the data directory is locked; restarting in 1 s.',
    });
    await supervisor.stop(); // cancels the pending restart
    expect(fake.fork).toHaveBeenCalledTimes(1);
    expect(supervisor.state().phase).toBe('stopped');
  });
});
