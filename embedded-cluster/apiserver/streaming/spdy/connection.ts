import { Duplex } from 'node:stream';
import {
  dataFrame,
  FLAG_FIN,
  FrameReader,
  FrameType,
  goAwayFrame,
  payloadStreamId,
  pingFrame,
  rstStreamFrame,
  RstStatus,
  synReplyFrame,
  synStreamHeaderBlock,
  type Frame,
} from './framing.js';
import { HeaderCodec, type SpdyHeaders } from './header-block.js';

/** The most a single data frame carries: keeps frames small so streams interleave. */
const MAX_DATA_FRAME = 32 * 1024;

/**
 * The server side of a SPDY/3.1 connection, as the kubelet's streaming server runs it (moby/spdystream
 * `Connection.Serve`): the client opens streams (SYN_STREAM), each is accepted at once with an empty
 * SYN_REPLY and handed to `onStream`. Flow control (WINDOW_UPDATE, SETTINGS) is ignored, as
 * spdystream ignores it; PING is answered.
 */
export class SpdyConnection {
  private readonly reader = new FrameReader();
  private readonly inflate = new HeaderCodec('decompress');
  private readonly deflate = new HeaderCodec('compress');
  private readonly streams = new Map<number, SpdyStream>();
  /** Frames are handled one at a time: header blocks must be decompressed in order. */
  private incoming: Promise<void> = Promise.resolve();
  /** Frames are written one at a time: header blocks are compressed in the order they are sent. */
  private outgoing: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly socket: Duplex,
    private readonly onStream: (stream: SpdyStream) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = this.reader.push(chunk);
      } catch {
        this.close();
        return;
      }
      for (const frame of frames) {
        this.incoming = this.incoming.then(() => this.handle(frame)).catch(() => this.close());
      }
    });
    socket.on('end', () => this.close());
    socket.on('close', () => this.close());
    socket.on('error', () => this.close());
  }

  /** Call `listener` once the connection is closed (by either side). */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Say GOAWAY, end every stream and the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.socket.destroyed && this.socket.writable) {
      this.outgoing = this.outgoing.then(() => this.write(goAwayFrame(this.lastStreamId))).catch(() => {});
    }
    void this.outgoing.finally(() => {
      this.socket.end();
      // A socket whose peer never answers the close must not linger.
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
    for (const stream of this.streams.values()) stream.destroy();
    this.streams.clear();
    this.inflate.close();
    this.deflate.close();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** @internal Send bytes on a stream, `fin` to half-close it. */
  sendData(streamId: number, data: Buffer, fin: boolean): Promise<void> {
    const frames: Buffer[] = [];
    for (let offset = 0; offset < data.length; offset += MAX_DATA_FRAME) {
      const last = offset + MAX_DATA_FRAME >= data.length;
      frames.push(
        dataFrame(streamId, fin && last ? FLAG_FIN : 0, data.subarray(offset, offset + MAX_DATA_FRAME)),
      );
    }
    if (data.length === 0 && fin) frames.push(dataFrame(streamId, FLAG_FIN));
    return this.send(() => Promise.resolve(Buffer.concat(frames)));
  }

  /** @internal Abort a stream (RST_STREAM CANCEL). */
  reset(streamId: number): void {
    this.streams.delete(streamId);
    void this.send(() => Promise.resolve(rstStreamFrame(streamId, RstStatus.cancel))).catch(() => {});
  }

  private send(frame: () => Promise<Buffer>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('SPDY connection closed'));
    const next = this.outgoing.then(async () => this.write(await frame()));
    this.outgoing = next.catch(() => {});
    return next;
  }

  private write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error('SPDY connection closed'));
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed) return;
    if (frame.kind === 'data') {
      const stream = this.streams.get(frame.streamId);
      if (!stream) return;
      if (frame.data.length > 0) stream.push(frame.data);
      if (frame.flags & FLAG_FIN) stream.remoteFinished();
      return;
    }
    switch (frame.type) {
      case FrameType.synStream: {
        const id = payloadStreamId(frame.payload);
        const headers = await this.inflate.decompress(synStreamHeaderBlock(frame.payload));
        this.lastStreamId = Math.max(this.lastStreamId, id);
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        stream.once('close', () => this.streams.get(id) === stream && this.streams.delete(id));
        // Accept at once, before the handler runs: the client waits for the reply.
        await this.send(async () => synReplyFrame(id, 0, await this.deflate.compress(new Map())));
        if (frame.flags & FLAG_FIN) stream.remoteFinished();
        this.onStream(stream);
        return;
      }
      case FrameType.synReply:
      case FrameType.headers:
        // Keep the decompressor in step even though these headers mean nothing to a server.
        await this.inflate.decompress(frame.payload.subarray(4));
        return;
      case FrameType.rstStream: {
        const stream = this.streams.get(payloadStreamId(frame.payload));
        this.streams.delete(payloadStreamId(frame.payload));
        stream?.destroy();
        return;
      }
      case FrameType.ping:
        await this.send(() => Promise.resolve(pingFrame(frame.payload.readUInt32BE(0))));
        return;
      case FrameType.goAway:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and anything newer: nothing to do.
        return;
    }
  }
}

/**
 * One SPDY stream as a Node duplex: reading gives the client's DATA, writing sends DATA, `end()`
 * sends FIN (half-close), `destroy()` without having ended sends RST_STREAM.
 */
export class SpdyStream extends Duplex {
  private finishedLocally = false;
  private finishedRemotely = false;

  constructor(
    private readonly connection: SpdyConnection,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  /** A header's first value (names are lower-case). */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  /** @internal The client sent FIN. */
  remoteFinished(): void {
    if (this.finishedRemotely) return;
    this.finishedRemotely = true;
    this.push(null);
  }

  override _read(): void {
    // No flow control: data is pushed as it arrives.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.connection.sendData(this.id, chunk, false).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finishedLocally = true;
    this.connection.sendData(this.id, Buffer.alloc(0), true).then(
      () => callback(),
      () => callback(),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.finishedLocally || !this.finishedRemotely) this.connection.reset(this.id);
    callback(error);
  }
}
