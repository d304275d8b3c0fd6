/**
 * A throwaway single-member etcd for tests and benchmarks: free loopback
 * ports, a temporary data directory, its log in a file next to the data (not
 * in the test output), and everything removed again by `stop()`.
 *
 * fsync stays on: benchmarks compare durable writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface EtcdServer {
  /** Client URL, e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  dataDir: string;
  /** Process id of the etcd child (e.g. to read its memory use from /proc). */
  pid: number;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'etcd is not installed; install it with: apt-get install -y etcd-server';
const START_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;

export async function startEtcd(): Promise<EtcdServer> {
  const binary = findEtcd();
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await launch(binary);
    } catch (err) {
      // Most likely a port taken between our probe and etcd's bind: retry.
      lastError = err;
    }
  }
  throw lastError;
}

function findEtcd(): string {
  const candidates = [
    '/usr/bin/etcd',
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'etcd')),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(INSTALL_HINT);
}

async function launch(binary: string): Promise<EtcdServer> {
  const baseDir = await mkdtemp(join(tmpdir(), 'kubedesk-etcd-'));
  const dataDir = join(baseDir, 'data');
  const logPath = join(baseDir, 'etcd.log');
  const [clientPort, peerPort] = await freePorts(2);
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const name = 'kubedesk-test';

  const log = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      binary,
      [
        `--name=${name}`,
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${endpoint}`,
        `--advertise-client-urls=${endpoint}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=${name}=${peerUrl}`,
        '--initial-cluster-state=new',
        '--initial-cluster-token=kubedesk-test',
      ],
      { stdio: ['ignore', log, log], env: etcdEnv() },
    );
  } finally {
    closeSync(log);
  }

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', () => {
      exited = { code: null, signal: null };
      resolve();
    });
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(timer);
    }
    await rm(baseDir, { recursive: true, force: true });
  };

  try {
    await waitHealthy(endpoint, () => exited !== undefined);
  } catch (err) {
    const logTail = readTail(logPath);
    await stop();
    const why = exited
      ? `etcd exited (code ${exited.code}, signal ${exited.signal})`
      : (err as Error).message;
    throw new Error(`etcd did not start: ${why}\n--- etcd log (tail) ---\n${logTail}`);
  }
  if (child.pid === undefined) {
    await stop();
    throw new Error('etcd did not start: no process id');
  }
  return { endpoint, dataDir, pid: child.pid, stop };
}

/**
 * etcd 3.4 refuses to start on architectures other than amd64 and ppc64le
 * unless ETCD_UNSUPPORTED_ARCH names the running one (Go's name for it).
 */
function etcdEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const goArch: Partial<Record<string, string>> = {
    arm64: 'arm64',
    arm: 'arm',
    ia32: '386',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'loong64',
    mips: 'mips',
    mipsel: 'mipsle',
  };
  const arch = goArch[process.arch];
  if (arch && env.ETCD_UNSUPPORTED_ARCH === undefined) env.ETCD_UNSUPPORTED_ARCH = arch;
  return env;
}

/** Distinct free loopback ports, all held open at once while choosing. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port bound');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function waitHealthy(endpoint: string, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('etcd exited');
    try {
      const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
      const body = (await response.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not healthy within ${START_TIMEOUT_MS} ms`);
}

function readTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
