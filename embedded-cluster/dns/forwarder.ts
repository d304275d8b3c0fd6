import { randomInt } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { connect } from 'node:net';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/** A resolver the forwarder asks: `1.1.1.1`, `1.1.1.1:53`, `::1` or `[::1]:5353`. */
export interface Upstream {
  host: string;
  port: number;
}

export interface ForwarderOptions {
  upstreams: readonly Upstream[];
  /** How long one resolver has to answer before the next is tried (default 2 s, as glibc's `timeout:`-ish). */
  attemptTimeoutMs?: number;
  clock: Clock;
  logger: Logger;
}

/** Why a question could not be forwarded; the server answers SERVFAIL. */
export class ForwardError extends Error {}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 2000;

/**
 * Sends questions the cluster does not own to the host's resolvers, as CoreDNS's `forward` plugin
 * does: the query's bytes go out unchanged but for a fresh ID (so two clients' IDs never collide
 * on our socket), over UDP; a truncated answer is fetched again over TCP when the client can take
 * it (it asked over TCP), and otherwise passed on truncated so the client retries over TCP itself.
 * Resolvers are tried in order, each for {@link ForwarderOptions.attemptTimeoutMs}; when none
 * answers, {@link forward} rejects with a {@link ForwardError}.
 */
export class Forwarder {
  private readonly sockets = new Map<'udp4' | 'udp6', UdpSocket>();
  private readonly pending = new Map<number, PendingQuery>();
  private readonly attemptTimeoutMs: number;
  private closed = false;

  constructor(private readonly options: ForwarderOptions) {
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  }

  get upstreams(): readonly Upstream[] {
    return this.options.upstreams;
  }

  /** The upstream answer to `query` (a whole DNS message), carrying the query's own ID. */
  async forward(query: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer> {
    if (query.length < 12) throw new ForwardError('query shorter than a DNS header');
    if (this.options.upstreams.length === 0) throw new ForwardError('no upstream resolvers');
    const id = query.readUInt16BE(0);
    let lastError: unknown;
    for (const upstream of this.options.upstreams) {
      try {
        let answer = await this.overUdp(query, upstream);
        if (transport === 'tcp' && isTruncated(answer)) answer = await this.overTcp(query, upstream);
        const copy = Buffer.from(answer);
        copy.writeUInt16BE(id, 0);
        return copy;
      } catch (error) {
        if (this.closed) throw new ForwardError('forwarder closed');
        lastError = error;
        this.options.logger.info('upstream resolver failed', {
          upstream: `${upstream.host}:${upstream.port}`,
          error: String(error),
        });
      }
    }
    throw new ForwardError(`no upstream resolver answered: ${String(lastError)}`);
  }

  /** Stop: pending questions fail, sockets close. */
  close(): void {
    this.closed = true;
    for (const [, query] of this.pending) query.fail(new ForwardError('forwarder closed'));
    this.pending.clear();
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }

  private overUdp(query: Buffer, upstream: Upstream): Promise<Buffer> {
    const socket = this.socketFor(isIPv6(upstream.host) ? 'udp6' : 'udp4');
    const id = this.freeId();
    const message = Buffer.from(query);
    message.writeUInt16BE(id, 0);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new ForwardError(`timed out after ${this.attemptTimeoutMs} ms`));
      }, this.attemptTimeoutMs);
      const done = (timerToClear: Timer) => {
        this.pending.delete(id);
        this.options.clock.clearTimeout(timerToClear);
      };
      this.pending.set(id, {
        upstream,
        answer: (buffer) => {
          done(timer);
          resolve(buffer);
        },
        fail: (error) => {
          done(timer);
          reject(error);
        },
      });
      socket.send(message, upstream.port, upstream.host, (error) => {
        if (error) this.pending.get(id)?.fail(error);
      });
    });
  }

  /** One question over a fresh TCP connection: 2-byte length framing both ways (RFC 1035 4.2.2). */
  private overTcp(query: Buffer, upstream: Upstream): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const socket = connect({ host: upstream.host, port: upstream.port });
      let received: Buffer = Buffer.alloc(0);
      const timer = this.options.clock.setTimeout(() => {
        socket.destroy();
        reject(new ForwardError(`TCP timed out after ${this.attemptTimeoutMs} ms`));
      }, this.attemptTimeoutMs);
      const finish = (error: Error | undefined, answer?: Buffer) => {
        this.options.clock.clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(answer!);
      };
      socket.on('connect', () => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(query.length, 0);
        socket.write(Buffer.concat([length, query]));
      });
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
          finish(undefined, received.subarray(2, 2 + received.readUInt16BE(0)));
        }
      });
      socket.on('error', (error) => finish(error));
      socket.on('end', () =>
        finish(new ForwardError('upstream closed the TCP connection without an answer')),
      );
    });
  }

  private socketFor(family: 'udp4' | 'udp6'): UdpSocket {
    let socket = this.sockets.get(family);
    if (socket) return socket;
    socket = createSocket(family);
    socket.on('message', (message, remote) => {
      if (message.length < 12) return;
      const query = this.pending.get(message.readUInt16BE(0));
      // Only the resolver we asked may answer (a spoofed answer from elsewhere is dropped).
      if (!query || remote.port !== query.upstream.port || !sameHost(remote.address, query.upstream.host))
        return;
      query.answer(message);
    });
    socket.on('error', (error) =>
      this.options.logger.warn('forwarder socket error', { error: String(error) }),
    );
    socket.unref();
    this.sockets.set(family, socket);
    return socket;
  }

  private freeId(): number {
    for (;;) {
      const id = randomInt(0, 0x10000);
      if (!this.pending.has(id)) return id;
    }
  }
}

interface PendingQuery {
  upstream: Upstream;
  answer(message: Buffer): void;
  fail(error: Error): void;
}

/** Whether a DNS message has the TC (truncated) bit set. */
export function isTruncated(message: Buffer): boolean {
  return message.length >= 3 && (message[2]! & 0x02) !== 0;
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address, as an {@link Upstream} (port 53 by default). */
export function parseUpstream(text: string): Upstream {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2] ?? 53) };
  if (isIPv6(text)) return { host: text, port: 53 };
  const colon = text.lastIndexOf(':');
  return colon < 0
    ? { host: text, port: 53 }
    : { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

function sameHost(a: string, b: string): boolean {
  return a === b || a.replace(/^::ffff:/, '') === b.replace(/^::ffff:/, '');
}
