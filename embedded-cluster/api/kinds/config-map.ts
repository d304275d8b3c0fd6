import type { FieldProblem } from '../catalog.js';
import {
  deepEqual,
  DecodeError,
  forbidden,
  invalid,
  isConfigMapKey,
  isObj,
  key,
  nameIsDNSSubdomain,
  obj,
  required,
  str,
  tooLong,
  validateImmutable,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';

/**
 * ConfigMaps and Secrets (core/v1): keys of `[-._a-zA-Z0-9]+`, 1 MiB in all,
 * `immutable: true` freezing the data, a Secret's type fixed and checked.
 */

export const MAX_SECRET_SIZE = 1024 * 1024;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a `[]byte` field, as Go's JSON decoder reads base64 (throws {@link DecodeError} when malformed). */
export function decodeBytes(v: unknown): Buffer {
  const s = typeof v === 'string' ? v : '';
  if (!BASE64.test(s)) {
    const at = firstBadBase64Byte(s);
    throw new DecodeError(`illegal base64 data at input byte ${at}`);
  }
  return Buffer.from(s, 'base64');
}

function firstBadBase64Byte(s: string): number {
  for (let i = 0; i < s.length; i++) if (!/[A-Za-z0-9+/=]/.test(s[i]!)) return i;
  return Math.floor(s.length / 4) * 4;
}

function validateImmutableData(o: Obj, old: Obj, fields: readonly string[]): FieldProblem[] {
  if (old.immutable !== true) return [];
  const out: FieldProblem[] = [];
  if (o.immutable !== true) out.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields)
    if (!deepEqual(o[f] ?? {}, old[f] ?? {}))
      out.push(forbidden(f, 'field is immutable when `immutable` is set'));
  return out;
}

function validateConfigMap(cm: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  let total = 0;
  const data = obj(cm.data) ?? {};
  const binary = obj(cm.binaryData) ?? {};
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) out.push(invalid(key('data', k), k, m));
    if (k in binary) out.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(str(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of isConfigMapKey(k)) out.push(invalid(key('binaryData', k), k, m));
    total += Buffer.from(str(v), 'base64').length;
  }
  if (total > MAX_SECRET_SIZE) out.push(tooLong('', MAX_SECRET_SIZE));
  return out;
}

export const configMapStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  default: (cm) => {
    for (const v of Object.values(obj(cm.binaryData) ?? {})) decodeBytes(v);
  },
  validate: validateConfigMap,
  validateUpdate: (cm, old) => validateImmutableData(cm, old, ['data', 'binaryData']),
});

/** The v1 → internal conversion: `stringData` merges into `data` (base64) and is dropped. */
function defaultSecret(secret: Obj): void {
  const stringData = obj(secret.stringData);
  if (stringData) {
    const data: Obj = isObj(secret.data) ? secret.data : {};
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v)).toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
  for (const v of Object.values(obj(secret.data) ?? {})) decodeBytes(v);
  if (!str(secret.type)) secret.type = 'Opaque';
}

function validateJSONData(data: Obj, k: string): FieldProblem[] {
  if (!(k in data)) return [required(key('data', k))];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(str(data[k]), 'base64').toString('utf8'));
    if (!isObj(parsed))
      throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    return [];
  } catch (e) {
    return [
      invalid(key('data', k), '<secret contents redacted>', e instanceof Error ? e.message : String(e)),
    ];
  }
}

function validateSecret(secret: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  const data = obj(secret.data) ?? {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) out.push(invalid(key('data', k), k, m));
    total += Buffer.from(str(v), 'base64').length;
  }
  if (total > MAX_SECRET_SIZE) out.push(tooLong('data', MAX_SECRET_SIZE));
  const annotations = obj(obj(secret.metadata)?.annotations) ?? {};
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (!str(annotations['kubernetes.io/service-account.name']))
        out.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
      break;
    case 'kubernetes.io/dockercfg':
      out.push(...validateJSONData(data, '.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      out.push(...validateJSONData(data, '.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data))
        out.push(required(key('data', 'username')), required(key('data', 'password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if (Buffer.from(str(data['ssh-privatekey']), 'base64').length === 0)
        out.push(required(key('data', 'ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) out.push(required(key('data', 'tls.crt')));
      if (!('tls.key' in data)) out.push(required(key('data', 'tls.key')));
      break;
  }
  return out;
}

export const secretStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  default: defaultSecret,
  validate: validateSecret,
  validateUpdate: (secret, old) => [
    ...validateImmutable(str(secret.type), str(old.type), 'type'),
    ...validateImmutableData(secret, old, ['data']),
  ],
});
