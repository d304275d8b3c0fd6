/**
 * The kubelet bench's peers: Docker doing the same work without Kubedesk, measured in the same
 * run. `docker run -d` is the floor of starting a container; `docker exec` (CLI) and Docker's
 * exec API (raw HTTP on the socket, no dockerode) are the floor of an exec round trip.
 *
 * The exec API client follows what the docker CLI does for `docker exec` (cli/command/container/
 * exec.go): `POST /containers/{id}/exec`, `POST /exec/{id}/start` hijacked (HTTP upgrade to a raw
 * stream, multiplexed without a TTY), then `GET /exec/{id}/json` for the exit code once the stream
 * ends. https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Exec
 */
import { execFile } from 'node:child_process';
import { request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** Where Docker listens: `DOCKER_HOST` when it names a unix socket, else the standard socket. */
const SOCKET = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST.slice('unix://'.length)
  : '/var/run/docker.sock';

/**
 * `docker run -d --label <label> <image> <command…>`, `n` times one after another: ms per call, and
 * the network used. That is Docker's default bridge, unless Docker cannot attach a container to
 * it (seen here: `docker0` missing after a daemon restart), then `none`, so the peer still runs;
 * the footnote says which.
 */
export async function dockerRuns(
  n: number,
  label: string,
  image: string,
  command: string[],
): Promise<{ times: number[]; network: 'default' | 'none' }> {
  let network: 'default' | 'none' = 'default';
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const args = ['run', '-d', '--label', label, ...(network === 'none' ? ['--network', 'none'] : [])];
    const started = performance.now();
    try {
      await run('docker', [...args, image, ...command]);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      if (network === 'none' || !/network|bridge|endpoint/i.test(stderr)) throw error;
      network = 'none';
      i--;
      continue;
    }
    times.push(performance.now() - started);
  }
  return { times, network };
}

/** Ids of the containers labelled `label` (running or not). */
export async function containersLabelled(...labels: string[]): Promise<string[]> {
  const filters = labels.flatMap((label) => ['--filter', `label=${label}`]);
  const { stdout } = await run('docker', ['ps', '-aq', ...filters]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean);
}

/** Remove every container labelled `label` (`docker rm -f`), ignoring failures. */
export async function removeContainers(label: string): Promise<void> {
  const ids = await containersLabelled(label);
  if (ids.length > 0) await run('docker', ['rm', '-f', ...ids]).catch(() => {});
}

/** One `docker exec <container> echo hi` through the CLI, timed until the CLI exits. */
export async function cliExec(container: string): Promise<number> {
  const started = performance.now();
  const { stdout } = await run('docker', ['exec', container, 'echo', 'hi']);
  const elapsed = performance.now() - started;
  if (stdout !== 'hi\n') throw new Error(`docker exec: stdout ${JSON.stringify(stdout)}`);
  return elapsed;
}

/** Time spent in each step of one exec through the API, ms. */
export interface ApiExecTiming {
  total: number;
  create: number;
  /** From `POST /exec/{id}/start` until the hijacked stream ends (the process has exited). */
  stream: number;
  /** `GET /exec/{id}/json` until it reports the exit code (usually one request). */
  inspect: number;
  inspects: number;
}

/**
 * One `echo hi` through Docker's exec API on the unix socket, as the docker CLI makes it (three
 * requests; the two plain ones on Node's kept-alive global agent, as a long-lived client such as
 * the kubelet's dockerode does).
 */
export async function apiExec(container: string): Promise<ApiExecTiming> {
  const started = performance.now();
  const created = await requestJson('POST', `/containers/${container}/exec`, {
    Cmd: ['echo', 'hi'],
    AttachStdout: true,
    AttachStderr: true,
  });
  if (created.status !== 201) throw new Error(`exec create: HTTP ${created.status} ${created.body}`);
  const id = (JSON.parse(created.body) as { Id: string }).Id;
  const afterCreate = performance.now();
  const stdout = await startHijacked(id);
  const afterStream = performance.now();
  let inspects = 0;
  for (;;) {
    inspects++;
    const inspected = await requestJson('GET', `/exec/${id}/json`);
    const info = JSON.parse(inspected.body) as { Running: boolean; ExitCode: number | null };
    if (!info.Running && info.ExitCode !== null) {
      if (info.ExitCode !== 0 || stdout !== 'hi\n')
        throw new Error(`exec: exit ${info.ExitCode}, stdout ${JSON.stringify(stdout)}`);
      break;
    }
    if (inspects >= 50) throw new Error('exec: the stream ended but the process still runs');
    await new Promise((r) => setTimeout(r, 5));
  }
  const end = performance.now();
  return {
    total: end - started,
    create: afterCreate - started,
    stream: afterStream - afterCreate,
    inspect: end - afterStream,
    inspects,
  };
}

function requestJson(method: string, path: string, body?: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: SOCKET, method, path, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** `POST /exec/{id}/start` with `Upgrade: tcp`; resolves to stdout once Docker closes the stream. */
function startHijacked(id: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath: SOCKET,
      method: 'POST',
      path: `/exec/${id}/start`,
      headers: { 'Content-Type': 'application/json', Connection: 'Upgrade', Upgrade: 'tcp' },
    });
    const read = (stream: Duplex | IncomingMessage, head?: Buffer) => {
      const frames = new FrameReader();
      if (head?.length) frames.push(head);
      stream.on('data', (chunk: Buffer) => frames.push(chunk));
      stream.once('end', () => resolve(frames.stdout));
      stream.once('close', () => resolve(frames.stdout));
      stream.once('error', reject);
    };
    req.once('upgrade', (_res, socket, head) => read(socket, head));
    // A daemon that does not upgrade answers 200 and streams in the response body.
    req.once('response', (res) =>
      res.statusCode === 200 ? read(res) : reject(new Error(`exec start: HTTP ${res.statusCode}`)),
    );
    req.on('error', reject);
    req.end(JSON.stringify({ Detach: false, Tty: false }));
  });
}

/** Docker's multiplexed stream (8-byte header: stream, 3 × 0, big-endian length); keeps stdout. */
class FrameReader {
  stdout = '';
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + length) return;
      if (this.buffer[0] === 1) this.stdout += this.buffer.subarray(8, 8 + length).toString();
      this.buffer = this.buffer.subarray(8 + length);
    }
  }
}
