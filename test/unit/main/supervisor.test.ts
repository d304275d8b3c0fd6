/**
 * The embedded cluster's supervisor with a fake spawn strategy and a manual clock: the ready line,
 * crash → backoff → restart, the backoff's reset, restart on another runtime, stop escalation.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';
import type { ClusterProcessEvents, SpawnCluster } from '../../../src-main/cluster-host/cluster-process.js';
import { CrashBackoff } from '../../../src-main/cluster-host/backoff.js';
import { lastProblem, parseReadyLine } from '../../../src-main/cluster-host/ready-line.js';
import { ClusterSupervisor } from '../../../src-main/cluster-host/supervisor.js';
import type { EmbeddedState } from '../../../src-main/shared/bridge.js';

const READY = 'Kubedesk API server ready at https://127.0.0.1:41234 — kubeconfig: /data/kubeconfig\n';

/** One process the fake strategy started: its arguments, the signals it got, and its voice. */
interface FakeProcess {
  args: string[];
  signals: string[];
  events: ClusterProcessEvents;
  exited: boolean;
  exit(code: number | null, signal?: string | null): void;
}

function fakeSpawn(): { spawn: SpawnCluster; processes: FakeProcess[] } {
  const processes: FakeProcess[] = [];
  const spawn: SpawnCluster = (args, events) => {
    const fake: FakeProcess = {
      args,
      signals: [],
      events,
      exited: false,
      exit(code, signal = null) {
        fake.exited = true;
        events.exit({ code, signal });
      },
    };
    processes.push(fake);
    return {
      pid: 1000 + processes.length,
      kill: (signal) => {
        if (!fake.exited) fake.signals.push(signal);
      },
    };
  };
  return { spawn, processes };
}

