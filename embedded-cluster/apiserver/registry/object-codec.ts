import type { KubeObject } from '../../api/object.js';
import type { KeyValue } from '../../store/store.js';

/**
 * Objects are stored as JSON without `metadata.resourceVersion`: the version
 * is the store's modRevision, set on the way out, as kube-apiserver's etcd3
 * storage does (`versioner.UpdateObject`).
 */
export function encodeObject(obj: KubeObject): Uint8Array {
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  // apiVersion, kind and metadata lead, so that rawWithVersion can find metadata without parsing.
  return Buffer.from(JSON.stringify({ apiVersion, kind, metadata, ...rest }));
}

const LEAD_BYTES = Buffer.from('{"apiVersion":');
const METADATA_BYTES = Buffer.from('"metadata":{');

/**
 * The stored JSON with `metadata.resourceVersion` spliced in, as buffers to
 * concatenate, without a parse or a text round trip: lists of thousands of objects go out as fast as they are read.
 * The first `"metadata":{` is the top-level one, because encodeObject puts
 * it right after apiVersion and kind, whose string values cannot contain an
 * unescaped quote.
 */
export function rawWithVersion(kv: Pick<KeyValue, 'value' | 'modRevision'>): Buffer[] {
  const bytes = Buffer.from(kv.value.buffer, kv.value.byteOffset, kv.value.byteLength);
  const at = bytes.subarray(0, LEAD_BYTES.length).equals(LEAD_BYTES) ? bytes.indexOf(METADATA_BYTES) : -1;
  if (at < 0) return [Buffer.from(JSON.stringify(decodeObject(kv)))];
  const open = at + METADATA_BYTES.length;
  const empty = bytes[open] === 0x7d; // '}'
  const version = Buffer.from(`"resourceVersion":"${kv.modRevision}"${empty ? '' : ','}`);
  return [bytes.subarray(0, open), version, bytes.subarray(open)];
}

export function decodeObject(kv: Pick<KeyValue, 'value' | 'modRevision'>): KubeObject {
  const obj = JSON.parse(
    Buffer.from(kv.value.buffer, kv.value.byteOffset, kv.value.byteLength).toString('utf8'),
  ) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}
