import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../../../embedded-cluster/api/builtin-resources.js';
import { servedDocument } from '../../../embedded-cluster/api/openapi/hash.js';
import { crdDefinitions } from '../../../embedded-cluster/api/openapi/crd-schemas.js';
import { buildOpenApiV2 } from '../../../embedded-cluster/api/openapi/openapi-v2.js';
import {
  encodeOpenApiV2Protobuf,
  negotiateOpenApiV2,
  OPENAPI_V2_PROTOBUF,
  OPENAPI_V2_PROTOBUF_ACCEPT,
  openApiV2ProtobufDocument,
  toYaml,
} from '../../../embedded-cluster/api/openapi/openapi-v2-protobuf.js';
import { definitionsV132 } from '../../../embedded-cluster/api/openapi/v1.32-additions.js';
import { readFields, WireType } from '../../../embedded-cluster/api/protobuf/wire.js';
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
} from '../../../embedded-cluster/apiserver/handlers/discovery.js';
import { ensurePki } from '../../../embedded-cluster/apiserver/tls.js';
import { writeKubeconfig } from '../../../embedded-cluster/kubeconfig.js';
import { cronTabCrd } from './openapi-fixtures.js';
import { runKubectl } from './protobuf-capture.js';

// ---- a minimal reader over the wire reader: fields by number, Named<T> entries by name ----------

type Bytes = Uint8Array;
const all = (msg: Bytes, n: number) => readFields(msg).filter((f) => f.number === n);
function one(msg: Bytes, n: number): Bytes {
  const found = all(msg, n);
  expect(found, `field ${n}`).toHaveLength(1);
  const f = found[0]!;
  if (f.wire !== WireType.bytes) throw new Error(`field ${n} is not length-delimited`);
  return f.value;
}
const text = (msg: Bytes, n: number) => Buffer.from(one(msg, n)).toString('utf8');
const texts = (msg: Bytes, n: number) =>
  all(msg, n).map((f) => Buffer.from(f.value as Bytes).toString('utf8'));
const varint = (msg: Bytes, n: number) => {
  const f = all(msg, n)[0];
  return f?.wire === WireType.varint ? f.value : undefined;
};
/** The value (field 2) of the `Named*` entry (in repeated field `n`) called `name`. */
function named(msg: Bytes, n: number, name: string): Bytes {
  const entry = all(msg, n).find((f) => text(f.value as Bytes, 1) === name);
  if (!entry) throw new Error(`no entry ${name} in field ${n}`);
  return one(entry.value as Bytes, 2);
}
const names = (msg: Bytes, n: number) => all(msg, n).map((f) => text(f.value as Bytes, 1));
/** A vendor extension's YAML: `NamedAny` in field `n` → `Any.yaml` (2). */
const extension = (msg: Bytes, n: number, name: string) => text(named(msg, n, name), 2);

// gnostic field numbers used below (openapiv2/OpenAPIv2.proto)
const DOC = { swagger: 1, info: 2, paths: 8, definitions: 9, security: 12, securityDefinitions: 13 };
const SCHEMA = { ref: 1, format: 2, description: 4, default: 5, required: 19, enum: 20, additional: 21 };
const SCHEMA2 = { type: 22, items: 23, properties: 25, vendor: 31 };
const OP = { tags: 1, description: 3, operationId: 5, produces: 6, consumes: 7, parameters: 8, responses: 9 };

