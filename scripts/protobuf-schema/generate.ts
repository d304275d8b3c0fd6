// Writes embedded-cluster/api/protobuf/schema.json: the protobuf field table of every built-in kind
// we serve, read from the Go type descriptors inside a kubectl binary (which links every
// k8s.io/api group through client-go). Each Go struct field there carries its `json:"…"` and
// `protobuf:"…"` tags, its Go type (pointer or value, slice, map, struct) and whether it is
// embedded — everything the decoder needs to turn Kubernetes protobuf into the JSON the same
// object marshals to in Go. kubectl does not link apiextensions-apiserver: `--extra BINARY` names a
// second Go binary that does, and CRD_ADDITIONS below adds what v1.32 has beyond that binary's copy.
//
//   npx tsx scripts/protobuf-schema/generate.ts --kubectl PATH/kubectl.1.32 [--extra PATH] [--out FILE]
//
// The binaries must be linux/amd64 Go executables (see go-binary.ts).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_RESOURCES } from '../../embedded-cluster/api/builtin-resources.js';
import {
  GoBinary,
  K_FLOAT32,
  K_FLOAT64,
  K_MAP,
  K_PTR,
  K_SLICE,
  K_STRING,
  K_STRUCT,
  KIND,
  type GoType,
} from './go-binary.js';

// ---------------------------------------------------------------------------------------------
// The table

/** One field: [number, JSON name, type, flags] — see embedded-cluster/api/protobuf/schema.ts. */
type FieldRow = [number, string, string] | [number, string, string, string];

/** Types whose JSON is not their fields' (custom MarshalJSON in Go): the decoder shapes them. */
const SHAPES: Record<string, string> = {
  'meta/v1.Time': 'time',
  'meta/v1.MicroTime': 'microtime',
  'meta/v1.Duration': 'duration',
  'meta/v1.FieldsV1': 'rawjson',
  'resource.Quantity': 'quantity',
  'intstr.IntOrString': 'intorstring',
  'runtime.RawExtension': 'rawjson',
  'apiextensions/v1.JSON': 'rawjson',
  'apiextensions/v1.JSONSchemaPropsOrArray': 'orarray',
  'apiextensions/v1.JSONSchemaPropsOrBool': 'orbool',
  'apiextensions/v1.JSONSchemaPropsOrStringArray': 'orstringarray',
};
/** Shapes decoded by hand: their Go fields are not walked. */
const LEAVES = new Set(['time', 'microtime', 'duration', 'rawjson', 'quantity', 'intorstring']);

/**
 * apiextensions/v1 fields that v1.32 has and an older linked copy may lack (their Go tags, as in
 * the v1.32 source: ValidationRule gained messageExpression in 1.27, reason and fieldPath in 1.28,
 * optionalOldSelf in 1.29; CustomResourceDefinitionVersion gained selectableFields in 1.30).
 */
const CRD_ADDITIONS: Record<string, FieldRow[]> = {
  'apiextensions/v1.ValidationRule': [
    [3, 'messageExpression', 'string'],
    [4, 'reason', 'string', 'z'],
    [5, 'fieldPath', 'string'],
    [6, 'optionalOldSelf', 'bool', 'z'],
  ],
  'apiextensions/v1.CustomResourceDefinitionVersion': [
    [9, 'selectableFields', 'apiextensions/v1.SelectableField', 'r'],
  ],
  'apiextensions/v1.SelectableField': [[1, 'jsonPath', 'string', 'z']],
};

/** Kinds kubectl or client-go send that are not resources of their own. */
const EXTRA_ROOTS: [apiVersion: string, pkg: string, kind: string][] = [
  ['meta.k8s.io/v1', 'k8s.io/apimachinery/pkg/apis/meta/v1', 'DeleteOptions'],
  ['meta.k8s.io/v1', 'k8s.io/apimachinery/pkg/apis/meta/v1', 'Status'],
  ['policy/v1', 'k8s.io/api/policy/v1', 'Eviction'],
  ['autoscaling/v1', 'k8s.io/api/autoscaling/v1', 'Scale'],
  ['autoscaling/v1', 'k8s.io/api/autoscaling/v1', 'HorizontalPodAutoscaler'],
  ['authentication.k8s.io/v1', 'k8s.io/api/authentication/v1', 'TokenRequest'],
  ['authentication.k8s.io/v1', 'k8s.io/api/authentication/v1', 'TokenReview'],
  ['authentication.k8s.io/v1', 'k8s.io/api/authentication/v1', 'SelfSubjectReview'],
  ['authorization.k8s.io/v1', 'k8s.io/api/authorization/v1', 'SubjectAccessReview'],
  ['authorization.k8s.io/v1', 'k8s.io/api/authorization/v1', 'LocalSubjectAccessReview'],
];

