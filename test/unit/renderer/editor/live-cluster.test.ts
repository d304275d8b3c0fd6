// ajv (8, already installed for the build tools) stands in for the editor's language server.
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDocuments, FIELD_MANAGER } from '../../../../src-renderer/editor/apply/apply.js';
import { ResourceResolver } from '../../../../src-renderer/editor/apply/resource-resolver.js';
import { fieldRange } from '../../../../src-renderer/editor/field-range.js';
import { parseManifests } from '../../../../src-renderer/editor/manifests.js';
import { ClusterSchemas } from '../../../../src-renderer/editor/schema/cluster-schemas.js';
import { kindSchema, type OpenApiDocument } from '../../../../src-renderer/editor/schema/openapi-schema.js';
import { TEMPLATES } from '../../../../src-renderer/editor/templates.js';
import { KubeApi, type KubeObject, type ResourceType } from '../../../../src-renderer/kube/index.js';
import { kubeFetch, type KubeFetch } from '../../../support/kube-fetch.js';
import { startTestCluster, type TestCluster } from '../../../support/test-cluster.js';

/**
 * The editor's modules against a real in-process API server (simulated runtime, control plane
 * on): schemas from its /openapi/v3 validate what it accepts and reject what it rejects, and
 * server-side apply through KubeApi creates, configures and reports errors on the right lines.
 */
let cluster: TestCluster;
let fetchImpl: KubeFetch;
let api: KubeApi;
let resolver: ResourceResolver;
const NS = 'editor-live';
const namespaces: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  namespaced: false,
  kind: 'Namespace',
};
const deployments: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  namespaced: true,
  kind: 'Deployment',
};

beforeAll(async () => {
  cluster = await startTestCluster({ runtime: 'simulated', controlPlane: true });
  fetchImpl = kubeFetch(cluster);
  api = new KubeApi({ baseUrl: cluster.url, fetch: fetchImpl });
  resolver = new ResourceResolver(api);
  await api.create(namespaces, { metadata: { name: NS } });
}, 60_000);

afterAll(async () => {
  fetchImpl?.close();
  await cluster?.destroy();
});

const DEPLOYMENT = (replicas: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
`;

/** An ajv validator for one kind's converted schema (ajv stands in for the editor's language server). */
function validatorFor(document: OpenApiDocument, apiVersion: string, kind: string) {
  const schema = kindSchema(document, apiVersion, kind)!;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  return ajv.compile({ $ref: `#/definitions/${schema.root}`, definitions: schema.definitions });
}

