import Dockerode from 'dockerode';
import { RuntimeUnavailableError } from '../runtime/container-runtime.js';

/**
 * The one module that imports dockerode (STYLE.md, habit 6): it opens the Docker client and turns
 * dockerode's errors into the runtime's typed errors. The rest of `docker/` uses the types
 * re-exported here.
 */
export type Docker = Dockerode;
export type DockerContainer = Dockerode.Container;
export type ContainerCreateOptions = Dockerode.ContainerCreateOptions;
export type ContainerInspectInfo = Dockerode.ContainerInspectInfo;
export type DockerAuthConfig = Dockerode.AuthConfig;

/** Where Docker listens: `DOCKER_HOST` when it names a unix socket, else the standard socket. */
export function defaultSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

export function openDocker(socketPath: string): Docker {
  return new Dockerode({ socketPath });
}

/** An error from dockerode: `statusCode` from the daemon, or a socket `code` (ENOENT, ECONNREFUSED…). */
interface DockerodeError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
}

export function statusCode(error: unknown): number | undefined {
  return (error as DockerodeError | undefined)?.statusCode;
}

/** The daemon's own words for a failed request (`{"message": …}`), else the error's message. */
export function daemonMessage(error: unknown): string {
  const e = error as DockerodeError;
  if (e?.json && typeof e.json === 'object' && typeof e.json.message === 'string') return e.json.message;
  return e?.message ?? String(error);
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'ENOTSOCK']);

/**
 * Rethrow socket-level failures as {@link RuntimeUnavailableError}, naming the socket and what to
 * do; anything else (an answer from the daemon) passes through unchanged.
 */
export function rethrow(error: unknown, socketPath: string): never {
  const code = (error as DockerodeError | undefined)?.code;
  if (code && UNREACHABLE.has(code)) throw unavailable(socketPath, code);
  throw error;
}

export function unavailable(socketPath: string, code: string): RuntimeUnavailableError {
  const what =
    code === 'EACCES'
      ? `permission denied: add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again)`
      : code === 'ENOENT'
        ? `the socket does not exist: install Docker (Debian: sudo apt-get install docker.io) and start it (sudo systemctl start docker, or sudo dockerd)`
        : `nothing answers on it: start Docker (sudo systemctl start docker, or sudo dockerd)`;
  return new RuntimeUnavailableError(`Docker is not reachable at unix://${socketPath} (${code}): ${what}`);
}
