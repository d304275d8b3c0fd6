/**
 * A tiny protobuf writer for building test bodies by hand, field by field, the way gogo-protobuf
 * lays them out (including the empty non-pointer fields it always writes).
 */

export function cat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

export function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Uint8Array.from(out);
}

const key = (field: number, wire: number) => varint((field << 3) | wire);

/** A varint field (int32, int64, bool, enum-like ints); negative numbers take ten bytes as in Go. */
export const int = (field: number, value: number | bigint) => cat(key(field, 0), varint(value));
export const bool = (field: number, value: boolean) => int(field, value ? 1 : 0);
export const bytes = (field: number, value: Uint8Array) => cat(key(field, 2), varint(value.length), value);
export const str = (field: number, value: string) => bytes(field, Buffer.from(value, 'utf8'));
export const msg = (field: number, ...parts: Uint8Array[]) => bytes(field, cat(...parts));

export function double(field: number, value: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return cat(key(field, 1), b);
}

/** One entry of a map<string, V> field: key = 1, `value` already encoded as field 2. */
export const entry = (field: number, k: string, value: Uint8Array) => msg(field, str(1, k), value);

/** A string → string map field, one entry per key. */
export const stringMap = (field: number, map: Record<string, string>) =>
  cat(...Object.entries(map).map(([k, v]) => entry(field, k, str(2, v))));

/** resource.Quantity {string = 1}. */
export const quantity = (field: number, value: string) => msg(field, str(1, value));

/** intstr.IntOrString as gogo writes it: all three fields. */
export const intOrString = (field: number, value: number | string) =>
  typeof value === 'number'
    ? msg(field, int(1, 0), int(2, value), str(3, ''))
    : msg(field, int(1, 1), int(2, 0), str(3, value));

/** metav1.Time {seconds = 1, nanos = 2}; an empty message is the zero time. */
export const time = (field: number, seconds?: number, nanos = 0) =>
  seconds === undefined ? msg(field) : msg(field, int(1, seconds), int(2, nanos));

/** metav1.ObjectMeta with only a name, as gogo writes it: every non-pointer field, empty. */
export const objectMeta = (name: string, ...more: Uint8Array[]) =>
  msg(
    1,
    str(1, name),
    str(2, ''),
    str(3, ''),
    str(4, ''),
    str(5, ''),
    str(6, ''),
    int(7, 0),
    time(8),
    ...more,
  );

/** The whole body: `k8s\0` and runtime.Unknown {typeMeta, raw, contentEncoding, contentType}. */
export function k8s(apiVersion: string, kind: string, ...raw: Uint8Array[]): Uint8Array {
  return cat(
    Buffer.from('k8s\0', 'latin1'),
    msg(1, str(1, apiVersion), str(2, kind)),
    bytes(2, cat(...raw)),
    str(3, ''),
    str(4, ''),
  );
}
