import { createServer, type Server, type Socket } from 'node:net';
import type { PortForwardInfo, PortForwardRequest } from '../shared/bridge.js';
import type { KubeHttp } from './kube-http.js';
import { openTunnel } from './pod-tunnel.js';
import { resolveTarget, watchedCollection, type Resolution } from './target-resolver.js';
import { watchLoop } from './watch-loop.js';

export interface PortForwardOptions {
  id: string;
  request: PortForwardRequest & { localPort: number };
  http: KubeHttp;
  /** How long to gather watch events before resolving again (default 50 ms). */
  settleMs?: number;
  /** Wait before relisting after a broken watch (default 1 s, doubling). */
  retryMs?: number;
}

/**
 * One port-forward: a listener on 127.0.0.1 whose every accepted connection is tunnelled to the
 * pod the target resolves to at that moment (see {@link resolveTarget}). A Service or workload
 * target is followed: a watch says when to resolve again, and when its pod goes away or turns
 * unready, new connections go to another ready pod and the old pod's connections end; with none
 * ready the forward is `waiting`. A Pod target whose pod is deleted is `failed` for good.
 */
export class PortForward {
  private readonly server: Server;
  /** Open connections, and the pod each one reaches. */
  private readonly sockets = new Map<Socket, string>();
  private readonly abort = new AbortController();
  private resolution: Resolution = { kind: 'waiting', message: 'starting' };
  /** The last failure that did not change the resolution (a tunnel refused, the watch broke). */
  private problem: string | undefined;
  private localPort = 0;
  private resolving = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PortForwardOptions) {
    // Paused until its tunnel is open, so that what the client sends first is not lost.
    this.server = createServer({ pauseOnConnect: true }, (socket) => void this.accept(socket));
  }

  /**
   * Resolve the target and listen. Rejects (and listens on nothing) when the target does not exist,
   * cannot be forwarded to, or the local port is taken; a target with no ready pod yet is fine.
   */
  async start(): Promise<void> {
    const { request, http } = this.options;
    const first = await resolveTarget(http, request);
    if (first.kind === 'failed') throw new Error(first.message);
    this.apply(first);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `local port ${request.localPort} is already in use; pick another, or 0 for any free port`
              : error.code === 'EACCES'
                ? `not allowed to listen on local port ${request.localPort}; pick one above 1023`
                : error.message,
          ),
        ),
      );
      this.server.listen(request.localPort, '127.0.0.1', () => resolve());
    });
    this.localPort = (this.server.address() as { port: number }).port;
    void watchLoop({
      http,
      collection: watchedCollection(request),
      onChange: () => this.scheduleResolve(),
      onError: (error) => (this.problem = messageOf(error)),
      signal: this.abort.signal,
      ...(this.options.retryMs !== undefined ? { retryMs: this.options.retryMs } : {}),
    });
  }

  info(): PortForwardInfo {
    const { request, id } = this.options;
    const r = this.resolution;
    const message = r.kind === 'ready' ? this.problem : r.message;
    return {
      ...request,
      id,
      localPort: this.localPort,
      url: `http://127.0.0.1:${this.localPort}`,
      ...(r.kind === 'ready' ? { pod: r.pod, podPort: r.podPort } : {}),
      state: r.kind === 'ready' ? 'active' : r.kind,
      ...(message ? { message } : {}),
      connections: this.sockets.size,
    };
  }

  /** Close the listener and every connection; the watch stops. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    for (const socket of this.sockets.keys()) socket.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async accept(socket: Socket): Promise<void> {
    const r = this.resolution;
    if (r.kind !== 'ready') {
      socket.destroy();
      return;
    }
    this.sockets.set(socket, r.pod);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    try {
      const connection = await this.options.http.connect();
      const credentials = await connection.headers();
      if (socket.destroyed) return;
      const target = { namespace: this.options.request.namespace, pod: r.pod, port: r.podPort };
      openTunnel(connection, credentials, target, socket, (message) => (this.problem = message));
    } catch (error) {
      this.problem = messageOf(error);
      socket.destroy();
    }
  }

  /** Resolve again soon; events that arrive meanwhile fold into one resolve. */
  private scheduleResolve(): void {
    if (this.abort.signal.aborted) return;
    if (this.resolving) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.resolveNow(), this.options.settleMs ?? 50);
  }

  private async resolveNow(): Promise<void> {
    this.resolving = true;
    try {
      const current = this.resolution.kind === 'ready' ? this.resolution.pod : undefined;
      const next = await resolveTarget(this.options.http, this.options.request, current);
      if (!this.abort.signal.aborted) this.apply(next);
    } catch (error) {
      // The cluster could not say: keep forwarding where we were, and say why it may be stale.
      this.problem = messageOf(error);
    } finally {
      this.resolving = false;
      if (this.again) {
        this.again = false;
        this.scheduleResolve();
      }
    }
  }

  private apply(next: Resolution): void {
    const before = this.resolution;
    const moved = before.kind !== 'ready' || next.kind !== 'ready' || before.pod !== next.pod;
    this.resolution = next;
    if (!moved) return;
    this.problem = undefined;
    // Connections to a pod that is no longer the target end; the client reconnects to the new one.
    const still = next.kind === 'ready' ? next.pod : undefined;
    for (const [socket, pod] of this.sockets) if (pod !== still) socket.destroy();
    if (next.kind === 'failed') this.abort.abort();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
