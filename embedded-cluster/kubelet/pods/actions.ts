import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { CoreV1 } from '../../client/index.js';
import type { Clock } from '../../util/clock.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

/** Where a probe or hook acts: the container (for exec) and the pod's address (for HTTP and TCP). */
export interface ActionTarget {
  runtime: ContainerRuntime;
  containerId: string;
  container: CoreV1.Container;
  podIP: string | undefined;
  clock: Clock;
}

/** How an action ended: `ok`, and what it said (the probe's output, the hook's error). */
export interface ActionResult {
  ok: boolean;
  output: string;
}

/** The action of a probe or hook: exec, httpGet, tcpSocket (or a hook's sleep). */
export interface Action {
  exec?: CoreV1.ExecAction;
  httpGet?: CoreV1.HTTPGetAction;
  tcpSocket?: CoreV1.TCPSocketAction;
  sleep?: CoreV1.SleepAction;
}

/** A named port of the container as a number (`port: http` → the `containerPort` named `http`). */
export function resolvePort(port: number | string, container: CoreV1.Container): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (named) return named.containerPort;
  const n = Number(port);
  if (Number.isInteger(n)) return n;
  throw new Error(`couldn't find port: ${port} in ${container.name}`);
}

/**
 * Run `action` against `target`, giving up after `timeoutMs` (pkg/kubelet/prober/prober.go):
 * exec succeeds with exit code 0, httpGet with a status in 200–399, tcpSocket when it connects.
 */
export async function runAction(
  action: Action,
  target: ActionTarget,
  timeoutMs: number,
): Promise<ActionResult> {
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const timeout = new Promise<ActionResult>((resolve) => {
    timer = target.clock.setTimeout(
      () => resolve({ ok: false, output: `command timed out after ${timeoutMs / 1000}s` }),
      timeoutMs,
    );
    timer.unref?.();
  });
  try {
    return await Promise.race([perform(action, target, timeoutMs), timeout]);
  } catch (error) {
    return { ok: false, output: error instanceof Error ? error.message : String(error) };
  } finally {
    if (timer) target.clock.clearTimeout(timer);
  }
}

async function perform(action: Action, target: ActionTarget, timeoutMs: number): Promise<ActionResult> {
  if (action.exec) {
    const session = await target.runtime.exec(target.containerId, {
      command: action.exec.command ?? [],
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
    });
    let output = '';
    const ended = [session.stdout, session.stderr].map((stream) =>
      stream
        ? new Promise<void>((resolve) => {
            stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
            stream.once('end', resolve);
            stream.once('close', resolve);
            stream.once('error', () => resolve());
          })
        : Promise.resolve(),
    );
    const done = await session.done;
    // The output is the probe's message: let it finish arriving.
    await Promise.all(ended);
    if ('message' in done) return { ok: false, output: done.message };
    // As the kubelet's exec prober: success is exit code 0; the message is what the command printed.
    return { ok: done.exitCode === 0, output };
  }
  if (action.httpGet) return httpGet(action.httpGet, target, timeoutMs);
  if (action.tcpSocket) {
    const host = action.tcpSocket.host || target.podIP || '127.0.0.1';
    const port = resolvePort(action.tcpSocket.port, target.container);
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      socket.setTimeout(timeoutMs);
      socket.once('connect', () => {
        socket.destroy();
        resolve({ ok: true, output: '' });
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` });
      });
      socket.once('error', (e) => resolve({ ok: false, output: `dial tcp ${host}:${port}: ${e.message}` }));
    });
  }
  if (action.sleep) {
    const ms = action.sleep.seconds * 1000;
    await new Promise<void>((resolve) => target.clock.setTimeout(resolve, ms));
    return { ok: true, output: '' };
  }
  return { ok: false, output: 'missing probe handler' };
}

function httpGet(get: CoreV1.HTTPGetAction, target: ActionTarget, timeoutMs: number): Promise<ActionResult> {
  const host = get.host || target.podIP || '127.0.0.1';
  const port = resolvePort(get.port, target.container);
  const scheme = (get.scheme ?? 'HTTP').toLowerCase();
  const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const request = (scheme === 'https' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          if (body.length < 10_240) body += chunk.toString();
        });
        response.on('end', () => {
          const code = response.statusCode ?? 0;
          if (code >= 200 && code < 400) resolve({ ok: true, output: body });
          else resolve({ ok: false, output: `HTTP probe failed with statuscode: ${code}` });
        });
      },
    );
    request.on('timeout', () => {
      request.destroy();
      resolve({ ok: false, output: `Get "${url}": context deadline exceeded` });
    });
    request.on('error', (e) => resolve({ ok: false, output: `Get "${url}": ${e.message}` }));
    request.end();
  });
}
