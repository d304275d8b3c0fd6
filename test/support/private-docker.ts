/**
 * A Docker daemon of the test's own (its own socket, data root, containerd and address pool),
 * for tests that restart or stop Docker: doing that to the shared daemon would kill the
 * containers of every other suite running at the same time. The images the kubelet needs are
 * copied in from the shared daemon.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

export interface PrivateDocker {
  socket: string;
  /** `unix://<socket>`, for `DOCKER_HOST`. */
  host: string;
  /** Run the docker CLI against this daemon. */
  docker(...args: string[]): string;
  /** Stop the daemon as `systemctl restart docker` would (its containers die), then start it again. */
  restart(): Promise<void>;
  /** Remove every container and network, stop the daemon, delete its directories. */
  destroy(): Promise<void>;
}

const IMAGES = ['busybox:latest', 'kubedesk/pause:3.10'];

/** Why a private daemon cannot run here, or undefined when it can. */
export function privateDockerUnavailable(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'a private Docker daemon needs root: skipping the Docker restart suite';
  if (spawnSync('dockerd', ['--version']).status !== 0) return 'dockerd is not installed: skipping';
  if (spawnSync('ip', ['-V']).status !== 0) return 'iproute2 (`ip`) is not installed: skipping';
  return undefined;
}

export async function startPrivateDocker(): Promise<PrivateDocker> {
  const dir = await tempDir('dockerd');
  const socket = join(dir.path, 'docker.sock');
  const bridge = `kdtest${process.pid % 100_000}`;
  ip('link', 'add', bridge, 'type', 'bridge');
  ip('addr', 'add', '10.214.0.1/24', 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  const args = [
    `--host=unix://${socket}`,
    `--data-root=${join(dir.path, 'root')}`,
    `--exec-root=${join(dir.path, 'exec')}`,
    `--pidfile=${join(dir.path, 'docker.pid')}`,
    // A default bridge of its own: `--bridge=none` would make dockerd delete the host's docker0,
    // which the shared daemon owns.
    `--bridge=${bridge}`,
    '--iptables=false',
    '--ip-masq=false',
  ];
  let daemon: ChildProcess | undefined;
  const start = async () => {
    daemon = spawn('dockerd', args, { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (!(await pings(socket))) {
      if (Date.now() > deadline || daemon.exitCode !== null)
        throw new Error('the private dockerd did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = async () => {
    const child = daemon;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const docker = (...command: string[]) =>
    execFileSync('docker', ['-H', `unix://${socket}`, ...command], { encoding: 'utf8' });

  try {
    await start();
  } catch (error) {
    await stop();
    ip('link', 'delete', bridge);
    await dir.remove();
    throw error;
  }
  // The cluster's network, made here on a subnet of its own so it never shadows the shared
  // daemon's routes. (Not with `--default-address-pool`: with it, a restarted dockerd deletes
  // the host's docker0.)
  docker('network', 'create', '--subnet', '10.213.0.0/24', 'kubedesk');
  const saved = spawnSync('docker', ['save', ...IMAGES], { maxBuffer: 256 * 1024 * 1024 });
  if (saved.status !== 0) throw new Error(`docker save ${IMAGES.join(' ')} failed (run: npm run images)`);
  execFileSync('docker', ['-H', `unix://${socket}`, 'load', '-q'], { input: saved.stdout });

  return {
    socket,
    host: `unix://${socket}`,
    docker,
    restart: async () => {
      await stop();
      await start();
    },
    destroy: async () => {
      try {
        for (const id of docker('ps', '-aq').split('\n').filter(Boolean)) {
          // A container whose daemon was restarted under it may fail to go (its rootfs busy):
          // the unmounting below takes care of it.
          spawnSync('docker', ['-H', `unix://${socket}`, 'rm', '-f', id], { stdio: 'ignore' });
        }
        // Removing its networks removes their bridges, which would outlive the daemon.
        docker('network', 'prune', '-f');
      } finally {
        await stop();
        unmountUnder(dir.path);
        await dir.remove();
        ip('link', 'delete', bridge);
      }
    },
  };
}

/** Lazily unmount whatever is still mounted under `root` (container filesystems), deepest first. */
function unmountUnder(root: string): void {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) spawnSync('umount', ['-l', point], { stdio: 'ignore' });
}

/** `ip …` (iproute2), throwing with its message when it fails. */
function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function pings(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
