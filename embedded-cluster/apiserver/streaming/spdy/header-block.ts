import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY_HEADER_DICTIONARY } from './dictionary.js';

/** SPDY header names and their values (lower-case names; several values are NUL-separated on the wire). */
export type SpdyHeaders = Map<string, string[]>;

/**
 * The uncompressed name/value block (SPDY draft 3, section 2.6.10): a 32-bit count, then for each
 * pair a 32-bit length and the name, a 32-bit length and the values joined by NUL.
 */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [u32(headers.size)];
  for (const [name, values] of headers) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = new Map();
  let offset = 0;
  const read = () => {
    if (offset + 4 > block.length) throw new Error('truncated SPDY header block');
    const length = block.readUInt32BE(offset);
    offset += 4;
    if (offset + length > block.length) throw new Error('truncated SPDY header block');
    const text = block.toString('utf8', offset, offset + length);
    offset += length;
    return text;
  };
  if (block.length < 4) throw new Error('truncated SPDY header block');
  const count = block.readUInt32BE(0);
  offset = 4;
  for (let i = 0; i < count; i++) {
    const name = read().toLowerCase();
    const values = read().split('\0');
    headers.set(name, [...(headers.get(name) ?? []), ...values]);
  }
  return headers;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

/**
 * One direction's header compression: SPDY/3 runs a single zlib stream per direction for the
 * whole connection, primed with the SPDY dictionary, and sync-flushes it after each header block;
 * so blocks must be (de)compressed one at a time, in frame order. Calls are queued here.
 */
export class HeaderCodec {
  private readonly zlib: Deflate | Inflate;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;

  constructor(direction: 'compress' | 'decompress') {
    this.zlib =
      direction === 'compress'
        ? createDeflate({ dictionary: SPDY_HEADER_DICTIONARY })
        : createInflate({ dictionary: SPDY_HEADER_DICTIONARY });
    this.zlib.on('error', (error: Error) => (this.failure = error));
  }

  /** Compress (or decompress) one header block; blocks come out in the order they went in. */
  run(input: Buffer): Promise<Buffer> {
    const next = this.queue.then(() => this.step(input));
    this.queue = next.catch(() => {});
    return next;
  }

  compress(headers: SpdyHeaders): Promise<Buffer> {
    return this.run(encodeHeaderBlock(headers));
  }

  async decompress(block: Buffer): Promise<SpdyHeaders> {
    return decodeHeaderBlock(await this.run(block));
  }

  close(): void {
    this.zlib.close();
  }

  private step(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const onError = (error: Error) => reject(error);
      this.zlib.once('error', onError);
      this.zlib.write(input);
      this.zlib.flush(constants.Z_SYNC_FLUSH, () => {
        this.zlib.off('error', onError);
        if (this.failure) return reject(this.failure);
        const out: Buffer[] = [];
        let chunk: Buffer | null;
        while ((chunk = this.zlib.read() as Buffer | null) !== null) out.push(chunk);
        resolve(Buffer.concat(out));
      });
    });
  }
}
