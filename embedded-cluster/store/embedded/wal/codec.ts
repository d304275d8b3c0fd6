import type { Change } from '../key-history.js';
import type { ReplayedChange } from '../mvcc-index.js';

/**
 * Binary payloads of log records. Values are copied out on decode so that a
 * decoded record never pins the whole file buffer it was read from.
 */
export type LogRecord =
  | { type: 'txn'; revision: number; changes: ReplayedChange[]; revokedLease: number }
  | { type: 'lease'; id: number; ttl: number }
  | { type: 'compact'; revision: number };

export const RecordType = {
  txn: 1,
  lease: 2,
  compact: 3,
  snapshotMeta: 10,
  snapshotKey: 11,
  snapshotEnd: 12,
} as const;
const PUT = 1;
const DELETE = 2;

export function encodeTxn(revision: number, changes: readonly Change[], revokedLease = 0): Buffer {
  let size = 1 + 8 + 8 + 4;
  for (const change of changes) {
    size += 1 + 4 + Buffer.byteLength(change.key);
    if (change.kv) size += 8 + 4 + change.kv.value.byteLength;
  }
  const w = new Writer(size);
  w.u8(RecordType.txn).f64(revision).f64(revokedLease).u32(changes.length);
  for (const change of changes) {
    w.u8(change.kv ? PUT : DELETE).str(change.key);
    if (change.kv) w.f64(change.kv.lease).bytes(change.kv.value);
  }
  return w.done();
}

export function encodeLease(id: number, ttl: number): Buffer {
  return new Writer(17).u8(RecordType.lease).f64(id).f64(ttl).done();
}

export function encodeCompact(revision: number): Buffer {
  return new Writer(9).u8(RecordType.compact).f64(revision).done();
}

export function decodeLogRecord(payload: Buffer): LogRecord {
  const r = new Reader(payload);
  const type = r.u8();
  switch (type) {
    case RecordType.txn: {
      const revision = r.f64();
      const revokedLease = r.f64();
      const count = r.u32();
      const changes: ReplayedChange[] = [];
      for (let i = 0; i < count; i++) {
        const kind = r.u8();
        const key = r.str();
        if (kind === PUT) {
          const lease = r.f64();
          changes.push({ type: 'put', key, lease, value: r.bytes() });
        } else if (kind === DELETE) {
          changes.push({ type: 'delete', key });
        } else {
          throw new Error(`unknown change kind ${kind}`);
        }
      }
      r.end();
      return { type: 'txn', revision, changes, revokedLease };
    }
    case RecordType.lease: {
      const record = { type: 'lease' as const, id: r.f64(), ttl: r.f64() };
      r.end();
      return record;
    }
    case RecordType.compact: {
      const record = { type: 'compact' as const, revision: r.f64() };
      r.end();
      return record;
    }
    default:
      throw new Error(`unknown log record type ${type}`);
  }
}

/** Sequential binary writer into a buffer of known size. */
export class Writer {
  private readonly buf: Buffer;
  private offset = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  u8(v: number): this {
    this.offset = this.buf.writeUInt8(v, this.offset);
    return this;
  }
  u32(v: number): this {
    this.offset = this.buf.writeUInt32LE(v, this.offset);
    return this;
  }
  f64(v: number): this {
    this.offset = this.buf.writeDoubleLE(v, this.offset);
    return this;
  }
  str(v: string): this {
    const length = this.buf.write(v, this.offset + 4, 'utf8');
    this.buf.writeUInt32LE(length, this.offset);
    this.offset += 4 + length;
    return this;
  }
  bytes(v: Uint8Array): this {
    this.u32(v.byteLength);
    this.buf.set(v, this.offset);
    this.offset += v.byteLength;
    return this;
  }
  done(): Buffer {
    if (this.offset !== this.buf.length)
      throw new Error(`encoded ${this.offset} of ${this.buf.length} bytes`);
    return this.buf;
  }
}

/** Sequential binary reader; every read is bounds-checked. */
export class Reader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.offset++);
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.offset);
    this.offset += 8;
    return v;
  }
  str(): string {
    const length = this.u32();
    this.need(length);
    const v = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return v;
  }
  bytes(): Uint8Array {
    const length = this.u32();
    this.need(length);
    const v = Buffer.from(this.buf.subarray(this.offset, this.offset + length));
    this.offset += length;
    return v;
  }
  end(): void {
    if (this.offset !== this.buf.length)
      throw new Error(`${this.buf.length - this.offset} unexpected trailing bytes`);
  }
  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new Error('record ends early');
  }
}
