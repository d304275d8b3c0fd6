import { describe, expect, it } from 'vitest';
import {
  ProtobufDecodeError,
  readFields,
  readPackedVarints,
  WireReader,
} from '../../../embedded-cluster/api/protobuf/wire.js';
import { cat, double, int, str, varint } from './protobuf-writer.js';

describe('protobuf wire reader', () => {
  it('reads one-byte, multi-byte and ten-byte varints', () => {
    const reader = new WireReader(cat(varint(1), varint(300), varint(2n ** 63n), varint(-1)));
    expect(reader.varint()).toBe(1n);
    expect(reader.varint()).toBe(300n);
    expect(reader.varint()).toBe(2n ** 63n);
    expect(reader.varint()).toBe(2n ** 64n - 1n);
    expect(reader.done).toBe(true);
  });

  it('yields fields in wire order with their numbers and wire types', () => {
    const fields = readFields(cat(str(2, 'hi'), int(1, 7), double(19, 1.5)));
    expect(fields.map((f) => [f.number, f.wire])).toEqual([
      [2, 2],
      [1, 0],
      [19, 1],
    ]);
    expect(Buffer.from(fields[0]!.value as Uint8Array).toString()).toBe('hi');
    expect(fields[1]!.value).toBe(7n);
  });

  it('reads packed varints', () => {
    expect(readPackedVarints(cat(varint(1), varint(1000), varint(-5)))).toEqual([1n, 1000n, 2n ** 64n - 5n]);
  });

  it('refuses a varint cut short', () => {
    expect(() => readFields(Uint8Array.of(0x08, 0x80))).toThrow(/truncated varint/);
  });

  it('refuses a varint longer than ten bytes', () => {
    expect(() => new WireReader(new Uint8Array(11).fill(0x80)).varint()).toThrow(/longer than 10 bytes/);
  });

  it('refuses a length that runs past the end', () => {
    expect(() => readFields(Uint8Array.of(0x12, 0x05, 0x61))).toThrow(ProtobufDecodeError);
    expect(() => readFields(Uint8Array.of(0x12, 0x05, 0x61))).toThrow(/runs past the end/);
  });

  it('refuses groups and field number zero', () => {
    expect(() => readFields(Uint8Array.of(0x0b))).toThrow(/wire type 3/);
    expect(() => readFields(Uint8Array.of(0x02, 0x00))).toThrow(/field number 0/);
  });

  it('says in every error that the body is not valid Kubernetes protobuf', () => {
    expect(() => readFields(Uint8Array.of(0x08))).toThrow(/^invalid Kubernetes protobuf body: /);
  });
});
