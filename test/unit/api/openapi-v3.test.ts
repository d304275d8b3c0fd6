import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../../../embedded-cluster/api/builtin-resources.js';
import { crdDefinitions, crdResourceTypes } from '../../../embedded-cluster/api/openapi/crd-schemas.js';
import { openApiHash } from '../../../embedded-cluster/api/openapi/hash.js';
import { OpenApiV3Cache, serverRelativeURL } from '../../../embedded-cluster/api/openapi/openapi-v3.js';
import { definitionsV132 } from '../../../embedded-cluster/api/openapi/v1.32-additions.js';
import { cronTabCrd } from './openapi-fixtures.js';

interface V3Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content: Record<string, unknown> }; parameters?: { name: string }[] } & Record<
        string,
        unknown
      >
    >
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
}

describe('/openapi/v3', () => {
  const defs = definitionsV132();
  const cache = new OpenApiV3Cache();
  const snapshot = cache.get(BUILTIN_RESOURCES, defs);
  const doc = (path: string): V3Doc =>
    JSON.parse(snapshot.documents.get(path)?.body.toString() ?? 'null') as V3Doc;
  const root = JSON.parse(snapshot.root.body.toString()) as {
    paths: Record<string, { serverRelativeURL: string }>;
  };

  it('lists every served group-version, each group, api, apis and version, with the document hash', () => {
    const expected = new Set(
      BUILTIN_RESOURCES.map((r) => (r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`)),
    );
    for (const gv of expected) expect(Object.keys(root.paths)).toContain(gv);
    for (const p of ['api', 'apis', 'version', 'apis/apps', 'apis/apiextensions.k8s.io'])
      expect(root.paths).toHaveProperty([p]);
    const apps = snapshot.documents.get('apis/apps/v1');
    expect(apps?.hash).toBe(openApiHash(apps?.body ?? ''));
    expect(root.paths['apis/apps/v1']?.serverRelativeURL).toBe(
      serverRelativeURL('apis/apps/v1', apps?.hash ?? ''),
    );
    expect(apps?.etag).toBe(`"${apps?.hash}"`);
  });

  it('has no dangling $ref and no v2 refs in any document', () => {
    for (const [path, served] of snapshot.documents) {
      const text = served.body.toString();
      const parsed = JSON.parse(text) as V3Doc;
      expect(parsed.openapi, path).toBe('3.0.0');
      expect(text, path).not.toContain('#/definitions/');
      const missing = [...text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)]
        .map((m) => m[1] as string)
        .filter((n) => !parsed.components.schemas[n]);
      expect(missing, path).toEqual([]);
    }
  });

  it('limits a document to its group-version, and carries what kubectl reads', () => {
    const apps = doc('apis/apps/v1');
    expect(Object.keys(apps.paths).every((p) => p.startsWith('/apis/apps/v1/'))).toBe(true);
    expect(apps.components.schemas['io.k8s.api.batch.v1.Job']).toBeUndefined();
    const deployment = apps.components.schemas['io.k8s.api.apps.v1.Deployment'];
    expect(deployment?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    expect((deployment?.properties as Record<string, unknown>).spec).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }],
    });
    // kubectl apply: strategic merge patch is used when the PATCH operation accepts it (gvkSupportsPatchOpenAPIV3).
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch;
    expect(Object.keys(patch?.requestBody?.content ?? {})).toContain(
      'application/strategic-merge-patch+json',
    );
    // kubectl's QueryParamVerifierV3 looks for fieldValidation on the namespaces PATCH of api/v1.
    const nsPatch = doc('api/v1').paths['/api/v1/namespaces/{name}']?.patch;
    expect(nsPatch?.['x-kubernetes-group-version-kind']).toEqual({
      group: '',
      version: 'v1',
      kind: 'Namespace',
    });
    expect(nsPatch?.parameters?.map((p) => p.name)).toContain('fieldValidation');
    const containers = (
      doc('api/v1').components.schemas['io.k8s.api.core.v1.PodSpec']?.properties as Record<string, unknown>
    ).containers;
    expect(containers).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-list-type': 'map',
    });
  });

  it('keeps hashes stable across rebuilds and changes only what a CRD touches', () => {
    const again = new OpenApiV3Cache().get([...BUILTIN_RESOURCES], definitionsV132());
    expect(again.root.hash).toBe(snapshot.root.hash);
    const crd = cronTabCrd();
    const before = snapshot;
    const after = cache.get([...BUILTIN_RESOURCES, ...crdResourceTypes(crd)], {
      ...defs,
      ...crdDefinitions(crd),
    });
    expect(after.root.hash).not.toBe(before.root.hash);
    expect(after.documents.get('apis/stable.example.com/v1')).toBeDefined();
    expect(after.documents.get('apis/apps/v1')).toBe(before.documents.get('apis/apps/v1'));
    const crdDoc = JSON.parse(
      after.documents.get('apis/stable.example.com/v1')?.body.toString() ?? '',
    ) as V3Doc;
    const crdPatch =
      crdDoc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}']?.patch;
    expect(Object.keys(crdPatch?.requestBody?.content ?? {})).not.toContain(
      'application/strategic-merge-patch+json',
    );
    const removed = cache.get(BUILTIN_RESOURCES, defs);
    expect(removed.documents.has('apis/stable.example.com/v1')).toBe(false);
    expect(removed.root.hash).toBe(before.root.hash);
  });
});
