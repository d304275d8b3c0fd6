/**
 * `kubedesk serve` as a user runs it: the real CLI (bin/kubedesk.mjs) in its own process, over a
 * real data directory, spoken to over HTTPS with the kubeconfig it writes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseServeArgs, runCli, type CliIo } from '../../embedded-cluster/cli.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { kubectl } from '../support/kubectl.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'kubedesk.mjs');
const READY = /^Kubedesk API server ready at (https:\/\/127\.0\.0\.1:(\d+)) — kubeconfig: (.+)$/;
const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};

/** A `kubedesk` process and everything it printed so far. */
interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

const running = new Set<ChildProcess>();

function cli(args: string[], script = BIN): Cli {
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** `kubedesk` run to completion. */
async function run(args: string[]) {
  const process = cli(args);
  const code = await process.exit;
  return { code, stdout: process.stdout(), stderr: process.stderr() };
}

/** The ready line's URL and kubeconfig path, once printed. */
async function ready(
  serve: Cli,
  timeoutMs = 15_000,
): Promise<{ url: string; port: number; kubeconfig: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = READY.exec(serve.stdout().split('\n')[0] ?? '');
    if (match) return { url: match[1]!, port: Number(match[2]), kubeconfig: match[3]! };
    if (serve.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ready line; stdout: ${serve.stdout()}\nstderr: ${serve.stderr()}`);
}

/** GET `path` over HTTPS, trusting only `ca`. */
function get(url: string, path: string, ca: string, token?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(new URL(path, url), {
      ca,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    req.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('serve');
});
afterEach(async () => {
  for (const child of running) child.kill('SIGKILL');
  await dir.remove();
});

describe('kubedesk serve', () => {
  it('prints one ready line, writes a 0600 kubeconfig for context kubedesk, and serves HTTPS with the token', async () => {
    const serve = cli(['serve', '--data-dir', dir.path, '--port', '0']);
    const { url, kubeconfig: kubeconfigPath } = await ready(serve);
    expect(kubeconfigPath).toBe(join(dir.path, 'kubeconfig'));

    expect((await stat(kubeconfigPath)).mode & 0o777).toBe(0o600);
    const kubeconfig = parse(await readFile(kubeconfigPath, 'utf8')) as Kubeconfig;
    const caCert = await readFile(join(dir.path, 'pki', 'ca.crt'), 'utf8');
    const token = (await readFile(join(dir.path, 'pki', 'token'), 'utf8')).trim();
    expect(kubeconfig).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'kubedesk',
          cluster: { server: url, 'certificate-authority-data': Buffer.from(caCert).toString('base64') },
        },
      ],
      users: [{ name: 'kubedesk-admin', user: { token } }],
      contexts: [{ name: 'kubedesk', context: { cluster: 'kubedesk', user: 'kubedesk-admin' } }],
      'current-context': 'kubedesk',
    });

    // The kubeconfig alone is enough: its CA verifies the server, its token gets through.
    const ca = Buffer.from(
      kubeconfig.clusters[0]!.cluster['certificate-authority-data'],
      'base64',
    ).toString();
    const user = kubeconfig.users[0]!.user.token;
    const version = await get(url, '/version', ca, user);
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body)).toMatchObject({ major: '1', minor: '32' });

    for (const wrong of [undefined, '', `${user}x`, 'not-the-token']) {
      const refused = await get(url, '/api/v1/namespaces', ca, wrong);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body)).toEqual(UNAUTHORIZED);
    }

    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(serve.stdout()).toBe(`Kubedesk API server ready at ${url} — kubeconfig: ${kubeconfigPath}\n`);
  });

  it('refuses a second serve on the same data directory, and releases it on SIGTERM', async () => {
    const first = cli(['serve', '--data-dir', dir.path, '--port', '0']);
    await ready(first);

    const second = await run(['serve', '--data-dir', dir.path, '--port', '0']);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(`data directory ${dir.path} is in use by process ${first.child.pid}`);

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(existsSync(join(dir.path, 'LOCK'))).toBe(false);
    expect(existsSync(join(dir.path, 'store', 'LOCK'))).toBe(false);

    // Released: the next serve starts, with the same CA and token (so old kubeconfigs keep working).
    const pki = async () => ({
      ca: await readFile(join(dir.path, 'pki', 'ca.crt'), 'utf8'),
      serving: await readFile(join(dir.path, 'pki', 'apiserver.crt'), 'utf8'),
      token: await readFile(join(dir.path, 'pki', 'token'), 'utf8'),
    });
    const before = await pki();
    const again = cli(['serve', '--data-dir', dir.path, '--port', '0']);
    await ready(again);
    expect(await pki()).toEqual(before);
    again.child.kill('SIGINT');
    expect(await again.exit).toBe(0);
  });

  it('says clearly when the port is taken, and suggests another', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await run(['serve', '--data-dir', dir.path, '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`127.0.0.1:${port} is already in use`);
      expect(result.stderr).toContain('--port 0');
      expect(existsSync(join(dir.path, 'LOCK'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('prints its flags for --help, on stdout, with exit code 0', async () => {
    const result = await run(['serve', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: kubedesk serve /);
    for (const flag of ['--data-dir', '--port', '--host', '--etcd-endpoints'])
      expect(result.stdout).toContain(flag);
    expect(result.stderr).toBe('');
  });

  it('refuses an unknown flag with a pointer to --help, exit code 2', async () => {
    const result = await run(['serve', '--data-dir', dir.path, '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("error: unknown flag: --bogus\nSee 'kubedesk serve --help' for usage.\n");
    expect(existsSync(join(dir.path, 'kubeconfig'))).toBe(false);
  });
});

describe('kubedesk serve --runtime simulated', () => {
  it('runs workloads on a node that says it is simulated, as kubectl sees them', async () => {
    const serve = cli(['serve', '--data-dir', dir.path, '--port', '0', '--runtime', 'simulated']);
    const { kubeconfig } = await ready(serve);
    const k = (...args: string[]) => kubectl(kubeconfig, args, { timeoutMs: 60_000 });

    const nodes = await k('get', 'nodes', '-o', 'wide');
    expect(nodes.stdout).toMatch(/kubedesk\s+Ready\s+control-plane/);
    expect(nodes.stdout).toContain('simulated://');

    expect((await k('create', 'deployment', 'web', '--image=nginx', '--replicas=3')).code).toBe(0);
    const rollout = await k('rollout', 'status', 'deployment/web', '--timeout=30s');
    expect(rollout.stdout).toContain('successfully rolled out');
    const pods = await k('get', 'pods', '-l', 'app=web', '--no-headers');
    expect(pods.stdout.trim().split('\n')).toHaveLength(3);
    expect(pods.stdout).not.toMatch(/Pending/);

    expect((await k('create', 'job', 'once', '--image=busybox', '--', 'true')).code).toBe(0);
    expect((await k('wait', '--for=condition=complete', 'job/once', '--timeout=30s')).code).toBe(0);

    expect((await k('create', 'namespace', 'scratch')).code).toBe(0);
    expect((await k('create', 'configmap', 'x', '-n', 'scratch')).code).toBe(0);
    const deleted = await k('delete', 'namespace', 'scratch', '--timeout=30s');
    expect(deleted.stdout).toContain('namespace "scratch" deleted');
    expect((await k('get', 'namespace', 'scratch')).stderr).toContain('NotFound');

    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
  });
});

describe('kubedesk serve with --etcd-endpoints', () => {
  let etcd: EtcdServer | undefined;
  afterAll(() => etcd?.stop());

  it('keeps the state in etcd, and the PKI and kubeconfig in the data directory', async () => {
    etcd = await startEtcd();
    const serve = cli(['serve', '--data-dir', dir.path, '--port', '0', '--etcd-endpoints', etcd.endpoint]);
    const { url, kubeconfig } = await ready(serve);
    expect(existsSync(join(dir.path, 'store'))).toBe(false);
    const ca = await readFile(join(dir.path, 'pki', 'ca.crt'), 'utf8');
    const token = (await readFile(join(dir.path, 'pki', 'token'), 'utf8')).trim();
    expect((await get(url, '/version', ca, token)).status).toBe(200);
    expect((await stat(kubeconfig)).mode & 0o777).toBe(0o600);

    // The data directory is still one kubedesk's at a time.
    const second = await run([
      'serve',
      '--data-dir',
      dir.path,
      '--port',
      '0',
      '--etcd-endpoints',
      etcd.endpoint,
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('is in use by process');

    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
  }, 40_000);
});

describe('the bundled CLI (out/cli/kubedesk.mjs, as `npm run build` makes it)', () => {
  let bundleDir: string | undefined;
  afterAll(() => (bundleDir ? rm(bundleDir, { recursive: true, force: true }) : undefined));

  it('starts, serves and stops like the sources', async () => {
    // Inside the repository, so that the bundle finds its external dependencies in node_modules.
    bundleDir = await mkdtemp(join(ROOT, 'out', '.serve-cli-test-'));
    const bundle = join(bundleDir, 'kubedesk.mjs');
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs'), bundle], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);

    const serve = cli(['serve', '--data-dir', dir.path, '--port', '0'], bundle);
    const { url } = await ready(serve);
    const ca = await readFile(join(dir.path, 'pki', 'ca.crt'), 'utf8');
    const token = (await readFile(join(dir.path, 'pki', 'token'), 'utf8')).trim();
    expect((await get(url, '/version', ca, token)).status).toBe(200);
    expect((await get(url, '/version', ca)).status).toBe(401);
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
  }, 40_000);
});

describe('kubedesk flag checks', () => {
  /** `runCli` in this process, with its output captured. */
  async function check(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      stopSignal: () => new Promise(() => {}),
    };
    const code = await runCli(argv, io);
    return { code, stdout, stderr };
  }

  it.each([
    [['serve', '--port', 'http'], 'invalid value "http" for --port'],
    [['serve', '--port', '65536'], 'invalid value "65536" for --port'],
    [['serve', '--port', '-1'], 'flag needs an argument: --port'],
    [['serve', '--port'], 'flag needs an argument: --port'],
    [['serve', '--host', '0.0.0.0'], 'invalid value "0.0.0.0" for --host: kubedesk listens on loopback only'],
    [['serve', '--host', '192.168.1.10'], 'invalid value "192.168.1.10" for --host'],
    [['serve', '--etcd-endpoints', ','], '--etcd-endpoints lists no endpoint'],
    [
      ['serve', '--etcd-endpoints', '127.0.0.1:2379'],
      'invalid endpoint "127.0.0.1:2379" in --etcd-endpoints',
    ],
    [['serve', '--log-level', 'debug'], 'invalid value "debug" for --log-level'],
    [['serve', '--data-dir', ''], '--data-dir must not be empty'],
    [['serve', 'now'], 'unexpected argument: now'],
    [['start'], 'unknown command "start"'],
  ])('refuses %j: %s', async (argv, message) => {
    const result = await check(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`error: ${message}`);
    expect(result.stderr).toMatch(/See 'kubedesk( serve)? --help' for usage\.\n$/);
  });

  it('defaults to ~/.kubedesk, port 6443 on 127.0.0.1 and warnings only; expands ~ and reads localhost as 127.0.0.1', () => {
    expect(parseServeArgs([], '/home/ada')).toEqual({
      dataDir: '/home/ada/.kubedesk',
      port: 6443,
      host: '127.0.0.1',
      runtime: 'docker',
      logLevel: 'warn',
    });
    expect(
      parseServeArgs(
        [
          '--data-dir=~/k',
          '--port=0',
          '--host',
          'localhost',
          '--etcd-endpoints',
          'http://a:2379, https://b:2379',
          '--runtime',
          'simulated',
        ],
        '/home/ada',
      ),
    ).toEqual({
      dataDir: '/home/ada/k',
      port: 0,
      host: '127.0.0.1',
      runtime: 'simulated',
      logLevel: 'warn',
      etcdEndpoints: ['http://a:2379', 'https://b:2379'],
    });
    expect(parseServeArgs(['--host', '::1', '-h'])).toBe('help');
  });

  it('prints the commands for kubedesk --help, and to stderr with exit code 2 without a command', async () => {
    expect(await check(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('serve') });
    expect(await check([])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('serve') });
  });
});
