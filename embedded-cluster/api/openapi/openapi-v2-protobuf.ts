import { openApiHash, type ServedDocument } from './hash.js';
import { MESSAGES, PATTERNS, type Field, type MessageName } from './openapi-v2-protobuf-fields.js';

/**
 * `/openapi/v2` as protobuf: the gnostic `openapi_v2.Document` kube-apiservers serve to
 * `Accept: application/com.github.proto-openapi.spec.v2[@.]v1.0+protobuf`, which is what
 * client-go's `DiscoveryClient.OpenAPISchema` (kubectl apply, explain, validation) asks for
 * and `proto.Unmarshal`s. kube-openapi builds it from the JSON document
 * (pkg/handler/handler.go `ToProtoBinary`: `openapi_v2.ParseDocument(json)` then
 * `proto.Marshal`); this does the same, in the document's key order.
 *
 * Values gnostic keeps as `Any` (vendor extensions, `default`, `enum`, `example`) carry their
 * YAML text, which kubectl parses back (k8s.io/kube-openapi pkg/util/proto `vendorExtensionToMap`),
 * e.g. `x-kubernetes-group-version-kind` → `"- group: apps\n  kind: Deployment\n  version: v1\n"`.
 */

/** What client-go sends (the deprecated subtype) and what kube-openapi answers it with. */
export const OPENAPI_V2_PROTOBUF_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
export type OpenApiV2MediaType = 'application/json' | typeof OPENAPI_V2_PROTOBUF;

/** The gnostic `openapi_v2.Document` protobuf of an OpenAPI v2 document (as parsed from its JSON). */
export function encodeOpenApiV2Protobuf(document: object): Buffer {
  return encodeMessage('Document', document).toBuffer();
}

const protobufForms = new WeakMap<ServedDocument, ServedDocument>();

/**
 * The protobuf form of a served `/openapi/v2` JSON document, encoded once per document, with the
 * hash and ETag of its own bytes. (kube-openapi re-uses the JSON's ETag, relying on `Vary: Accept`;
 * but kubectl's disk cache may hold a JSON body an older Kubedesk served without `Vary`, and
 * would revalidate it with that ETag, get a 304 and fail to parse it again.)
 */
export function openApiV2ProtobufDocument(json: ServedDocument): ServedDocument {
  let served = protobufForms.get(json);
  if (served === undefined) {
    const body = encodeOpenApiV2Protobuf(JSON.parse(json.body.toString('utf8')) as object);
    const hash = openApiHash(body);
    served = { body, hash, etag: `"${hash}"` };
    protobufForms.set(json, served);
  }
  return served;
}

const OFFERED: readonly { type: string; subType: string; answer: OpenApiV2MediaType }[] = [
  { type: 'application', subType: 'json', answer: 'application/json' },
  {
    type: 'application',
    subType: 'com.github.proto-openapi.spec.v2@v1.0+protobuf',
    answer: OPENAPI_V2_PROTOBUF,
  },
  {
    type: 'application',
    subType: 'com.github.proto-openapi.spec.v2.v1.0+protobuf',
    answer: OPENAPI_V2_PROTOBUF,
  },
];

/**
 * The media type kube-openapi's v2 handler answers an Accept header with, or undefined for its
 * bare 406: clauses by preference (goautoneg: q, then specific before wildcard), the first that
 * matches JSON, then either protobuf subtype. No header means any type, i.e. JSON.
 */
export function negotiateOpenApiV2(accept: string | undefined): OpenApiV2MediaType | undefined {
  const clauses = (accept || '*/*')
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const [type = '', subType, extra] = range.split('/').map((s) => s.trim());
      const q = params.map((p) => p.split('=')).find(([k]) => k?.trim() === 'q')?.[1];
      return {
        type,
        subType: subType ?? (type === '*' ? '*' : undefined),
        extra,
        q: q === undefined ? 1 : Number(q),
        index,
      };
    })
    .filter((c) => c.subType !== undefined && c.extra === undefined)
    .sort(
      (a, b) =>
        b.q - a.q ||
        Number(a.type === '*') - Number(b.type === '*') ||
        Number(a.subType === '*') - Number(b.subType === '*') ||
        a.index - b.index,
    );
  for (const clause of clauses) {
    const match = OFFERED.find(
      (o) =>
        (clause.type === o.type || clause.type === '*') &&
        (clause.subType === o.subType || clause.subType === '*'),
    );
    if (match) return match.answer;
  }
  return undefined;
}

