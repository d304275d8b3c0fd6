/**
 * SPDY/3.1 frames (SPDY draft 3.1, section 2.2): the wire format kubectl's SPDY client
 * (k8s.io/apimachinery/pkg/util/httpstream/spdy, on moby/spdystream) speaks for exec, attach and
 * port-forward. Only framing lives here; header blocks are in header-block.ts, streams in
 * connection.ts.
 *
 * Every frame has an 8-byte header. A control frame: the control bit, version (15 bits), type
 * (16 bits), flags (8 bits), length (24 bits). A data frame: a clear control bit, the stream id
 * (31 bits), flags, length.
 */

export const SPDY_VERSION = 3;

/** Control frame types. */
export const FrameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

/** FLAG_FIN: the sender's last frame on the stream (data frames, SYN_STREAM, SYN_REPLY, HEADERS). */
export const FLAG_FIN = 0x01;

/** RST_STREAM status codes used here. */
export const RstStatus = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  cancel: 5,
  internalError: 6,
} as const;

/** The longest payload a frame's 24-bit length allows. */
export const MAX_FRAME_LENGTH = 0xffffff;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; version: number; flags: number; payload: Buffer };

/** Encode a data frame. */
export function dataFrame(streamId: number, flags: number, data: Buffer = Buffer.alloc(0)): Buffer {
  if (data.length > MAX_FRAME_LENGTH) throw new Error(`SPDY data frame too long: ${data.length}`);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(streamId & 0x7fffffff, 0);
  header.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([header, data]);
}

/** Encode a control frame around its payload. */
export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_LENGTH) throw new Error(`SPDY control frame too long: ${payload.length}`);
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([header, payload]);
}

const u32 = (...values: number[]) => {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buffer.writeUInt32BE(v >>> 0, i * 4));
  return buffer;
};

/** SYN_REPLY for a stream; `headerBlock` is already compressed. */
export const synReplyFrame = (streamId: number, flags: number, headerBlock: Buffer) =>
  controlFrame(FrameType.synReply, flags, Buffer.concat([u32(streamId & 0x7fffffff), headerBlock]));

/** SYN_STREAM (used by tests playing the client); `headerBlock` is already compressed. */
export function synStreamFrame(streamId: number, flags: number, headerBlock: Buffer): Buffer {
  // Associated-to stream 0, priority 0, slot 0.
  return controlFrame(
    FrameType.synStream,
    flags,
    Buffer.concat([u32(streamId & 0x7fffffff, 0), Buffer.alloc(2), headerBlock]),
  );
}

export const rstStreamFrame = (streamId: number, status: number) =>
  controlFrame(FrameType.rstStream, 0, u32(streamId & 0x7fffffff, status));

export const pingFrame = (id: number) => controlFrame(FrameType.ping, 0, u32(id));

export const goAwayFrame = (lastGoodStreamId: number, status = 0) =>
  controlFrame(FrameType.goAway, 0, u32(lastGoodStreamId & 0x7fffffff, status));

/** The stream id at the start of a SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS or WINDOW_UPDATE payload. */
export const payloadStreamId = (payload: Buffer) => payload.readUInt32BE(0) & 0x7fffffff;

/** The compressed header block of a SYN_STREAM (after id, associated id, priority and slot). */
export const synStreamHeaderBlock = (payload: Buffer) => payload.subarray(10);

/** The compressed header block of a SYN_REPLY or HEADERS frame. */
export const replyHeaderBlock = (payload: Buffer) => payload.subarray(4);

/**
 * Splits a byte stream into frames: feed it chunks as they arrive, get whole frames back. Named
 * states, as in ws's receiver: waiting for a header, then for the payload it announced.
 */
export class FrameReader {
  private buffered: Buffer[] = [];
  private size = 0;

  /** Add bytes; returns the frames they complete, in order. */
  push(chunk: Buffer): Frame[] {
    this.buffered.push(chunk);
    this.size += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.size < 8) break;
      const head = this.peek(8);
      const length = head.readUInt32BE(4) & 0xffffff;
      if (this.size < 8 + length) break;
      const bytes = this.take(8 + length);
      const flags = bytes[4]!;
      const payload = bytes.subarray(8);
      if (bytes[0]! & 0x80) {
        frames.push({
          kind: 'control',
          version: bytes.readUInt16BE(0) & 0x7fff,
          type: bytes.readUInt16BE(2),
          flags,
          payload,
        });
      } else {
        frames.push({ kind: 'data', streamId: bytes.readUInt32BE(0) & 0x7fffffff, flags, data: payload });
      }
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.buffered[0]!.length < n) this.buffered = [Buffer.concat(this.buffered)];
    return this.buffered[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    // Copy the frame out so that the rest of a large chunk is not kept alive by it.
    const frame = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.size -= n;
    return frame;
  }
}
