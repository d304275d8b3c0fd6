import { Backoff, type BackoffOptions } from './backoff.js';
import { failureStatus, networkError, StatusError } from './status-error.js';
import type { Status, WatchEvent } from './types.js';
import type { WatchRequest, WatchStream, WatchTransport } from './watch-transport.js';

/**
 * The client of the gateway's watch multiplexer (`/app/watch`, src-main/gateway/watch-mux.ts):
 * one WebSocket per window carries every watch, so that watches never take up the six HTTP/1.1
 * connections a browser gives the gateway's host. Each `open` is a subscription on that socket:
 *
 * - the socket is opened lazily by the first watch, and again by the first watch after it
 *   closed; after a failed attempt the next one waits (0.5 s doubling to 30 s, jittered);
 * - `open` resolves on the gateway's `opened` (the cluster answered 200) and rejects with the
 *   `StatusError` of its `error` frame (a refusal: 403, 404, 503 unreachable …);
 * - the stream yields the `events` frames' events in order; an `error` frame after `opened`
 *   (an ERROR event, e.g. 410 Expired) throws its `StatusError`, so the informer relists exactly
 *   as with `fetch`; `end` ends the loop (the server's timeout), or throws its `error` when the
 *   watch was cut off;
 * - the socket dropping throws a network `StatusError` (code 0) in every subscription, so
 *   informers reconnect from their last resourceVersion as they do after a dropped `fetch`;
 * - an aborted signal, or a loop that stops early, sends `cancel`.
 */

/** The part of the browser's `WebSocket` this client uses (tests script a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WatchMuxClientOptions {
  /** `ws://127.0.0.1:<port>/app/watch` */
  url: string;
  /** Default: the global `WebSocket`. */
  createSocket?: (url: string) => WebSocketLike;
  /** Between failed attempts to open the socket. */
  backoff?: BackoffOptions;
  /** Give up on a socket that has not opened after this long (default 10 s). */
  connectTimeoutMs?: number;
  now?: () => number;
}

/** What the gateway sends; see src-main/gateway/watch-mux-frames.ts. */
interface ServerFrame {
  id?: unknown;
  opened?: boolean;
  events?: WatchEvent<unknown>[];
  error?: Partial<Status>;
  end?: boolean;
}

const OPEN = 1;

export class WatchMuxClient {
  private socket: WebSocketLike | undefined;
  private connecting: Promise<WebSocketLike> | undefined;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly backoff: Backoff;
  private nextAttemptAt = 0;
  private lastId = 0;

  constructor(private readonly options: WatchMuxClientOptions) {
    this.backoff = new Backoff(options.backoff);
  }

  /** The transport for one cluster's watches over this socket. */
  transport(clusterId: string): WatchTransport {
    return { open: <T>(request: WatchRequest) => this.open<T>(clusterId, request) };
  }

  /** Watches open or opening (for tests and diagnostics). */
  get size(): number {
    return this.subscriptions.size;
  }

  /** Close the socket; every watch on it fails as after a drop. */
  close(): void {
    this.socket?.close(1000, 'closed');
    this.dropped('the client closed it');
  }