// ---- the message walk -------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const fieldOrder = new Map<MessageName, [string, Field][]>();

/** A message's fields in field-number order, as `proto.Marshal` writes them. */
function orderedFields(name: MessageName, fields: Readonly<Record<string, Field>>): [string, Field][] {
  let ordered = fieldOrder.get(name);
  if (ordered === undefined) {
    ordered = Object.entries(fields).sort(([, a], [, b]) => a[0] - b[0]);
    fieldOrder.set(name, ordered);
  }
  return ordered;
}

function encodeMessage(name: MessageName, value: unknown): ProtoMessage {
  const out = new ProtoMessage();
  const spec = MESSAGES[name];
  if ('value' in spec) {
    writeField(out, spec.value, value, false);
  } else if ('oneof' in spec) {
    const member = spec.oneof(value);
    if (member) writeField(out, member, value, true);
  } else {
    const object = isObject(value) ? value : {};
    for (const [key, field] of orderedFields(name, spec.fields)) {
      if (key in PATTERNS) {
        const matches = PATTERNS[key as keyof typeof PATTERNS];
        for (const [k, v] of Object.entries(object)) {
          if (!matches(k)) continue;
          // Named<Kind> { name = 1, value = 2 }
          const named = new ProtoMessage();
          writeField(named, [1, 'string'], k, false);
          writeField(named, [2, field[1]], v, false);
          out.message(field[0], named);
        }
      } else if (Object.hasOwn(object, key)) {
        writeField(out, field, object[key], false);
      }
    }
  }
  return out;
}

/**
 * One field as proto3 writes it: zero scalars are left out unless `present` (a oneof member); a
 * message is written whenever its key is there, even empty, as gnostic keeps it (kubectl tells
 * `properties: {}` from no properties).
 */
function writeField(out: ProtoMessage, [number, kind]: Field, value: unknown, present: boolean): void {
  switch (kind) {
    case 'string': {
      const s = scalarString(value);
      if (s !== undefined && (s !== '' || present)) out.string(number, s);
      return;
    }
    case 'bool':
      if (typeof value === 'boolean' && (value || present)) out.varint(number, value ? 1 : 0);
      return;
    case 'int64':
      if (typeof value === 'number' && Number.isInteger(value) && (value !== 0 || present))
        out.varint(number, value);
      return;
    case 'double':
      if (typeof value === 'number' && (value !== 0 || present)) out.double(number, value);
      return;
    case 'string[]':
      for (const item of Array.isArray(value) ? value : [value]) {
        const s = scalarString(item);
        if (s !== undefined) out.string(number, s);
      }
      return;
    case 'Any':
      out.message(number, anyMessage(value));
      return;
    case 'Any[]':
      if (Array.isArray(value)) for (const item of value) out.message(number, anyMessage(item));
      return;
    default:
      if (kind.endsWith('[]')) {
        const element = kind.slice(0, -2) as MessageName;
        for (const item of Array.isArray(value) ? value : [value])
          out.message(number, encodeMessage(element, item));
      } else {
        out.message(number, encodeMessage(kind as MessageName, value));
      }
  }
}

/** A scalar as gnostic's `StringForScalarNode` reads it: strings, integers as written, null as "". */
function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (value === null) return '';
  return undefined;
}

function anyMessage(value: unknown): ProtoMessage {
  const any = new ProtoMessage();
  any.string(2, toYaml(value));
  return any;
}

// ---- YAML for Any -----------------------------------------------------------------------------

/**
 * A value as YAML, shaped like gnostic's `compiler.Marshal` (yaml.v3, 4-space indent): block
 * mappings and sequences, `{}`/`[]` when empty, strings plain unless they would read back as
 * something else (YAML 1.1 booleans and numbers included, for kubectl's yaml.v2), else
 * double-quoted. Only the parsed value is promised, not yaml.v3's exact line folding.
 */
