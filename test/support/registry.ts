/**
 * A real image registry for the pull tests: Debian's `docker-registry` (distribution 2.x) on a
 * free 127.0.0.1 port with htpasswd (bcrypt) auth and a throwaway storage directory. Docker
 * treats registries on 127.0.0.0/8 as insecure, so plain HTTP works without daemon settings.
 *
 * The docker CLI used to log in and push gets its own `DOCKER_CONFIG` directory, so the user's
 * `~/.docker/config.json` is never read or written.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './temp-dir.js';

const run = promisify(execFile);

/** The Debian packages the registry needs: the server, and `htpasswd` for its bcrypt password file. */
const PACKAGES = ['docker-registry', 'apache2-utils'];

async function has(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

async function installed(): Promise<boolean> {
  return (await has('docker-registry')) && (await has('htpasswd'));
}

/**
 * Why the registry tests skip, or undefined when `docker-registry` and `htpasswd` are there —
 * installing them with apt first when missing and running as root (as CI does).
 */
export async function registryUnavailable(): Promise<string | undefined> {
  if (await installed()) return undefined;
  const why = `the registry tests need Debian's ${PACKAGES.join(' and ')} (apt-get install -y ${PACKAGES.join(' ')})`;
  if (process.getuid?.() !== 0 || !(await has('apt-get'))) return `${why}: skipping them`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], { env });
  try {
    await install().catch(async () => {
      // A machine whose package lists are missing or stale: fetch them once, then try again.
      await run('apt-get', ['update'], { env });
      await install();
    });
  } catch (error) {
    return `${why}; installing them failed (${(error as Error).message.split('\n')[0]}): skipping them`;
  }
  return (await installed()) ? undefined : `${why}; they are still missing after apt-get: skipping them`;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>`, the first component of the images pushed to it. */
  host: string;
  username: string;
  password: string;
  /** The `DOCKER_CONFIG` the CLI logs in with, so `~/.docker` is untouched. */
  dockerConfig: string;
  /** Tag a local image as `<host>/<repository>`, push it, and remove the tag again. */
  push(localImage: string, repository: string): Promise<string>;
  /** Stop the registry and remove its storage and the CLI's config. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The status of `GET /v2/` (401 once the registry serves, with auth on), or undefined when it does not answer. */
function ping(host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(`http://${host}/v2/`, { timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Start a registry that accepts `username`/`password`; resolves once it answers. */
export async function startRegistry(
  username = 'kubedesk',
  password = 'pull-secret-test',
): Promise<TestRegistry> {
  const dir = await tempDir('registry');
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const { stdout: htpasswd } = await run('htpasswd', ['-nbB', username, password]);
    await writeFile(join(dir.path, 'htpasswd'), htpasswd);
    // distribution's YAML config; JSON is YAML, so no YAML writer is needed.
    const config = {
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir.path, 'data') }, delete: { enabled: true } },
      http: { addr: host },
      auth: { htpasswd: { realm: 'kubedesk-test', path: join(dir.path, 'htpasswd') } },
    };
    await writeFile(join(dir.path, 'config.yml'), JSON.stringify(config));
    let output = '';
    child = spawn('docker-registry', ['serve', join(dir.path, 'config.yml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    while ((await ping(host)) === undefined) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`docker-registry did not start on ${host}: ${output.trim()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const dockerConfig = join(dir.path, 'docker-config');
    const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
    const docker = (...args: string[]) => run('docker', args, { env });
    await new Promise<void>((resolve, reject) => {
      const login = spawn('docker', ['login', host, '--username', username, '--password-stdin'], { env });
      let err = '';
      login.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      login.on('error', reject);
      login.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker login: ${err.trim()}`))));
      login.stdin.end(password);
    });
    const registryChild = child;
    return {
      host,
      username,
      password,
      dockerConfig,
      async push(localImage, repository) {
        const ref = `${host}/${repository}`;
        await docker('tag', localImage, ref);
        try {
          await docker('push', ref);
        } finally {
          await docker('rmi', ref);
        }
        return ref;
      },
      async stop() {
        if (registryChild.exitCode === null) {
          registryChild.kill('SIGTERM');
          await exited;
        }
        await dir.remove();
      },
    };
  } catch (error) {
    child?.kill('SIGKILL');
    await dir.remove();
    throw error;
  }
}
