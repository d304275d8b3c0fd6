import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { StatusCause } from 'kubernetes-types/meta/v1.js';
import { errors } from '../../api/errors.js';
import type { LogRequest } from '../../api/node-streams.js';
import type { Endpoint } from '../handlers/endpoint.js';
import {
  isWebSocketRequest,
  negotiateLogProtocol,
  standaloneAccept,
  webSocketSender,
  type AcceptWebSocket,
} from './log-websocket.js';
import { booleanParam, containerStatus, resolveTarget, type NodeStreamsLookup } from './target.js';

/** The PodLogOptions of a `pods/log` request (query parameters, as kubectl sends them). */
export interface LogOptions {
  container: string | null;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

/**
 * Parse and validate the query of a log request as kube-apiserver does (conversion, then
 * ValidatePodLogOptions in pkg/apis/core/validation): bad numbers are 400, bad values 422
 * `PodLogOptions "<pod>" is invalid: …`.
 */
export function parseLogOptions(query: URLSearchParams, podName: string): LogOptions {
  const integer = (name: string): number | undefined => {
    const value = query.get(name);
    if (value === null || value === '') return undefined;
    if (!/^[+-]?\d+$/.test(value)) {
      throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
    }
    return Number(value);
  };
  const options: LogOptions = {
    container: query.get('container') || null,
    follow: booleanParam(query, 'follow'),
    previous: booleanParam(query, 'previous'),
    timestamps: booleanParam(query, 'timestamps'),
  };
  const sinceSeconds = integer('sinceSeconds');
  const tailLines = integer('tailLines');
  const limitBytes = integer('limitBytes');
  const sinceTime = query.get('sinceTime') || undefined;
  const causes: StatusCause[] = [];
  if (tailLines !== undefined) {
    if (tailLines < 0) causes.push(invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
    options.tailLines = tailLines;
  }
  if (limitBytes !== undefined) {
    if (limitBytes < 1) causes.push(invalid('limitBytes', limitBytes, 'must be greater than 0'));
    options.limitBytes = limitBytes;
  }
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    causes.push({
      reason: 'FieldValueForbidden',
      field: '',
      message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
  }
  if (sinceSeconds !== undefined) {
    if (sinceSeconds < 1) causes.push(invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
    options.sinceSeconds = sinceSeconds;
  }
  if (sinceTime !== undefined) {
    if (Number.isNaN(Date.parse(sinceTime)) || !/^\d{4}-\d{2}-\d{2}T/.test(sinceTime)) {
      throw errors.badRequest(
        `parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)} as RFC 3339`,
      );
    }
    options.sinceTime = sinceTime;
  }
  if (causes.length > 0) throw errors.invalid('', 'PodLogOptions', podName, causes);
  return options;
}

function invalid(field: string, value: number, why: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${value}: ${why}` };
}

/**
 * GET pods/<name>/log: the container's log, streamed from the pod's node — as chunked text/plain,
 * or, when the request is a WebSocket upgrade, as WebSocket messages (log-websocket.ts); with
 * `follow` until the container stops or the client leaves (pkg/registry/core/pod/rest/log.go).
 * Errors before the stream starts (the pod, the container, the options, the protocol) are plain
 * HTTP Status responses either way, as kube-apiserver opens the log before it upgrades.
 * `accept` is how an upgrade takes the socket over (the streaming server's, which ends it when
 * the server closes); without it the upgrade is accepted here.
 */
export async function serveLogs(
  endpoint: Endpoint,
  lookup: NodeStreamsLookup | undefined,
  accept?: AcceptWebSocket,
): Promise<void> {
  const { info, query, response, request } = endpoint;
  if (info.verb !== 'get') throw errors.methodNotSupported({ group: '', resource: 'pods/log' }, info.verb);
  const name = info.name!;
  const options = parseLogOptions(query, name);
  const target = await resolveTarget(endpoint.parts, lookup, info.namespace!, name, options.container, true);
  checkLogsAvailable(target.pod, name, target.container, options.previous);
  const protocol = isWebSocketRequest(request) ? negotiateLogProtocol(request) : undefined;

  const abort = new AbortController();
  const onGone = () => abort.abort();
  if (protocol === undefined) {
    request.once('close', onGone);
    response.once('close', onGone);
  } else {
    // An upgraded request's own 'close' says nothing about the connection; its socket's does.
    request.socket.once('close', onGone);
  }
  const logRequest: LogRequest = {
    namespace: target.namespace,
    pod: name,
    podUid: target.uid,
    container: target.container,
    follow: options.follow,
    previous: options.previous,
    timestamps: options.timestamps,
    ...(options.sinceSeconds !== undefined ? { sinceSeconds: options.sinceSeconds } : {}),
    ...(options.sinceTime !== undefined ? { sinceTime: options.sinceTime } : {}),
    ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
    ...(options.limitBytes !== undefined ? { limitBytes: options.limitBytes } : {}),
  };
  const log = await target.node.logs(logRequest, abort.signal);
  if (abort.signal.aborted) {
    log.destroy();
    return;
  }
  if (protocol !== undefined) {
    abort.signal.addEventListener('abort', () => log.destroy(), { once: true });
    const ws = await (accept ?? standaloneAccept(endpoint))(protocol);
    ws.once('close', onGone);
    const sender = webSocketSender(ws, protocol);
    // wsstream's first, empty, message: the client knows it is connected before any line.
    await sender.send(Buffer.alloc(0));
    await pipeLimited(log, sender, options.limitBytes, abort.signal);
    return;
  }
  response.writeHead(200, {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // Headers now, so that `kubectl logs -f` on a quiet container shows it is connected.
  response.flushHeaders();
  await pipeLimited(log, responseSender(response), options.limitBytes, abort.signal);
}

/**
 * The kubelet's checks before it opens a log (validateContainerLogStatus in
 * pkg/kubelet/kubelet_pods.go): a waiting container has no log yet; `previous` needs a terminated
 * earlier instance.
 */
export function checkLogsAvailable(
  pod: { status?: unknown } & object,
  podName: string,
  container: string,
  previous: boolean,
): void {
  const status = containerStatus(pod as Parameters<typeof containerStatus>[0], container);
  if (!status) throw errors.badRequest(`container "${container}" in pod "${podName}" is not available`);
  if (previous) {
    if (!status.lastState?.terminated) {
      throw errors.badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    }
    return;
  }
  const waiting = status.state?.waiting;
  const ranBefore = status.lastState?.terminated !== undefined;
  if (waiting && !ranBefore) {
    throw errors.badRequest(
      `container "${container}" in pod "${podName}" is waiting to start: ${waiting.reason ?? 'ContainerCreating'}`,
    );
  }
}

/** Where a log's data goes: `send` resolves when more may follow (the receiver's pace). */
interface LogSender {
  send(data: Buffer): Promise<void> | undefined;
  end(): void;
}

/** The HTTP response as a sender: waits for 'drain' only when the response's buffer is full. */
function responseSender(response: ServerResponse): LogSender {
  return {
    send: (data) =>
      response.write(data) ? undefined : new Promise((resolve) => response.once('drain', resolve)),
    end: () => response.end(),
  };
}

/** Copy the log to the sender, stopping after `limit` bytes or when the client goes. */
function pipeLimited(
  log: Readable,
  sender: LogSender,
  limit: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      log.off('data', onData);
      log.destroy();
      if (!signal.aborted) sender.end();
      resolve();
    };
    const onData = (chunk: Buffer | string) => {
      let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (limit !== undefined && sent + data.length > limit) data = data.subarray(0, limit - sent);
      sent += data.length;
      if (data.length > 0) {
        const written = sender.send(data);
        if (written) {
          log.pause();
          void written.then(() => log.resume());
        }
      }
      if (limit !== undefined && sent >= limit) finish();
    };
    log.on('data', onData);
    log.once('end', finish);
    log.once('error', finish);
    signal.addEventListener('abort', finish, { once: true });
  });
}