  private async open<T>(clusterId: string, request: WatchRequest): Promise<WatchStream<T>> {
    const { signal, what } = request;
    signal?.throwIfAborted();
    let socket: WebSocketLike;
    try {
      socket = await whenAborted(this.connect(), signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw networkError(error, `watch ${what}`);
    }
    // Closed between opening and now (its close already failed the watches it had): this one too.
    if (this.socket !== socket || socket.readyState !== OPEN) {
      throw networkError(new Error("the gateway's watch socket closed"), `watch ${what}`);
    }
    const id = String(++this.lastId);
    const subscription = new Subscription(id, what, () => this.cancel(id));
    this.subscriptions.set(id, subscription);
    socket.send(
      JSON.stringify({ op: 'watch', id, cluster: clusterId, path: request.path, accept: request.accept }),
    );
    if (signal) {
      const onAbort = () => subscription.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      subscription.onFinish(() => signal.removeEventListener('abort', onAbort));
    }
    await subscription.opened;
    return subscription as unknown as WatchStream<T>;
  }

  private cancel(id: string): void {
    if (!this.subscriptions.delete(id)) return;
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ op: 'cancel', id }));
  }

  /** The open socket, or the one being opened (waiting out the backoff after a failure first). */
  private connect(): Promise<WebSocketLike> {
    if (this.socket?.readyState === OPEN) return Promise.resolve(this.socket);
    this.connecting ??= this.dial().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async dial(): Promise<WebSocketLike> {
    const wait = this.nextAttemptAt - this.now();
    if (wait > 0) await new Promise((resolve) => globalThis.setTimeout(resolve, wait));
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url) as WebSocketLike);
    const socket = create(this.options.url);
    return new Promise<WebSocketLike>((resolve, reject) => {
      const timer = globalThis.setTimeout(() => {
        fail(`it did not open within ${this.options.connectTimeoutMs ?? 10_000} ms`);
        socket.close();
      }, this.options.connectTimeoutMs ?? 10_000);
      const fail = (why: string) => {
        globalThis.clearTimeout(timer);
        socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
        this.nextAttemptAt = this.now() + this.backoff.next();
        reject(new Error(`the gateway's watch socket failed: ${why}`));
      };
      socket.onerror = () => {};
      socket.onclose = (event) =>
        fail(`closed with code ${event.code}${event.reason ? ` (${event.reason})` : ''}`);
      socket.onopen = () => {
        globalThis.clearTimeout(timer);
        this.backoff.reset();
        this.nextAttemptAt = 0;
        this.socket = socket;
        socket.onmessage = (event) => this.receive(event.data);
        socket.onclose = (event) => {
          if (this.socket !== socket) return;
          this.dropped(`closed with code ${event.code}${event.reason ? ` (${event.reason})` : ''}`);
        };
        resolve(socket);
      };
    });
  }

  private receive(data: unknown): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data)) as ServerFrame;
    } catch {
      // Not the protocol: nothing on this socket can be trusted to be in order any more.
      this.socket?.close(1002, 'a frame that is not JSON');
      this.dropped('the gateway sent a frame that is not JSON');
      return;
    }
    const subscription = typeof frame.id === 'string' ? this.subscriptions.get(frame.id) : undefined;
    if (!subscription) return; // cancelled meanwhile
    if (frame.opened) subscription.accept();
    if (frame.events?.length) subscription.push(frame.events);
    if (frame.error !== undefined || frame.end) {
      this.subscriptions.delete(subscription.id);
      subscription.finish(
        frame.error !== undefined ? statusError(frame.error, subscription.what) : undefined,
      );
    }
  }

  /** The socket is gone: every watch on it fails with a network error, and the next watch reopens it. */
  private dropped(why: string): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
    const subscriptions = [...this.subscriptions.values()];
    this.subscriptions.clear();
    for (const subscription of subscriptions) {
      subscription.finish(
        networkError(new Error(`the gateway's watch socket ${why}`), `watch ${subscription.what}`),
      );
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/**
 * One watch on the socket: a promise for its opening, then a queue of events read through
 * `for await`, in the order the frames came.
 */
class Subscription implements AsyncIterable<WatchEvent<unknown>> {
  readonly opened: Promise<void>;
  private resolveOpened!: () => void;
  private rejectOpened!: (error: unknown) => void;
  private isOpen = false;
  private readonly queue: WatchEvent<unknown>[] = [];
  /** Set once the watch is over: undefined error for a clean end. */
  private ending: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private readonly finishListeners: (() => void)[] = [];

  constructor(
    readonly id: string,
    readonly what: string,
    private readonly cancel: () => void,
  ) {
    this.opened = new Promise<void>((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
  }

  accept(): void {
    this.isOpen = true;
    this.resolveOpened();
  }

  push(events: WatchEvent<unknown>[]): void {
    if (this.ending) return;
    for (const event of events) this.queue.push(event);
    this.signal();
  }

  /** The watch is over: ended cleanly (no error), refused, or cut off. */
  finish(error: unknown): void {
    if (this.ending) return;
    this.ending = { error };
    if (!this.isOpen) this.rejectOpened(error ?? statusError(undefined, this.what));
    for (const listener of this.finishListeners.splice(0)) listener();
    this.signal();
  }

  /** The caller's signal aborted: before opening, reject as `fetch` would; after, end the loop. */
  abort(reason: unknown): void {
    if (this.ending) return;
    this.cancel();
    this.queue.length = 0;
    this.finish(this.isOpen ? undefined : reason);
  }

  onFinish(listener: () => void): void {
    if (this.ending) listener();
    else this.finishListeners.push(listener);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent<unknown>> {
    try {
      for (;;) {
        const event = this.queue.shift();
        if (event) {
          yield event;
          continue;
        }
        if (this.ending) {
          if (this.ending.error !== undefined) throw this.ending.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // The consumer stopped early (break, a throw in its loop): the gateway can stop too.
      if (!this.ending) {
        this.cancel();
        this.finish(undefined);
      }
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The `StatusError` for an `error` frame, as `fetch` would have raised for the same answer. */
function statusError(status: Partial<Status> | undefined, what: string): StatusError {
  if (!status || typeof status !== 'object') {
    return new StatusError(
      failureStatus(500, `watch ${what}: the gateway ended the watch without saying why`),
    );
  }
  return new StatusError({ ...status, kind: 'Status', code: status.code ?? 500 } as Status);
}

/** `promise`, or the signal's reason as soon as it aborts (the promise itself goes on). */
function whenAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The window's clients, one per gateway URL. */
const clients = new Map<string, WatchMuxClient>();

/** `ws://<host>/app/watch` for a gateway at `http://<host>` (`wss` for `https`). */
export function muxUrl(gatewayUrl: string): string {
  return `${gatewayUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/app/watch`;
}

/**
 * The watch transport for `clusterId` over the window's one WebSocket to the gateway at
 * `gatewayUrl` (`http://127.0.0.1:<port>`), shared by every cluster and informer.
 */
export function muxTransport(gatewayUrl: string, clusterId: string): WatchTransport {
  const url = muxUrl(gatewayUrl);
  let client = clients.get(url);
  if (!client) clients.set(url, (client = new WatchMuxClient({ url })));
  return client.transport(clusterId);
}
