import {
  messageForKind,
  messageSchema,
  type FieldSchema,
  type MessageSchema,
  type ScalarType,
  type ValueType,
} from './schema.js';
import { durationJson, intOrStringJson, quantityJson, rawJson, reshape, timeJson } from './shapes.js';
import { ProtobufDecodeError, readFields, readPackedVarints, WireType, type WireField } from './wire.js';

/**
 * Kubernetes protobuf → Kubernetes JSON. A body is the 4-byte magic `k8s\0` and a
 * `runtime.Unknown` {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3,
 * contentType = 4} whose `raw` is the object's message
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding). The object
 * comes out as Go's encoding/json would write the same Go value — what `kubectl get -o json`
 * shows — with one difference: a zero time is left out instead of written `null`.
 */

/** `application/vnd.kubernetes.protobuf`, the media type of such bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The `k8s\0` prefix of every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The object as JSON, `apiVersion` and `kind` first. */
  object: Record<string, unknown>;
}

/** JSONSchemaProps nest; a body nesting deeper than this is refused rather than overflowing the stack. */
const MAX_DEPTH = 100;

const utf8 = new TextDecoder();

/** True when the bytes start with `k8s\0`. */
export function hasProtobufMagic(body: Uint8Array): boolean {
  return PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

/**
 * Decode a Kubernetes protobuf request body into the object's JSON. Throws
 * {@link ProtobufDecodeError} for a body that is not Kubernetes protobuf, is malformed, or holds a
 * kind the schema does not know.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedObject {
  return decodeEnvelope(body, 0);
}

function decodeEnvelope(body: Uint8Array, depth: number): DecodedObject {
  if (!hasProtobufMagic(body)) throw new ProtobufDecodeError('it does not start with the "k8s\\0" prefix');
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array();
  let contentEncoding = '';
  for (const f of readFields(body.subarray(PROTOBUF_MAGIC.length))) {
    if (f.number === 1) {
      for (const t of readFields(delimited(f, 'Unknown.typeMeta'))) {
        if (t.number === 1) apiVersion = utf8.decode(delimited(t, 'TypeMeta.apiVersion'));
        else if (t.number === 2) kind = utf8.decode(delimited(t, 'TypeMeta.kind'));
      }
    } else if (f.number === 2) raw = delimited(f, 'Unknown.raw');
    else if (f.number === 3) contentEncoding = utf8.decode(delimited(f, 'Unknown.contentEncoding'));
  }
  if (contentEncoding) {
    throw new ProtobufDecodeError(`content encoding "${contentEncoding}" is not supported`);
  }
  if (!kind) throw new ProtobufDecodeError('the object has no kind');
  const name = messageForKind(apiVersion, kind);
  const schema = name ? messageSchema(name) : undefined;
  if (!schema) {
    throw new ProtobufDecodeError(`no protobuf schema for ${apiVersion || '(no apiVersion)'}, Kind=${kind}`);
  }
  const fields = decodeMessage(raw, schema, depth + 1);
  return { apiVersion, kind, object: { apiVersion, kind, ...(fields as Record<string, unknown>) } };
}

function delimited(f: WireField, what: string): Uint8Array {
  if (f.wire !== WireType.bytes) {
    throw new ProtobufDecodeError(`${what} (field ${f.number}) has wire type ${f.wire}, not bytes`);
  }
  return f.value;
}

function schemaOf(name: string): MessageSchema {
  const schema = messageSchema(name);
  if (!schema) throw new ProtobufDecodeError(`the schema has no message ${name}`);
  return schema;
}

/** A message's JSON value; undefined where Go writes null (a zero time, an empty raw extension). */
function decodeMessage(bytes: Uint8Array, schema: MessageSchema, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new ProtobufDecodeError(`objects nest deeper than ${MAX_DEPTH}`);
  switch (schema.shape) {
    case 'time':
      return timeJson(bytes, false);
    case 'microtime':
      return timeJson(bytes, true);
    case 'duration':
      return durationJson(bytes);
    case 'quantity':
      return quantityJson(bytes);
    case 'intorstring':
      return intOrStringJson(bytes);
    case 'rawjson':
      return rawJson(bytes, (raw) => decodeEnvelope(raw, depth).object);
  }
  const values = new Map<number, unknown[]>();
  for (const f of readFields(bytes)) {
    const field = schema.byNumber.get(f.number);
    if (!field) continue; // unknown fields are dropped, as gogo-protobuf's Unmarshal does
    let list = values.get(f.number);
    if (!list) values.set(f.number, (list = []));
    collect(f, field, schema, list, depth);
  }
  const out: Record<string, unknown> = {};
  for (const field of schema.fields) {
    const list = values.get(field.number);
    if (!list) continue;
    if (field.repeated) {
      if (list.length) out[field.json] = list;
    } else if (field.type.kind === 'map') {
      // fromEntries defines own properties: a key such as `__proto__` stays a key
      if (list.length) out[field.json] = Object.fromEntries(list as [string, unknown][]);
    } else {
      const value = list.at(-1);
      if (value === undefined) continue;
      if (field.inline) Object.assign(out, value);
      else if (field.keepZero || field.type.kind === 'message' || !isZero(value)) out[field.json] = value;
    }
  }
  return schema.shape ? reshape(schema.shape, out) : out;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

/** Decode one wire field into `into`: one value, or several for a packed repeated field. */
function collect(
  f: WireField,
  field: FieldSchema,
  parent: MessageSchema,
  into: unknown[],
  depth: number,
): void {
  const where = `${parent.name}.${field.json || 'inline'} (field ${field.number})`;
  const type = field.type;
  if (type.kind === 'map') {
    into.push(decodeMapEntry(delimited(f, where), type, where, depth));
  } else if (type.kind === 'message') {
    into.push(
      decodeMessage(delimited(f, where), schemaOf(type.message), depth + 1) ??
        (field.repeated ? null : undefined),
    );
  } else if (
    field.repeated &&
    f.wire === WireType.bytes &&
    type.scalar !== 'string' &&
    type.scalar !== 'bytes'
  ) {
    if (type.scalar === 'double' || type.scalar === 'float') {
      const size = type.scalar === 'double' ? 8 : 4;
      const view = new DataView(f.value.buffer, f.value.byteOffset, f.value.byteLength);
      if (f.value.length % size) {
        throw new ProtobufDecodeError(`${where}: packed ${type.scalar}s of ${f.value.length} bytes`);
      }
      for (let i = 0; i < f.value.length; i += size) {
        into.push(size === 8 ? view.getFloat64(i, true) : view.getFloat32(i, true));
      }
    } else {
      for (const v of readPackedVarints(f.value)) into.push(varintValue(v, type.scalar));
    }
  } else {
    into.push(scalarValue(f, type.scalar, where));
  }
}

function decodeMapEntry(
  bytes: Uint8Array,
  type: Extract<ValueType, { kind: 'map' }>,
  where: string,
  depth: number,
) {
  let key: unknown;
  let value: unknown;
  let valueBytes: Uint8Array | undefined;
  for (const f of readFields(bytes)) {
    if (f.number === 1) key = scalarValue(f, type.key, `${where} key`);
    else if (f.number === 2) {
      if (type.value.kind === 'scalar') value = scalarValue(f, type.value.scalar, `${where} value`);
      else valueBytes = delimited(f, `${where} value`);
    }
  }
  if (type.value.kind === 'message') {
    value = decodeMessage(valueBytes ?? new Uint8Array(), schemaOf(type.value.message), depth + 1) ?? null;
  } else if (type.value.kind === 'scalar' && value === undefined) {
    value = zeroOf(type.value.scalar);
  } else if (type.value.kind === 'map') {
    throw new ProtobufDecodeError(`${where}: maps of maps do not exist in Kubernetes`);
  }
  return [String(key ?? zeroOf(type.key)), value] as const;
}

function zeroOf(scalar: ScalarType): unknown {
  if (scalar === 'string' || scalar === 'bytes') return '';
  return scalar === 'bool' ? false : 0;
}

function varintValue(v: bigint, scalar: ScalarType): unknown {
  switch (scalar) {
    case 'bool':
      return v !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, v));
    case 'int64':
      return Number(BigInt.asIntN(64, v));
    case 'uint32':
      return Number(BigInt.asUintN(32, v));
    case 'uint64':
      return Number(v);
    default:
      throw new ProtobufDecodeError(`a varint where a ${scalar} was expected`);
  }
}

const WIRE_OF: Record<ScalarType, number> = {
  string: WireType.bytes,
  bytes: WireType.bytes,
  bool: WireType.varint,
  int32: WireType.varint,
  int64: WireType.varint,
  uint32: WireType.varint,
  uint64: WireType.varint,
  double: WireType.fixed64,
  float: WireType.fixed32,
};

function scalarValue(f: WireField, scalar: ScalarType, where: string): unknown {
  if (f.wire !== WIRE_OF[scalar]) {
    throw new ProtobufDecodeError(`${where}: wire type ${f.wire} where a ${scalar} was expected`);
  }
  if (f.wire === WireType.varint) return varintValue(f.value, scalar);
  const bytes = f.value;
  if (scalar === 'string') return utf8.decode(bytes);
  if (scalar === 'bytes') {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return scalar === 'double' ? view.getFloat64(0, true) : view.getFloat32(0, true);
}
