import { ProtobufDecodeError, readFields, type WireField } from './wire.js';

/**
 * The JSON forms of the apimachinery types that marshal themselves in Go, from their protobuf
 * messages. Each takes the message's bytes (empty when the field was written empty) and returns
 * the JSON value, or undefined where Go's JSON would be `null` (a zero time, a nil raw extension),
 * which the decoder leaves out.
 */

const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z, the last time RFC 3339 can write
const MIN_SECONDS = -62135596800; // 0001-01-01T00:00:00Z

function intOf(field: WireField, what: string): bigint {
  if (field.wire !== 0) throw new ProtobufDecodeError(`${what}: field ${field.number} is not a varint`);
  return BigInt.asIntN(64, field.value);
}

function bytesOf(field: WireField, what: string): Uint8Array {
  if (field.wire !== 2) {
    throw new ProtobufDecodeError(`${what}: field ${field.number} is not length-delimited`);
  }
  return field.value;
}

const utf8 = new TextDecoder();

/** metav1.Time and MicroTime: {seconds = 1, nanos = 2}; empty is the zero time. */
export function timeJson(bytes: Uint8Array, micro: boolean): string | undefined {
  if (bytes.length === 0) return undefined;
  let seconds = 0n;
  let nanos = 0n;
  for (const f of readFields(bytes)) {
    if (f.number === 1) seconds = intOf(f, 'Time');
    else if (f.number === 2) nanos = BigInt.asIntN(32, intOf(f, 'Time'));
  }
  // time.Unix(sec, nsec) normalizes nanos outside [0, 1e9).
  seconds += nanos / 1_000_000_000n - (nanos < 0n && nanos % 1_000_000_000n !== 0n ? 1n : 0n);
  nanos = ((nanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new ProtobufDecodeError(`Time of ${seconds} seconds is outside years 1–9999`);
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return micro ? `${whole}.${String(nanos / 1000n).padStart(6, '0')}Z` : `${whole}Z`;
}

/** The fraction v / 10^prec as `.123`, without trailing zeros (none at all when zero); Go's fmtFrac. */
function fraction(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    printed ||= digit !== 0n;
    if (printed) digits = `${digit}${digits}`;
    v /= 10n;
  }
  return [printed ? `.${digits}` : '', v];
}

/** metav1.Duration: {duration = 1} in nanoseconds, shown as Go's time.Duration.String(). */
export function durationJson(bytes: Uint8Array): string {
  let ns = 0n;
  for (const f of readFields(bytes)) if (f.number === 1) ns = intOf(f, 'Duration');
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u === 0n) return '0s';
  if (u < 1_000_000_000n) {
    const [unit, prec] = u < 1000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6];
    const [frac, whole] = fraction(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, secs] = fraction(u, 9);
    u = secs;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** resource.Quantity: {string = 1}. A zero Quantity is "0" in Go's JSON. */
export function quantityJson(bytes: Uint8Array): string {
  let value = '';
  for (const f of readFields(bytes)) if (f.number === 1) value = utf8.decode(bytesOf(f, 'Quantity'));
  return value === '' ? '0' : value;
}

/** intstr.IntOrString: {type = 1 (0 Int, 1 String), intVal = 2, strVal = 3}. */
export function intOrStringJson(bytes: Uint8Array): number | string {
  let type = 0n;
  let intVal = 0n;
  let strVal = '';
  for (const f of readFields(bytes)) {
    if (f.number === 1) type = intOf(f, 'IntOrString');
    else if (f.number === 2) intVal = BigInt.asIntN(32, intOf(f, 'IntOrString'));
    else if (f.number === 3) strVal = utf8.decode(bytesOf(f, 'IntOrString'));
  }
  return type === 1n ? strVal : Number(intVal);
}

/**
 * runtime.RawExtension, metav1.FieldsV1 and apiextensions JSON: {raw = 1}, JSON text. Empty is nil
 * (JSON null). `nested` decodes a raw value that is itself a Kubernetes protobuf object.
 */
export function rawJson(bytes: Uint8Array, nested: (raw: Uint8Array) => unknown): unknown {
  let raw: Uint8Array | undefined;
  for (const f of readFields(bytes)) if (f.number === 1) raw = bytesOf(f, 'RawExtension');
  if (!raw || raw.length === 0) return undefined;
  if (raw[0] === 0x6b && raw[1] === 0x38 && raw[2] === 0x73 && raw[3] === 0) return nested(raw);
  try {
    return JSON.parse(utf8.decode(raw)) as unknown;
  } catch {
    throw new ProtobufDecodeError('an embedded raw value is neither JSON nor Kubernetes protobuf');
  }
}

type Decoded = Record<string, unknown>;

/** The generic decoding of a shaped wrapper message, reshaped as its Go MarshalJSON writes it. */
export function reshape(shape: 'list' | 'orarray' | 'orbool' | 'orstringarray', value: Decoded): unknown {
  switch (shape) {
    case 'list':
      return value.items ?? [];
    case 'orarray': {
      const list = value.JSONSchemas as unknown[] | undefined;
      return list?.length ? list : (value.Schema ?? null);
    }
    case 'orbool':
      return value.Schema ?? value.Allows === true;
    case 'orstringarray': {
      const list = value.Property as unknown[] | undefined;
      return list?.length ? list : (value.Schema ?? null);
    }
  }
}
