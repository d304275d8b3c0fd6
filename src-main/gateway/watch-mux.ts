import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ClusterDirectory } from './cluster-directory.js';
import type { ClusterPath } from './cluster-path.js';
import { credentialsMessage, lookup } from './proxy.js';
import { failureStatus } from './status.js';
import { unreachableMessage, type UpstreamAgents, upstreamRequest } from './upstream.js';
import { LineSplitter, parseClientFrame, type ServerFrame, type WatchFrame } from './watch-mux-frames.js';

/**
 * The watch multiplexer: one WebSocket (`GET /app/watch`) that carries every watch of a window,
 * so that a page with twenty live tables holds one connection to the gateway instead of twenty
 * long-lived `fetch`es — browsers allow six HTTP/1.1 connections per host, and a seventh request
 * (a bridge call, a list, a lazily loaded view) would wait for one of the watches to end. The
 * gateway opens the upstream watches itself (Node has no such limit), with the same credentials
 * and agents as the HTTP proxy, and relays their events. Headlamp solves the same problem the
 * same way (its backend's `/wsMultiplexer`).
 *
 * Per socket: watches by the client's id; a `cancel`, or the socket closing, aborts the upstream
 * requests. When the socket's send buffer grows past a high-water mark (a slow renderer, a huge
 * relist of events) every upstream response of that socket is paused until it drains, so the
 * gateway never buffers without bound. See README.md for the frames.
 */
export interface WatchMuxOptions {
  directory: ClusterDirectory;
  /** The keep-alive pools the HTTP proxy uses too. */
  agents: UpstreamAgents;
  /** Pause the upstream watches when this many bytes wait to be sent (default 8 MiB). */
  highWaterBytes?: number;
  /** Resume them once no more than this many wait (default 1 MiB). */
  lowWaterBytes?: number;
  /** Watches one socket may hold open at once (default 1000). */
  maxWatches?: number;
}

/** The endpoint: `new WatchMux(options).handle(req, socket, head)` for an authenticated upgrade. */
export class WatchMux {
  private readonly server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    // Client frames are small commands; events only flow the other way.
    maxPayload: 64 * 1024,
    perMessageDeflate: false,
  });
  private readonly sessions = new Set<MuxSession>();

  constructor(private readonly options: WatchMuxOptions) {}

  /** Complete the WebSocket handshake on `socket` (already authenticated) and serve it. */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    this.server.handleUpgrade(req, socket, head, (ws) => {
      const session = new MuxSession(ws, this.options, req.headers['user-agent']);
      this.sessions.add(session);
      ws.once('close', () => this.sessions.delete(session));
    });
  }

  /** Close every socket, aborting its watches. */
  close(): void {
    for (const session of this.sessions) session.terminate();
    this.sessions.clear();
    this.server.close();
  }
}

/** One upstream watch of a socket. */
interface UpstreamWatch {
  id: string;
  request?: ClientRequest;
  reply?: IncomingMessage;
}

/** The outcome that ends a watch, as the frame that says so. */
type Ending = { error: unknown } | { end: true; error?: unknown };