export function toYaml(value: unknown): string {
  return yamlBlock(value, '');
}

function yamlBlock(value: unknown, indent: string): string {
  if (Array.isArray(value) && value.length > 0) {
    return value.map((item, i) => `${i ? indent : ''}- ${yamlBlock(item, `${indent}  `)}`).join('');
  }
  if (isObject(value) && Object.keys(value).length > 0) {
    return Object.entries(value)
      .map(([k, v], i) => {
        const nested = (Array.isArray(v) || isObject(v)) && Object.keys(v).length > 0;
        const head = `${i ? indent : ''}${yamlString(k)}:`;
        return nested
          ? `${head}\n${indent}    ${yamlBlock(v, `${indent}    `)}`
          : `${head} ${yamlBlock(v, indent)}`;
      })
      .join('');
  }
  return `${yamlScalar(value)}\n`;
}

function yamlScalar(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (isObject(value)) return '{}';
  if (typeof value === 'string') return yamlString(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  return 'null';
}

const YAML_WORDS =
  /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<)$/;
const YAML_NUMBER = /^[-+]?(\.?[0-9]|\.(inf|Inf|INF|nan|NaN|NAN)$)/;
/** Starts with an indicator or a space, ends with a space or `:`, holds `: ` or ` #`. */
const NOT_PLAIN = /^[\s\-?:,[\]{}#&*!|>'"%@`]|\s$|:$|: | #/;
/** Characters YAML reads as line breaks or refuses unescaped: NEL and the C1 controls, LS, PS, BOM. */
const ESCAPE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

function yamlString(s: string): string {
  if (s !== '' && !NOT_PLAIN.test(s) && !YAML_WORDS.test(s) && !YAML_NUMBER.test(s) && printable(s)) return s;
  return JSON.stringify(s).replace(ESCAPE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function printable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) return false;
  }
  return true;
}

// ---- the wire writer --------------------------------------------------------------------------

/**
 * A message being written: runs of key/varint/fixed bytes, strings (UTF-8 encoded when copied out)
 * and nested messages (behind their key and length), with the total length, so nesting never
 * copies; `toBuffer()` writes everything once. See https://protobuf.dev/programming-guides/encoding/.
 */
class ProtoMessage {
  private readonly parts: (number[] | string | ProtoMessage)[] = [];
  private run: number[] | undefined;
  length = 0;

  private bytes(): number[] {
    if (this.run === undefined) {
      this.run = [];
      this.parts.push(this.run);
    }
    return this.run;
  }

  private rawVarint(value: number): void {
    const out = this.bytes();
    const before = out.length;
    if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
      let v = value;
      while (v >= 0x80) {
        out.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      out.push(v);
    } else {
      let v = BigInt.asUintN(64, BigInt(value));
      while (v >= 0x80n) {
        out.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      out.push(Number(v));
    }
    this.length += out.length - before;
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** int64/bool: negative numbers take ten bytes, two's complement, as in Go. */
  varint(field: number, value: number): void {
    this.key(field, 0);
    this.rawVarint(value);
  }

  double(field: number, value: number): void {
    this.key(field, 1);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(value);
    this.bytes().push(...bytes);
    this.length += 8;
  }

  string(field: number, value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.key(field, 2);
    this.rawVarint(length);
    this.parts.push(value);
    this.run = undefined;
    this.length += length;
  }

  message(field: number, message: ProtoMessage): void {
    this.key(field, 2);
    this.rawVarint(message.length);
    this.parts.push(message);
    this.run = undefined;
    this.length += message.length;
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    const end = this.copyInto(out, 0);
    if (end !== out.length) throw new Error(`protobuf writer: wrote ${end} of ${out.length} bytes`);
    return out;
  }

  private copyInto(out: Buffer, at: number): number {
    let pos = at;
    for (const part of this.parts) {
      if (part instanceof ProtoMessage) {
        pos = part.copyInto(out, pos);
      } else if (typeof part === 'string') {
        pos += out.write(part, pos, 'utf8');
      } else {
        for (const b of part) out[pos++] = b;
      }
    }
    return pos;
  }
}
