/**
 * The protobuf wire format, read-only: a cursor over one message's bytes that yields its fields
 * as (number, wire type, value) without knowing the schema. Enough for Kubernetes' gogo-generated
 * proto2 messages: varints, 64- and 32-bit fixed values and length-delimited bytes; groups
 * (wire types 3 and 4) are deprecated and Kubernetes never uses them, so they are an error here.
 * See https://protobuf.dev/programming-guides/encoding/.
 */

/** Why a body could not be decoded; the API server answers it with 400 BadRequest. */
export class ProtobufDecodeError extends Error {
  constructor(detail: string) {
    super(`invalid Kubernetes protobuf body: ${detail}`);
    this.name = 'ProtobufDecodeError';
  }
}

export const WireType = {
  varint: 0,
  fixed64: 1,
  bytes: 2,
  fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** One field as it appears on the wire; `value` is a varint (as a bigint), 8 or 4 raw bytes, or the delimited bytes. */
export type WireField =
  | { number: number; wire: typeof WireType.varint; value: bigint }
  | {
      number: number;
      wire: typeof WireType.fixed64 | typeof WireType.fixed32 | typeof WireType.bytes;
      value: Uint8Array;
    };

export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** A varint of up to 10 bytes, as an unsigned 64-bit value. */
  varint(): bigint {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtobufDecodeError(`truncated varint at byte ${this.pos}`);
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw new ProtobufDecodeError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  private take(n: number, what: string): Uint8Array {
    if (n > this.buf.length - this.pos) {
      throw new ProtobufDecodeError(
        `${what} of ${n} bytes at byte ${this.pos} runs past the end (${this.buf.length})`,
      );
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The next field: its key (number << 3 | wire type), then its value. */
  next(): WireField {
    const at = this.pos;
    const key = this.varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (number < 1 || number > 0x1fffffff) {
      throw new ProtobufDecodeError(`field number ${number} at byte ${at}`);
    }
    switch (wire) {
      case WireType.varint:
        return { number, wire, value: this.varint() };
      case WireType.fixed64:
        return { number, wire, value: this.take(8, 'fixed64 value') };
      case WireType.fixed32:
        return { number, wire, value: this.take(4, 'fixed32 value') };
      case WireType.bytes: {
        const length = this.varint();
        if (length > BigInt(this.buf.length)) {
          throw new ProtobufDecodeError(`field ${number} at byte ${at}: length ${length} runs past the end`);
        }
        return { number, wire, value: this.take(Number(length), `field ${number}`) };
      }
      default:
        throw new ProtobufDecodeError(`field ${number} at byte ${at} has unsupported wire type ${wire}`);
    }
  }
}

/** Every field of a message, in wire order. */
export function readFields(buf: Uint8Array): WireField[] {
  const reader = new WireReader(buf);
  const fields: WireField[] = [];
  while (!reader.done) fields.push(reader.next());
  return fields;
}

/** The varints of a packed repeated field. */
export function readPackedVarints(buf: Uint8Array): bigint[] {
  const reader = new WireReader(buf);
  const out: bigint[] = [];
  while (!reader.done) out.push(reader.varint());
  return out;
}
