import { Duplex } from 'node:stream';

/**
 * Two connected in-memory duplex streams: what one side writes, the other reads. Node 22 has
 * `stream.duplexPair()`; Node 20 does not. A writer waits (its callback is held) while the reader's
 * buffer is full, so backpressure works as on a socket.
 */
export function duplexPair(): [MemorySocket, MemorySocket] {
  const a = new MemorySocket();
  const b = new MemorySocket();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/**
 * One end of a {@link duplexPair}. It also answers the few socket methods Node's HTTP server and
 * agent call (`setTimeout`, `setNoDelay`, `setKeepAlive`, `ref`, `unref`), so an HTTP exchange can
 * run over it without a file descriptor.
 */
export class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly remoteFamily = 'IPv4';
  private waitingWrite: (() => void) | undefined;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (!peer || peer.destroyed) {
      callback(new Error('socket closed'));
      return;
    }
    if (peer.push(chunk)) callback();
    else peer.waitingWrite = () => callback();
  }

  override _read(): void {
    const resume = this.waitingWrite;
    this.waitingWrite = undefined;
    resume?.();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer && !peer.destroyed) {
      peer.peer = undefined;
      peer.push(null);
      peer.destroy();
    }
    const resume = this.waitingWrite;
    this.waitingWrite = undefined;
    resume?.();
    callback(error);
  }

  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}