describe("schemas from the cluster's /openapi/v3", () => {
  it('converts apps/v1: a Deployment validates, a wrong type and an unknown field do not', async () => {
    const document = (await (await api.raw('/openapi/v3/apis/apps/v1')).json()) as OpenApiDocument;
    const validate = validatorFor(document, 'apps/v1', 'Deployment');
    const good = parseManifests(DEPLOYMENT('2'))[0]!.object;
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);

    expect(validate(parseManifests(DEPLOYMENT('"three"'))[0]!.object)).toBe(false);
    expect(validate.errors?.map((e: { instancePath: string }) => e.instancePath)).toContain('/spec/replicas');

    const unknown = structuredClone(good) as { spec: Record<string, unknown> };
    unknown.spec.replica = 2;
    expect(validate(unknown)).toBe(false);
    expect(validate.errors?.some((e: { keyword: string }) => e.keyword === 'additionalProperties')).toBe(
      true,
    );

    // IntOrString and Quantity accept what the server accepts
    type Shape = {
      spec: { strategy?: unknown; template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const strategy = structuredClone(good) as unknown as Shape;
    strategy.spec.strategy = { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } };
    strategy.spec.template.spec.containers[0]!.resources = { limits: { cpu: 1, memory: '64Mi' } };
    expect(validate(strategy), JSON.stringify(validate.errors)).toBe(true);
  });

  it('builds the schema of each kind a file uses, CRDs included once the cluster serves them', async () => {
    const schemas = new ClusterSchemas(api);
    const before = await schemas.schemaFor([
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'ui.example.com/v1', kind: 'Gadget' },
    ]);
    expect(before.allOf?.map((b) => b.then?.$ref)).toEqual([
      '#/definitions/io.k8s.api.apps.v1.Deployment',
      '#/definitions/io.k8s.api.core.v1.ConfigMap',
    ]);
    expect(await schemas.apiVersions()).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'batch/v1']));

    await applyDocuments(
      api,
      resolver,
      parseManifests(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.ui.example.com
spec:
  group: ui.example.com
  scope: Namespaced
  names: { plural: gadgets, singular: gadget, kind: Gadget }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer }
`),
      { namespace: NS },
    );
    let after = before;
    for (let i = 0; i < 50 && after.allOf?.length !== 3; i++) {
      schemas.refresh();
      after = await schemas.schemaFor([
        { apiVersion: 'apps/v1', kind: 'Deployment' },
        { apiVersion: 'v1', kind: 'ConfigMap' },
        { apiVersion: 'ui.example.com/v1', kind: 'Gadget' },
      ]);
      if (after.allOf?.length !== 3) await new Promise((r) => setTimeout(r, 100));
    }
    expect(after.allOf?.[2]?.then?.$ref).toBe('#/definitions/com.example.ui.v1.Gadget');
    const ajv = new Ajv({ strict: false, logger: false });
    const validate = ajv.compile(after);
    expect(
      validate({
        apiVersion: 'ui.example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'g' },
        spec: { size: 3 },
      }),
    ).toBe(true);
    expect(
      validate({
        apiVersion: 'ui.example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'g' },
        spec: { size: 'big' },
      }),
    ).toBe(false);
    expect(validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } })).toBe(
      true,
    );
    expect(validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } })).toBe(
      false,
    );
    expect(validate({ apiVersion: 'example.org/v9', kind: 'Unknown', anything: true })).toBe(true);
  }, 30_000);
});

describe('server-side apply through KubeApi', () => {
  it('creates, then configures, then leaves unchanged a Deployment, as field manager kubedesk', async () => {
    const apply = (text: string, dryRun = false) =>
      applyDocuments(api, resolver, parseManifests(text), { namespace: NS, dryRun });

    const dry = await apply(DEPLOYMENT('1'), true);
    expect(dry.map((r) => [r.outcome, r.error?.message])).toEqual([['created', undefined]]);
    await expect(api.get(deployments, 'web', { namespace: NS })).rejects.toMatchObject({ code: 404 });

    expect((await apply(DEPLOYMENT('1')))[0]).toMatchObject({
      outcome: 'created',
      namespace: NS,
      resourceName: 'deployment.apps/web',
    });
    expect((await apply(DEPLOYMENT('3'), true))[0]?.outcome).toBe('configured');
    expect((await apply(DEPLOYMENT('3')))[0]?.outcome).toBe('configured');
    expect((await apply(DEPLOYMENT('3')))[0]?.outcome).toBe('unchanged');

    const live = await api.get(deployments, 'web', { namespace: NS });
    expect((live as KubeObject & { spec: { replicas: number } }).spec.replicas).toBe(3);
    const managed = (live.metadata as { managedFields?: { manager: string; operation: string }[] })
      .managedFields;
    expect(managed?.some((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply')).toBe(true);
  });

  it('maps dry-run errors to the right lines of the right document', async () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: fine
data:
  a: b
---
${DEPLOYMENT('-1').replace('name: web', 'name: broken')}`;
    const documents = parseManifests(text);
    const results = await applyDocuments(api, resolver, documents, { namespace: NS, dryRun: true });
    expect(results[0]).toMatchObject({ outcome: 'created' });
    const failed = results[1]!;
    expect(failed.error?.code).toBe(422);
    const problem = failed.problems.find((p) => p.field === 'spec.replicas');
    expect(problem, JSON.stringify(failed.problems)).toBeDefined();
    const { range } = fieldRange(documents[1]!.doc, text, problem!.field!);
    expect(range.startLineNumber).toBe(13);
    expect(text.split('\n')[12]).toBe('  replicas: -1');
  });

  it("puts strict validation's unknown fields on their lines", async () => {
    const text = DEPLOYMENT('1').replace('image: nginx', 'image: nginx\n          imagePolicy: Always');
    const documents = parseManifests(text);
    const [result] = await applyDocuments(api, resolver, documents, { namespace: NS, dryRun: true });
    const problem = result!.problems.find((p) => p.field?.endsWith('imagePolicy'));
    expect(problem, JSON.stringify(result!.problems)).toBeDefined();
    expect(fieldRange(documents[0]!.doc, text, problem!.field!).range.startLineNumber).toBe(18);
  });

  it('reports a conflict with its fields and managers, and force takes them over', async () => {
    await api.patch(
      deployments,
      'web',
      { spec: { replicas: 5 } },
      { type: 'merge', namespace: NS, fieldManager: 'kubectl-edit' },
    );
    const documents = parseManifests(DEPLOYMENT('2'));
    const [conflict] = await applyDocuments(api, resolver, documents, { namespace: NS });
    expect(conflict?.error?.code).toBe(409);
    expect(conflict?.conflicts).toEqual([
      { field: '.spec.replicas', manager: expect.stringContaining('kubectl-edit') },
    ]);
    const [forced] = await applyDocuments(api, resolver, documents, { namespace: NS, force: true });
    expect(forced?.outcome).toBe('configured');
  });

  it('says which kind the cluster does not serve, on the apiVersion line', async () => {
    const [result] = await applyDocuments(
      api,
      resolver,
      parseManifests(DEPLOYMENT('1').replace('apps/v1', 'extensions/v1beta1')),
      { namespace: NS, dryRun: true },
    );
    expect(result?.error?.message).toBe('no matches for kind "Deployment" in version "extensions/v1beta1"');
    expect(result?.problems[0]?.field).toBe('apiVersion');
  });

  it('every template is accepted by the server', async () => {
    const text = TEMPLATES.map((t) => t.render(NS)).join('---\n');
    const results = await applyDocuments(api, resolver, parseManifests(text), {
      namespace: NS,
      dryRun: true,
    });
    expect(results.map((r) => [r.description, r.error?.message])).toEqual(
      TEMPLATES.map((t) => [expect.stringContaining(t.kind), undefined]),
    );
  });
});