describe('encodeOpenApiV2Protobuf: the /openapi/v2 document as gnostic openapi_v2.Document', () => {
  const doc = buildOpenApiV2(BUILTIN_RESOURCES, definitionsV132());
  const pb = encodeOpenApiV2Protobuf(JSON.parse(JSON.stringify(doc)) as object);
  const definitions = one(pb, DOC.definitions);
  const definition = (name: string) => named(definitions, 1, name);
  const paths = one(pb, DOC.paths);
  const deploymentItem = named(paths, 2, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}');

  it('has swagger "2.0", info, and every definition and path in the document order', () => {
    expect(text(pb, DOC.swagger)).toBe('2.0');
    const info = one(pb, DOC.info);
    expect([text(info, 1), text(info, 2)]).toEqual(['Kubernetes', 'v1.32.0']);
    expect(names(definitions, 1)).toEqual(Object.keys(doc.definitions));
    expect(names(paths, 2)).toEqual(Object.keys(doc.paths));
    // fields in field-number order, as proto.Marshal writes them
    const numbers = readFields(pb).map((f) => f.number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('carries definitions’ vendor extensions as YAML kubectl reads back (GVK, patch and list markers)', () => {
    expect(
      extension(
        definition('io.k8s.api.apps.v1.Deployment'),
        SCHEMA2.vendor,
        'x-kubernetes-group-version-kind',
      ),
    ).toBe('- group: apps\n  kind: Deployment\n  version: v1\n');
    expect(
      extension(definition('io.k8s.api.core.v1.Pod'), SCHEMA2.vendor, 'x-kubernetes-group-version-kind'),
    ).toBe('- group: ""\n  kind: Pod\n  version: v1\n');
    const ports = named(one(definition('io.k8s.api.core.v1.Container'), SCHEMA2.properties), 1, 'ports');
    expect(extension(ports, SCHEMA2.vendor, 'x-kubernetes-patch-merge-key')).toBe('containerPort\n');
    expect(extension(ports, SCHEMA2.vendor, 'x-kubernetes-patch-strategy')).toBe('merge\n');
    expect(extension(ports, SCHEMA2.vendor, 'x-kubernetes-list-type')).toBe('map\n');
    expect(extension(ports, SCHEMA2.vendor, 'x-kubernetes-list-map-keys')).toBe(
      '- containerPort\n- protocol\n',
    );
    expect(texts(one(ports, SCHEMA2.type), 1)).toEqual(['array']);
    expect(text(one(one(ports, SCHEMA2.items), 1), SCHEMA.ref)).toBe(
      '#/definitions/io.k8s.api.core.v1.ContainerPort',
    );
  });

  it('writes schemas: description, required, $ref, additionalProperties, enum and default as Any', () => {
    const container = definition('io.k8s.api.core.v1.Container');
    expect(texts(container, SCHEMA.required)).toEqual(['name']);
    expect(text(container, SCHEMA.description)).toMatch(/^A single application container/);
    const labels = named(
      one(definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), SCHEMA2.properties),
      1,
      'labels',
    );
    const additional = one(labels, SCHEMA.additional);
    expect(texts(one(one(additional, 1), SCHEMA2.type), 1)).toEqual(['string']);
    const strategyType = named(
      one(definition('io.k8s.api.apps.v1.DeploymentStrategy'), SCHEMA2.properties),
      1,
      'type',
    );
    expect(all(strategyType, SCHEMA.enum).map((f) => text(f.value as Bytes, 2))).toEqual([
      'Recreate\n',
      'RollingUpdate\n',
    ]);
  });

  it('writes operations with operationId, parameters (body / query / path) and responses', () => {
    const get = one(deploymentItem, 2);
    expect(text(get, OP.operationId)).toBe('readAppsV1NamespacedDeployment');
    expect(extension(get, 13, 'x-kubernetes-action')).toBe('get\n');
    expect(extension(get, 13, 'x-kubernetes-group-version-kind')).toBe(
      'group: apps\nversion: v1\nkind: Deployment\n',
    );
    const patch = one(deploymentItem, 8);
    expect(texts(patch, OP.consumes)).toContain('application/strategic-merge-patch+json');
    const [body, ...query] = all(patch, OP.parameters).map((f) => one(f.value as Bytes, 1)); // ParametersItem.parameter
    const bodyParameter = one(body!, 1); // Parameter.body_parameter
    expect([text(bodyParameter, 2), text(bodyParameter, 3), varint(bodyParameter, 4)]).toEqual([
      'body',
      'body',
      1n,
    ]);
    expect(text(one(bodyParameter, 5), SCHEMA.ref)).toBe(
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
    );
    const queryNames = query.map((p) => text(one(one(p, 2), 3), 4)); // NonBodyParameter.query_parameter_sub_schema.name
    expect(queryNames).toContain('fieldValidation');
    const [first, , pretty] = all(deploymentItem, 9).map((f) => one(one(f.value as Bytes, 1), 2)); // NonBodyParameter
    const name = one(first!, 4); // path_parameter_sub_schema
    expect(text(one(pretty!, 3), 4)).toBe('pretty'); // query_parameter_sub_schema
    expect([varint(name, 1), text(name, 2), text(name, 4), text(name, 5), varint(name, 19)]).toEqual([
      1n,
      'path',
      'name',
      'string',
      1n,
    ]);
    const ok = one(named(one(get, OP.responses), 1, '200'), 1); // ResponseValue.response
    expect(text(ok, 1)).toBe('OK');
    expect(text(one(one(ok, 2), 1), SCHEMA.ref)).toBe('#/definitions/io.k8s.api.apps.v1.Deployment');
  });

  it('writes security definitions and the (empty-scoped) security requirement', () => {
    const apiKey = one(named(one(pb, DOC.securityDefinitions), 1, 'BearerToken'), 2);
    expect([text(apiKey, 1), text(apiKey, 2), text(apiKey, 3), text(apiKey, 4)]).toEqual([
      'apiKey',
      'authorization',
      'header',
      'Bearer Token authentication',
    ]);
    const requirement = one(pb, DOC.security);
    expect(named(requirement, 1, 'BearerToken')).toHaveLength(0);
  });

  it('encodes custom resource schemas (CRD definitions) too', () => {
    const defs = { ...definitionsV132(), ...crdDefinitions(cronTabCrd()) };
    const name = Object.keys(crdDefinitions(cronTabCrd()))[0]!;
    const crdPb = encodeOpenApiV2Protobuf(
      JSON.parse(JSON.stringify(buildOpenApiV2(BUILTIN_RESOURCES, defs))) as object,
    );
    const schema = named(one(crdPb, DOC.definitions), 1, name);
    expect(extension(schema, SCHEMA2.vendor, 'x-kubernetes-group-version-kind')).toMatch(/kind: CronTab\n/);
  });
});

describe('encodeOpenApiV2Protobuf: proto3 presence as gnostic has it', () => {
  const schemaOf = (schema: object) =>
    named(
      one(encodeOpenApiV2Protobuf({ swagger: '2.0', definitions: { S: schema } }), DOC.definitions),
      1,
      'S',
    );

  it('keeps present-but-empty messages and oneof members, drops zero scalars', () => {
    const s = schemaOf({
      type: 'object',
      properties: {},
      additionalProperties: false,
      description: '',
      required: [],
    });
    expect(one(s, SCHEMA2.properties)).toHaveLength(0); // properties: {} is not "no properties"
    expect(readFields(one(s, SCHEMA.additional))).toEqual([{ number: 2, wire: WireType.varint, value: 0n }]);
    expect(all(s, SCHEMA.description)).toEqual([]);
    expect(all(s, SCHEMA.required)).toEqual([]);
  });

  it('writes numbers as int64 / double, default and example as Any, and skips keys gnostic has no field for', () => {
    const s = schemaOf({ maxLength: 300, minimum: -1.5, default: { a: [1] }, nullable: true, oneOf: [{}] });
    expect(varint(s, 11)).toBe(300n);
    const minimum = all(s, 9)[0]!;
    expect(minimum.wire).toBe(WireType.fixed64);
    expect(Buffer.from(minimum.value as Bytes).readDoubleLE()).toBe(-1.5);
    expect(text(one(s, SCHEMA.default), 2)).toBe('a:\n    - 1\n');
    expect(readFields(s).map((f) => f.number)).toEqual([5, 9, 11]);
  });

  it('picks gnostic’s oneof members: $ref parameters, header parameters, file responses, basic auth', () => {
    const pb = encodeOpenApiV2Protobuf({
      paths: {
        'x-note': 'paths extension',
        '/f': {
          get: {
            parameters: [{ $ref: '#/parameters/p' }, { name: 'h', in: 'header', type: 'string' }],
            responses: { '200': { description: 'file', schema: { type: 'file' } }, default: { $ref: '#/r' } },
          },
        },
      },
      securityDefinitions: { basic: { type: 'basic' } },
    });
    const paths = one(pb, DOC.paths);
    expect(extension(paths, 1, 'x-note')).toBe('paths extension\n');
    const get = one(named(paths, 2, '/f'), 2);
    const [ref, header] = all(get, OP.parameters).map((f) => f.value as Bytes);
    expect(text(one(ref!, 2), 1)).toBe('#/parameters/p'); // ParametersItem.json_reference
    expect(text(one(one(one(header!, 1), 2), 1), 2)).toBe('header'); // header_parameter_sub_schema.in
    const responses = one(get, OP.responses);
    expect(text(one(one(one(named(responses, 1, '200'), 1), 2), 2), 6)).toBe('file'); // SchemaItem.file_schema.type
    expect(text(one(named(responses, 1, 'default'), 2), 1)).toBe('#/r');
    expect(all(named(one(pb, DOC.securityDefinitions), 1, 'basic'), 1)).toHaveLength(1);
  });
});

describe('toYaml (Any.yaml)', () => {
  it('quotes what YAML 1.1 / 1.2 would read as another type, and keeps the rest plain', () => {
    expect(toYaml('merge,retainKeys')).toBe('merge,retainKeys\n');
    expect(toYaml(['yes', 'on', 'null', '1', '0x1f', '.5', '', '-x', 'a: b', 'tab\t', 'a #b'])).toBe(
      '- "yes"\n- "on"\n- "null"\n- "1"\n- "0x1f"\n- ".5"\n- ""\n- "-x"\n- "a: b"\n- "tab\\t"\n- "a #b"\n',
    );
    expect(toYaml('two\nlines\u2028')).toBe('"two\\nlines\\u2028"\n');
    expect(toYaml({ a: { b: [true, null, 2.5, {}, []] }, c: 'd' })).toBe(
      'a:\n    b:\n        - true\n        - null\n        - 2.5\n        - {}\n        - []\nc: d\n',
    );
    expect(toYaml([{ rule: 'self.x > 0', message: "can't", '': 'x' }])).toBe(
      '- rule: self.x > 0\n  message: can\'t\n  "": x\n',
    );
  });
});

describe('negotiateOpenApiV2 (kube-openapi handler.go)', () => {
  it.each([
    [OPENAPI_V2_PROTOBUF_ACCEPT, OPENAPI_V2_PROTOBUF],
    [OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF],
    [undefined, 'application/json'],
    ['*/*', 'application/json'],
    ['application/json, */*', 'application/json'],
    [`application/json;q=0.5, ${OPENAPI_V2_PROTOBUF_ACCEPT}`, OPENAPI_V2_PROTOBUF],
    [`*/*, ${OPENAPI_V2_PROTOBUF}`, OPENAPI_V2_PROTOBUF],
    ['text/html', undefined],
    ['application/yaml', undefined],
  ])('Accept %s → %s', (accept, answer) => {
    expect(negotiateOpenApiV2(accept)).toBe(answer);
  });
});

describe('openApiV2ProtobufDocument', () => {
  it('encodes a served JSON document once, with the ETag of its own bytes', () => {
    const json = servedDocument(buildOpenApiV2(BUILTIN_RESOURCES.slice(0, 3), definitionsV132()));
    const pb = openApiV2ProtobufDocument(json);
    expect(openApiV2ProtobufDocument(json)).toBe(pb);
    expect(text(pb.body, DOC.swagger)).toBe('2.0');
    expect(pb.etag).toBe(`"${pb.hash}"`);
    expect(pb.etag).not.toBe(json.etag);
  });
});

// ---- kubectl reading it --------------------------------------------------------------------------

function versionedKubectl(minor: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const kubectl = join(dir, 'kubectl');
    if (!dir || !existsSync(kubectl)) continue;
    const versioned = join(dirname(realpathSync(kubectl)), `kubectl.${minor}`);
    if (existsSync(versioned)) return versioned;
  }
  return undefined;
}

const KUBECTL_127 = versionedKubectl('1.27');
const TOKEN = 'openapi-v2-protobuf';

/** Discovery as Kubedesk serves it, `/openapi/v2` as the handler should, 404 for everything else. */
async function startOpenApiServer(dir: string): Promise<{ kubeconfig: string; close(): Promise<void> }> {
  const pki = await ensurePki({ dir: join(dir, 'pki') });
  const json = servedDocument(buildOpenApiV2(BUILTIN_RESOURCES, definitionsV132()));
  const server: Server = createServer({ key: pki.serving.key, cert: pki.serving.cert }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    const send = (code: number, body: Buffer | object, type = 'application/json') => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { kind: 'Status', code: 401 });
    if (path === '/version') return send(200, versionInfo());
    if (path === '/api') return send(200, apiVersions('127.0.0.1'));
    if (path === '/apis') return send(200, apiGroupList(BUILTIN_RESOURCES));
    const gv = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    const list = gv && apiResourceList(BUILTIN_RESOURCES, gv[1] ? '' : gv[2]!, gv[1] ?? gv[3]!);
    if (list) return send(200, list);
    if (path === '/openapi/v2') {
      const type = negotiateOpenApiV2(req.headers.accept);
      if (type === undefined) return send(406, Buffer.alloc(0));
      return send(200, type === 'application/json' ? json.body : openApiV2ProtobufDocument(json).body, type);
    }
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, {
    server: `https://127.0.0.1:${address.port}`,
    caCert: pki.ca.cert,
    token: TOKEN,
  });
  return { kubeconfig, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.skipIf(!KUBECTL_127)('kubectl 1.27 reads the protobuf /openapi/v2', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startOpenApiServer>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openapi-v2-pb-'));
    server = await startOpenApiServer(dir);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explain --output=plaintext-openapiv2 finds the kind by its GVK extension and prints the field', async () => {
    const r = await runKubectl(KUBECTL_127!, server.kubeconfig, [
      'explain',
      'deployment.spec.replicas',
      '--output=plaintext-openapiv2',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/KIND:\s+Deployment\nVERSION:\s+apps\/v1\n\nFIELD:\s+replicas <integer>/);
    expect(r.stdout).toContain('Number of desired pods.');
  }, 15_000);

  it('apply parses it (it failed with "proto: cannot parse invalid wire-format data" on JSON)', async () => {
    const file = join(dir, 'deployment.json');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } } },
        },
      }),
    );
    const r = await runKubectl(KUBECTL_127!, server.kubeconfig, ['apply', '--dry-run=client', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web created (dry run)\n');
  }, 15_000);
});