/** `k8s.io/api/core/v1` → `core/v1`; `k8s.io/apimachinery/pkg/apis/meta/v1` → `meta/v1`. */
function shortPackage(pkgPath: string): string {
  const parts = pkgPath.split('/');
  if (pkgPath.startsWith('k8s.io/api/')) return parts.slice(2).join('/');
  const last = parts.at(-1)!;
  return /^v\d/.test(last) ? parts.slice(-2).join('/') : last;
}

/** `io.k8s.api.core.v1.Pod` → [`k8s.io/api/core/v1`, `Pod`]. */
function goTypeOfDefinition(definition: string): [string, string] {
  const parts = definition.split('.');
  if (parts[0] !== 'io' || parts[1] !== 'k8s') throw new Error(`unexpected definition ${definition}`);
  return [['k8s.io', ...parts.slice(2, -1)].join('/'), parts.at(-1)!];
}

function parseTag(tag: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${key}:"([^"]*)"`).exec(tag);
  return m?.[1];
}

function scalarOf(t: GoType): string | undefined {
  switch (t.kind) {
    case KIND.bool:
      return 'bool';
    case KIND.int32:
      return 'int32';
    case KIND.int:
    case KIND.int64:
      return 'int64';
    case KIND.uint32:
      return 'uint32';
    case KIND.uint64:
      return 'uint64';
    case K_FLOAT32:
      return 'float';
    case K_FLOAT64:
      return 'double';
    case K_STRING:
      return 'string';
    case K_SLICE:
      return t.elem!.kind === KIND.uint8 ? 'bytes' : undefined;
    default:
      return undefined;
  }
}

class TableBuilder {
  readonly messages: Record<string, FieldRow[]> = {};
  readonly shapes: Record<string, string> = {};
  private readonly pending: GoType[] = [];

  nameOf(t: GoType): string {
    if (!t.pkgPath) throw new Error(`type ${t.name} has no package`);
    return `${shortPackage(t.pkgPath)}.${t.name.slice(t.name.lastIndexOf('.') + 1)}`;
  }

  /** The message name of a struct type, queued for its fields unless its shape is decoded by hand. */
  message(t: GoType): string {
    const name = this.nameOf(t);
    const shape = SHAPES[name];
    if (shape) this.shapes[name] = shape;
    if (!(name in this.messages) && !(shape && LEAVES.has(shape))) {
      this.messages[name] = [];
      this.pending.push(t);
    }
    return name;
  }

  /** A named slice sent as a message of its `items` (go-to-protobuf does that for map values). */
  private listWrapper(t: GoType, owner: GoType): string {
    const name = `${shortPackage(t.pkgPath || owner.pkgPath)}.${t.name.slice(t.name.lastIndexOf('.') + 1)}`;
    if (!(name in this.messages)) {
      this.messages[name] = [[1, 'items', this.valueType(t.elem!, owner), 'r']];
      this.shapes[name] = 'list';
    }
    return name;
  }

  private valueType(t: GoType, owner: GoType): string {
    const scalar = scalarOf(t);
    if (scalar) return scalar;
    if (t.kind === K_STRUCT) return this.message(t);
    if (t.kind === K_PTR) return this.valueType(t.elem!, owner);
    if (t.kind === K_SLICE && t.named) return this.listWrapper(t, owner);
    throw new Error(`${owner.name}: cannot map Go type ${t.name} to protobuf`);
  }