/** One client socket and its watches (exported for the back-pressure test, which drives a fake socket). */
export class MuxSession {
  private readonly watches = new Map<string, UpstreamWatch>();
  private readonly highWater: number;
  private readonly lowWater: number;
  private paused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: WatchMuxOptions,
    private readonly userAgent: string | undefined,
  ) {
    this.highWater = options.highWaterBytes ?? 8 * 1024 * 1024;
    this.lowWater = options.lowWaterBytes ?? 1024 * 1024;
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('error', () => ws.terminate());
    ws.once('close', () => this.abortAll());
  }

  terminate(): void {
    this.abortAll();
    this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.ws.close(1003, 'text frames only');
    const parsed = parseClientFrame(rawText(data));
    if (!parsed.ok) {
      // Without an id there is no watch to tell: the client does not speak this protocol.
      if (parsed.id === undefined) return this.ws.close(1008, parsed.status.message.slice(0, 120));
      this.end(parsed.id, { error: parsed.status });
      return;
    }
    const frame = parsed.frame;
    if (frame.op === 'cancel') return this.cancel(frame.id);
    if (this.watches.has(frame.id)) {
      this.end(frame.id, {
        error: failureStatus(400, `watch: a watch with id "${frame.id}" is already open`),
      });
      return;
    }
    const max = this.options.maxWatches ?? 1000;
    if (this.watches.size >= max) {
      this.end(frame.id, { error: failureStatus(429, `watch: this socket already holds ${max} watches`) });
      return;
    }
    void this.start(frame);
  }

  /** Look the cluster up, get its credentials, and open the upstream watch. */
  private async start(frame: WatchFrame): Promise<void> {
    const watch: UpstreamWatch = { id: frame.id };
    this.watches.set(frame.id, watch);
    const target: ClusterPath = {
      rawId: frame.cluster,
      candidates: candidates(frame.cluster),
      rest: frame.path,
    };
    const found = await lookup(this.options.directory, target);
    if (!this.isCurrent(watch)) return;
    if (found.kind === 'missing') {
      return this.finish(watch, { error: failureStatus(404, `cluster "${frame.cluster}" not found`) });
    }
    if (found.kind === 'failed') return this.finish(watch, { error: failureStatus(503, found.message) });
    const { id: clusterId, connection } = found;
    let credentials: Record<string, string>;
    try {
      credentials = await connection.headers();
    } catch (error) {
      if (this.isCurrent(watch))
        this.finish(watch, { error: failureStatus(503, credentialsMessage(clusterId, error)) });
      return;
    }
    if (!this.isCurrent(watch)) return;

    const request = upstreamRequest(connection, {
      method: 'GET',
      rest: frame.path,
      headers: {
        accept: frame.accept,
        ...(this.userAgent ? { 'user-agent': this.userAgent } : {}),
        ...credentials,
      },
      agent: this.options.agents.for(connection),
    });
    watch.request = request;
    request.on('error', (error) => {
      const status = failureStatus(503, unreachableMessage(clusterId, error));
      this.finish(watch, watch.reply ? { end: true, error: dropped(status) } : { error: status });
    });
    request.on('response', (reply: IncomingMessage) => this.onReply(watch, reply, frame.path));
    request.end();
  }

  private onReply(watch: UpstreamWatch, reply: IncomingMessage, path: string): void {
    watch.reply = reply;
    if (reply.statusCode !== 200) return this.onRefusal(watch, reply, path);
    this.send({ id: watch.id, opened: true });
    reply.setEncoding('utf8');
    const lines = new LineSplitter();
    reply.on('data', (chunk: string) => this.relay(watch, lines.push(chunk)));
    reply.on('end', () => {
      this.relay(watch, lines.end());
      this.finish(watch, { end: true });
    });
    // The cluster cut the stream short (restart, network): the watch ended, but not cleanly.
    reply.on('close', () => {
      if (!reply.complete) {
        this.finish(watch, {
          end: true,
          error: dropped(failureStatus(503, 'the cluster closed the connection')),
        });
      }
    });
    reply.on('error', () => {});
    if (this.paused) reply.pause();
  }

  /** A refused watch (403, 404, 410 for a bad resourceVersion, …): its Status, or one made from the answer. */
  private onRefusal(watch: UpstreamWatch, reply: IncomingMessage, path: string): void {
    const chunks: Buffer[] = [];
    let size = 0;
    reply.on('data', (chunk: Buffer) => {
      if (size < 64 * 1024) chunks.push(chunk);
      size += chunk.length;
    });
    reply.on('end', () => {
      this.finish(watch, { error: refusalStatus(reply, Buffer.concat(chunks).toString('utf8'), path) });
    });
    reply.on('error', () => {});
    reply.on('close', () => {
      if (!reply.complete) this.finish(watch, { error: refusalStatus(reply, '', path) });
    });
  }

  /**
   * Send the events of one chunk as one frame. Each line is checked to be one JSON value before
   * it is spliced into the frame, so a cluster cannot forge frames for other watches. An ERROR
   * event ends a Kubernetes watch (the server closes it next), so it goes out as the `error`
   * that ends this one, after the events before it.
   */
  private relay(watch: UpstreamWatch, lines: string[]): void {
    if (lines.length === 0 || !this.isCurrent(watch)) return;
    const events: string[] = [];
    let ending: Ending | undefined;
    for (const line of lines) {
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        ending = { end: true, error: failureStatus(502, 'watch: the cluster sent a line that is not JSON') };
        break;
      }
      const { type, object } = (event ?? {}) as { type?: unknown; object?: unknown };
      if (type === 'ERROR') {
        ending = { error: object ?? failureStatus(500, 'watch: an ERROR event without a Status') };
        break;
      }
      events.push(line);
    }
    if (events.length) this.sendText(`{"id":${JSON.stringify(watch.id)},"events":[${events.join(',')}]}`);
    if (ending) this.finish(watch, ending);
  }

  private cancel(id: string): void {
    const watch = this.watches.get(id);
    if (!watch) return;
    this.watches.delete(id);
    watch.request?.destroy();
  }

  /** End `watch` (if it still runs): say how, and abort its upstream request. */
  private finish(watch: UpstreamWatch, ending: Ending): void {
    if (!this.isCurrent(watch)) return;
    this.watches.delete(watch.id);
    watch.request?.destroy();
    this.send({ id: watch.id, ...ending } as ServerFrame);
  }

  /** End a watch that never started (a refused frame): just say so. */
  private end(id: string, ending: Ending): void {
    const running = this.watches.get(id);
    if (running) this.finish(running, ending);
    else this.send({ id, ...ending } as ServerFrame);
  }

  private isCurrent(watch: UpstreamWatch): boolean {
    return this.watches.get(watch.id) === watch;
  }

  private abortAll(): void {
    for (const watch of this.watches.values()) watch.request?.destroy();
    this.watches.clear();
  }

  private send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /** Send a frame; past the high-water mark, pause every upstream watch until the socket drains. */
  private sendText(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // The callback runs once the frame is handed to the OS: the moment to see whether it drained.
    this.ws.send(text, () => this.resumeIfDrained());
    if (!this.paused && this.ws.bufferedAmount > this.highWater) {
      this.paused = true;
      for (const watch of this.watches.values()) watch.reply?.pause();
    }
  }

  private resumeIfDrained(): void {
    if (!this.paused || this.ws.bufferedAmount > this.lowWater) return;
    this.paused = false;
    for (const watch of this.watches.values()) watch.reply?.resume();
  }
}

/** The ids to look `cluster` up by: as sent, then decoded (as cluster-path.ts does for URLs). */
function candidates(cluster: string): string[] {
  try {
    const decoded = decodeURIComponent(cluster);
    return decoded === cluster ? [cluster] : [cluster, decoded];
  } catch {
    return [cluster];
  }
}

/** A Status for a watch that dropped mid-stream. */
function dropped(status: ReturnType<typeof failureStatus>): ReturnType<typeof failureStatus> {
  return { ...status, message: `the watch was cut off: ${status.message}` };
}

/** The cluster's Status from a refused watch's body, else one made from its code and text. */
function refusalStatus(reply: IncomingMessage, body: string, path: string): unknown {
  const code = reply.statusCode ?? 502;
  try {
    const parsed = JSON.parse(body) as { kind?: unknown; code?: unknown };
    if (parsed && parsed.kind === 'Status') return { ...parsed, code: parsed.code ?? code };
  } catch {
    // Not JSON: described below.
  }
  const detail = body.trim().slice(0, 300);
  const what = `watch ${path.split('?')[0]}: ${code} ${reply.statusMessage ?? ''}`.trim();
  return failureStatus(code, detail ? `${what}: ${detail}` : what);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
