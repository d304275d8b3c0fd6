// Docker for the test suites (test/docker/) and the offline images, made ready the
// way prerequisites.mjs readies etcd: as root on Debian, install docker.io,
// busybox-static and (for the registry suite) docker-registry and apache2-utils when
// missing, and start dockerd when its socket does not answer; otherwise stop with the
// exact command to run. Then `npm run images`.
import { spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImages, staticBusybox } from './images.mjs';
import { onPath } from './prerequisites.mjs';

const SOCKET = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST.slice('unix://'.length)
  : '/var/run/docker.sock';
const START_TIMEOUT_MS = 30_000;

/** Whether the daemon answers `GET /_ping` on its socket. */
export function dockerAnswers(timeoutMs = 2_000) {
  return new Promise((resolve) => {
    const req = request({ socketPath: SOCKET, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function stop(message) {
  console.error(message);
  process.exit(1);
}

function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  console.log(`Installing ${packages.join(', ')} (apt-get install -y ${packages.join(' ')}) ...`);
  return (
    apt(['install', '-y', '-qq', ...packages]) ||
    (apt(['update', '-qq']) && apt(['install', '-y', '-qq', ...packages]))
  );
}

/** Make Docker usable and the images built; exits with instructions when that cannot be done from here. */
export async function ensureDocker() {
  const root = process.getuid?.() === 0;
  const canInstall = root && onPath('apt-get');
  const missing = [];
  if (!onPath('docker') || !onPath('dockerd')) missing.push('docker.io');
  if (!staticBusybox()) missing.push('busybox-static');
  // A real registry for the image-pull suite, and htpasswd for its bcrypt passwords.
  if (!onPath('docker-registry')) missing.push('docker-registry');
  if (!onPath('htpasswd')) missing.push('apache2-utils');
  if (missing.length > 0) {
    const command = `apt-get install -y ${missing.join(' ')}`;
    if (!canInstall) stop(`Missing: ${missing.join(', ')}. Install with:\n\n  sudo ${command}\n`);
    if (!aptInstall(missing)) stop(`Could not install ${missing.join(', ')}. Run:\n\n  ${command}\n`);
  }
  if (!(await dockerAnswers())) {
    const log = join(tmpdir(), 'dockerd.log');
    if (!root) {
      stop(
        `Docker does not answer on ${SOCKET}. Start it with:\n\n  sudo systemctl start docker\n\n` +
          `or, without systemd:\n\n  sudo sh -c 'dockerd > ${log} 2>&1 &'\n`,
      );
    }
    console.log(`Starting dockerd (log: ${log}) ...`);
    const out = openSync(log, 'a');
    spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] }).unref();
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await dockerAnswers())) {
      if (Date.now() > deadline) stop(`dockerd did not answer on ${SOCKET} within 30 s; see ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    buildImages();
  } catch (error) {
    stop(`${error instanceof Error ? error.message : error}\n\nThen run: npm run images`);
  }
}
