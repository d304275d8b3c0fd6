import { crc32 } from 'node:zlib';

/**
 * Record framing shared by log segments and snapshots:
 *
 *     u32 length | u32 ~length | u32 crc32(payload) | payload
 *
 * The length is stored twice so that a damaged length is recognised as such
 * instead of sending the reader off to a wrong offset.
 */
export const HEADER_BYTES = 12;

export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.byteLength);
  writeHeader(out, 0, payload);
  out.set(payload, HEADER_BYTES);
  return out;
}

export function writeHeader(out: Buffer, offset: number, payload: Uint8Array): void {
  out.writeUInt32LE(payload.byteLength, offset);
  out.writeUInt32LE(~payload.byteLength >>> 0, offset + 4);
  out.writeUInt32LE(crc32(payload), offset + 8);
}

/** Where reading stopped, and why, when it did not reach the end cleanly. */
export interface FrameDamage {
  offset: number;
  /**
   * `torn`: nothing valid follows, so this is the tail of a write that never
   * completed (never acknowledged). `corrupt`: valid records follow, so data
   * that was once durable is damaged.
   */
  kind: 'torn' | 'corrupt';
  detail: string;
}

export interface FrameScan {
  payloads: Buffer[];
  /** Offset just past the last valid record. */
  validEnd: number;
  damage?: FrameDamage;
}

/** Split `buf` from `start` into payloads, classifying the first damaged record. */
export function readFrames(buf: Buffer, start: number): FrameScan {
  const payloads: Buffer[] = [];
  let offset = start;
  while (offset < buf.length) {
    const problem = checkFrame(buf, offset);
    if (problem) {
      const kind = validFrameAfter(buf, offset + 1) === -1 ? 'torn' : 'corrupt';
      return { payloads, validEnd: offset, damage: { offset, kind, detail: problem } };
    }
    const length = buf.readUInt32LE(offset);
    payloads.push(buf.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length));
    offset += HEADER_BYTES + length;
  }
  return { payloads, validEnd: offset };
}

/** Why the record at `offset` is not valid, or undefined if it is. */
function checkFrame(buf: Buffer, offset: number): string | undefined {
  if (buf.length - offset < HEADER_BYTES) return 'incomplete record header';
  const length = buf.readUInt32LE(offset);
  if (~length >>> 0 !== buf.readUInt32LE(offset + 4)) return 'damaged record length';
  if (offset + HEADER_BYTES + length > buf.length)
    return `record of ${length} bytes runs past the end of the file`;
  const payload = buf.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
  if (crc32(payload) !== buf.readUInt32LE(offset + 8)) return 'checksum mismatch';
  return undefined;
}

/** The offset of the first valid record at or after `from`, or -1. */
function validFrameAfter(buf: Buffer, from: number): number {
  for (let offset = from; offset + HEADER_BYTES <= buf.length; offset++) {
    // The length check rejects almost every offset (a zero-filled tail too) cheaply.
    if (~buf.readUInt32LE(offset) >>> 0 !== buf.readUInt32LE(offset + 4)) continue;
    if (checkFrame(buf, offset) === undefined) return offset;
  }
  return -1;
}