  drain(): void {
    for (let t = this.pending.shift(); t; t = this.pending.shift()) {
      const name = this.nameOf(t);
      for (const f of t.fields!) {
        const pb = parseTag(f.tag, 'protobuf');
        if (!pb || pb === '-') continue;
        const [, num] = pb.split(',');
        const number = Number(num);
        if (!Number.isInteger(number) || number <= 0)
          throw new Error(`${name}.${f.goName}: bad protobuf tag ${pb}`);
        const json = parseTag(f.tag, 'json');
        const [jsonName = '', ...opts] = (json ?? '').split(',');
        if (jsonName === '-') continue;
        const omitempty = opts.includes('omitempty');
        const inline = f.embedded && jsonName === '';
        const key = inline ? '' : jsonName || f.goName;
        const pointer = f.type.kind === K_PTR;
        const base = pointer ? f.type.elem! : f.type;
        const flags: string[] = [];
        let type: string;
        if (base.kind === K_MAP) {
          type = `map<${scalarOf(base.key!)},${this.valueType(base.elem!, t)}>`;
        } else if (base.kind === K_SLICE && base.elem!.kind !== KIND.uint8) {
          // A named slice tagged `opt` is a wrapper message (`+protobuf.nullable=true`); others repeat.
          const wrapper = base.named && pb.split(',')[2] === 'opt';
          type = wrapper ? this.listWrapper(base, t) : this.valueType(base.elem!, t);
          if (!wrapper) flags.push('r');
        } else {
          type = this.valueType(base, t);
          if (inline) flags.push('i');
          else if (scalarOf(base) && (pointer || !omitempty)) flags.push('z');
        }
        const row: FieldRow = flags.length ? [number, key, type, flags.join('')] : [number, key, type];
        this.messages[name]!.push(row);
      }
      for (const extra of CRD_ADDITIONS[name] ?? []) {
        if (!this.messages[name]!.some((r) => r[0] === extra[0])) this.messages[name]!.push(extra);
      }
    }
    for (const [name, rows] of Object.entries(CRD_ADDITIONS)) {
      if (
        Object.keys(this.messages).some((m) => m.startsWith('apiextensions/')) &&
        !(name in this.messages)
      ) {
        this.messages[name] = rows;
      }
    }
  }
}

/** `v1.32.5`, as the binary reports it. */
function kubectlVersion(path: string): string {
  try {
    const out = execFileSync(path, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
    return (JSON.parse(out) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
  } catch {
    return basename(path);
  }
}

// ---------------------------------------------------------------------------------------------

const { values } = parseArgs({
  options: {
    kubectl: { type: 'string' },
    extra: { type: 'string' },
    out: { type: 'string', default: 'embedded-cluster/api/protobuf/schema.json' },
  },
});
if (!values.kubectl) throw new Error('usage: generate.ts --kubectl PATH [--extra PATH] [--out FILE]');

const roots: [apiVersion: string, pkg: string, kind: string][] = [
  ...BUILTIN_RESOURCES.map((r): [string, string, string] => {
    const [pkg, kind] = goTypeOfDefinition(r.definition);
    return [r.group ? `${r.group}/${r.version}` : r.version, pkg, kind];
  }),
  ...EXTRA_ROOTS,
];
const wanted = new Set(roots.map((r) => r[1]));
const binaries = [values.kubectl, ...(values.extra ? [values.extra] : [])].map((p) => new GoBinary(p));
const found = new Map<string, GoType>();
for (const bin of binaries) {
  for (const [k, t] of bin.structs(wanted)) if (!found.has(k)) found.set(k, t);
}

const builder = new TableBuilder();
const kinds: Record<string, string> = {};
const missing: string[] = [];
for (const [apiVersion, pkg, kind] of roots) {
  const t = found.get(`${pkg}.${kind}`);
  if (!t) {
    missing.push(`${apiVersion}/${kind}`);
    continue;
  }
  kinds[`${apiVersion}/${kind}`] = builder.message(t);
}
builder.drain();
if (missing.length) console.warn(`not found in the binaries (left out): ${missing.join(', ')}`);

const table = {
  source: [
    `Go type descriptors of kubectl ${kubectlVersion(values.kubectl)}`,
    ...(values.extra ? [`apiextensions/v1 from ${basename(values.extra)} and CRD_ADDITIONS`] : []),
    'by scripts/protobuf-schema/generate.ts',
  ].join('; '),
  kinds,
  shapes: Object.fromEntries(Object.entries(builder.shapes).sort()),
  messages: Object.fromEntries(Object.entries(builder.messages).sort(([a], [b]) => (a < b ? -1 : 1))),
};
// One message per line: reviewable diffs, small file.
const lines = Object.entries(table.messages).map(
  ([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`,
);
const text = [
  '{',
  `  "source": ${JSON.stringify(table.source)},`,
  `  "kinds": ${JSON.stringify(table.kinds)},`,
  `  "shapes": ${JSON.stringify(table.shapes)},`,
  '  "messages": {',
  lines.join(',\n'),
  '  }',
  '}',
  '',
].join('\n');
writeFileSync(values.out, text);
console.log(`${values.out}: ${Object.keys(kinds).length} kinds, ${lines.length} messages`);