function setup(options: { stopTimeoutMs?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const { spawn, processes } = fakeSpawn();
  const supervisor = new ClusterSupervisor({ dataDir: '/data', runtime: 'docker', spawn, clock, ...options });
  const states: EmbeddedState[] = [];
  supervisor.onState((state) => states.push(state));
  return { clock, processes, supervisor, states };
}

/** Let queued promise callbacks (the supervisor's serialized steps) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ready line', () => {
  it('parses the URL and kubeconfig path of `kubedesk serve`', () => {
    expect(parseReadyLine(READY.trim())).toEqual({
      url: 'https://127.0.0.1:41234',
      kubeconfigPath: '/data/kubeconfig',
    });
    expect(
      parseReadyLine('Kubedesk API server ready at https://[::1]:6443 — kubeconfig: C:\\a b\\kubeconfig\r'),
    ).toEqual({
      url: 'https://[::1]:6443',
      kubeconfigPath: 'C:\\a b\\kubeconfig',
    });
    expect(parseReadyLine('{"level":"warn"}')).toBeUndefined();
  });

  it("takes the CLI's own complaint over log lines", () => {
    expect(
      lastProblem(['{"level":"error","message":"store broke"}', 'kubedesk: cannot start: port taken']),
    ).toBe('cannot start: port taken');
    expect(
      lastProblem(['{"level":"error","message":"store broke"}', '{"level":"warn","message":"meh"}']),
    ).toBe('store broke');
    expect(lastProblem(['noise'])).toBeUndefined();
  });
});

describe('CrashBackoff', () => {
  it('waits 1 s, doubling to 30 s, and starts over after 60 s up', () => {
    const backoff = new CrashBackoff();
    expect([1, 2, 3, 4, 5, 6, 7].map(() => backoff.crashed(0))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(backoff.crashed(59_999)).toBe(30_000);
    expect(backoff.crashed(60_000)).toBe(1_000);
    expect(backoff.crashed(0)).toBe(2_000);
  });
});

describe('ClusterSupervisor', () => {
  it('starts `kubedesk serve` and is running once the ready line arrives, even split across chunks', async () => {
    const { processes, supervisor, states } = setup();
    await supervisor.start();
    expect(processes[0]!.args).toEqual([
      'serve',
      '--data-dir',
      '/data',
      '--port',
      '0',
      '--runtime',
      'docker',
    ]);
    expect(supervisor.state()).toEqual({
      phase: 'starting',
      runtime: 'docker',
      restarts: 0,
      dataDir: '/data',
    });
    processes[0]!.events.stdout(READY.slice(0, 20));
    expect(supervisor.endpoint()).toBeUndefined();
    processes[0]!.events.stdout(READY.slice(20));
    expect(supervisor.state().phase).toBe('running');
    expect(supervisor.endpoint()).toEqual({
      url: 'https://127.0.0.1:41234',
      kubeconfigPath: '/data/kubeconfig',
    });
    expect(states.map((s) => s.phase)).toEqual(['starting', 'running']);
    await supervisor.start(); // already running: no second process
    expect(processes).toHaveLength(1);
  });

  it('restarts a crashed process after 1 s, 2 s, 4 s …, and says why and when', async () => {
    const { clock, processes, supervisor } = setup();
    await supervisor.start();
    processes[0]!.events.stderr(
      '{"level":"warn","message":"x"}\nkubedesk: cannot start: the data directory is in use\n',
    );
    processes[0]!.exit(1);
    expect(supervisor.state()).toEqual({
      phase: 'restarting',
      runtime: 'docker',
      restarts: 1,
      nextRestartAt: clock.now() + 1_000,
      dataDir: '/data',
      message:
        'The cluster process exited with code 1: cannot start: the data directory is in use; restarting in 1 s.',
    });
    expect(supervisor.endpoint()).toBeUndefined();
    clock.advance(999);
    await settle();
    expect(processes).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(processes).toHaveLength(2);
    expect(supervisor.state().phase).toBe('starting');
    expect(supervisor.state().nextRestartAt).toBeUndefined();

    processes[1]!.exit(null, 'SIGSEGV');
    expect(supervisor.state().message).toBe('The cluster process was killed by SIGSEGV; restarting in 2 s.');
    clock.advance(2_000);
    await settle();
    processes[2]!.exit(1);
    expect(supervisor.state().nextRestartAt).toBe(clock.now() + 4_000);
    expect(supervisor.state().restarts).toBe(3);
  });

  it('starts the backoff over after a process was up for 60 s', async () => {
    const { clock, processes, supervisor } = setup();
    await supervisor.start();
    processes[0]!.exit(1);
    clock.advance(1_000);
    await settle();
    processes[1]!.events.stdout(READY);
    clock.advance(60_000);
    processes[1]!.exit(1);
    expect(supervisor.state().nextRestartAt).toBe(clock.now() + 1_000);
  });

  it('does not retry a usage error', async () => {
    const { clock, processes, supervisor } = setup();
    await supervisor.start();
    processes[0]!.events.stderr('error: unknown flag: --bogus\n');
    processes[0]!.exit(2);
    expect(supervisor.state()).toMatchObject({ phase: 'failed', restarts: 1 });
    clock.advance(60_000);
    await settle();
    expect(processes).toHaveLength(1);
  });

  it('reports a process that could not be spawned and retries it', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const supervisor = new ClusterSupervisor({
      dataDir: '/d',
      runtime: 'simulated',
      clock,
      spawn: (_args, events) => {
        attempts++;
        events.exit({ code: null, signal: null, error: 'spawn node ENOENT' });
        return { pid: undefined, kill: () => {} };
      },
    });
    await supervisor.start();
    expect(supervisor.state().message).toBe(
      'The cluster process could not start: spawn node ENOENT; restarting in 1 s.',
    );
    clock.advance(1_000);
    await settle();
    expect(attempts).toBe(2);
  });

  it('stops with SIGTERM and escalates to SIGKILL after 15 s', async () => {
    const { clock, processes, supervisor, states } = setup();
    await supervisor.start();
    processes[0]!.events.stdout(READY);
    const stopped = supervisor.stop();
    await settle();
    expect(processes[0]!.signals).toEqual(['SIGTERM']);
    clock.advance(14_999);
    expect(processes[0]!.signals).toEqual(['SIGTERM']);
    clock.advance(1);
    expect(processes[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    processes[0]!.exit(null, 'SIGKILL');
    await stopped;
    expect(supervisor.state()).toEqual({
      phase: 'stopped',
      runtime: 'docker',
      restarts: 0,
      dataDir: '/data',
    });
    expect(states.at(-1)!.phase).toBe('stopped');
    clock.advance(120_000);
    await settle();
    expect(processes).toHaveLength(1); // an exit the supervisor asked for is no crash
  });

  it('stops without SIGKILL when the process exits in time', async () => {
    const { clock, processes, supervisor } = setup();
    await supervisor.start();
    const stopped = supervisor.stop();
    await settle();
    processes[0]!.exit(0);
    await stopped;
    clock.advance(20_000);
    expect(processes[0]!.signals).toEqual(['SIGTERM']);
  });

  it('stop cancels a pending restart', async () => {
    const { clock, processes, supervisor } = setup();
    await supervisor.start();
    processes[0]!.exit(1);
    await supervisor.stop();
    clock.advance(60_000);
    await settle();
    expect(processes).toHaveLength(1);
    expect(supervisor.state().phase).toBe('stopped');
  });

  it('restarts on another runtime: ends the old process first, and starts the backoff afresh', async () => {
    const { clock, processes, supervisor, states } = setup();
    await supervisor.start();
    processes[0]!.exit(1);
    clock.advance(1_000);
    await settle();
    processes[1]!.exit(1); // next delay would be 4 s
    await supervisor.restart({ runtime: 'simulated' }); // no process was running: nothing to end
    clock.advance(4_000);
    await settle(); // and the pending crash restart was cancelled
    expect(processes).toHaveLength(3);
    expect(processes[2]!.args.slice(-2)).toEqual(['--runtime', 'simulated']);
    expect(supervisor.state()).toMatchObject({ phase: 'starting', runtime: 'simulated', restarts: 2 });
    expect(
      states.some(
        (s) => s.phase === 'restarting' && s.message === 'Restarting the cluster on the simulated runtime.',
      ),
    ).toBe(true);

    processes[2]!.events.stdout(READY);
    const again = supervisor.restart();
    await settle();
    expect(processes[2]!.signals).toEqual(['SIGTERM']);
    expect(processes).toHaveLength(3);
    processes[2]!.exit(0);
    await again;
    expect(processes).toHaveLength(4);
    expect(supervisor.state().restarts).toBe(2); // asked-for restarts are not crashes
    processes[3]!.exit(1);
    expect(supervisor.state().nextRestartAt).toBe(clock.now() + 1_000);
  });

  it('forwards stderr line by line', async () => {
    const lines: string[] = [];
    const { spawn, processes } = fakeSpawn();
    const supervisor = new ClusterSupervisor({
      dataDir: '/d',
      runtime: 'docker',
      spawn,
      clock: new ManualClock(),
      log: (l) => lines.push(l),
    });
    await supervisor.start();
    processes[0]!.events.stderr('{"a":1}\n{"b"');
    processes[0]!.events.stderr(':2}\n');
    processes[0]!.events.stderr('partial');
    processes[0]!.exit(1);
    expect(lines).toEqual(['{"a":1}', '{"b":2}', 'partial']);
  });
});
