import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let api: ApiClient;
beforeAll(async () => {
  cluster = await startTestCluster();
  api = new ApiClient(cluster.url, cluster.token, cluster.caCert);
});
afterAll(async () => cluster?.destroy());

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  cronSpec: { type: 'string' },
                  image: { type: 'string' },
                  replicas: { type: 'integer', minimum: 1 },
                },
                required: ['cronSpec'],
              },
              status: { type: 'object', properties: { active: { type: 'integer' } } },
            },
          },
        },
      },
    ],
  },
};
const crontabs = '/apis/stable.example.com/v1/namespaces/default/crontabs';
const crontab = (
  name: string,
  spec: Record<string, unknown> = { cronSpec: '* * * * */5', image: 'cron' },
) => ({
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name },
  spec,
});

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (accept(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

describe('CustomResourceDefinitions', () => {
  it('serves a new resource in discovery once the CRD is established', async () => {
    expect((await api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    const established = await until(
      async () =>
        (await api.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com'))
          .body,
      (c) =>
        c.status?.conditions?.some(
          (x: { type: string; status: string }) => x.type === 'Established' && x.status === 'True',
        ),
    );
    expect(established.status.acceptedNames.kind).toBe('CronTab');
    expect(established.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    const resources = (await api.get('/apis/stable.example.com/v1')).body.resources;
    expect(resources).toContainEqual(
      expect.objectContaining({ name: 'crontabs', kind: 'CronTab', shortNames: ['ct'] }),
    );
    expect(resources).toContainEqual(expect.objectContaining({ name: 'crontabs/status' }));
  });

  it('stores, lists and watches custom objects, with a status subresource', async () => {
    expect((await api.post(crontabs, crontab('one'))).status).toBe(201);
    const list = (await api.get(crontabs)).body;
    expect(list.kind).toBe('CronTabList');
    expect(list.items).toHaveLength(1);
    const status = await api.patch(
      `${crontabs}/one/status`,
      { status: { active: 2 } },
      'application/merge-patch+json',
    );
    expect(status.body.status.active).toBe(2);
    expect(status.body.metadata.generation).toBe(1);
  });

  it('validates custom objects against the schema with Kubernetes messages', async () => {
    const missing = await api.post(crontabs, crontab('bad', { image: 'x' }));
    expect(missing.status).toBe(422);
    expect(missing.body.message).toBe(
      'CronTab.stable.example.com "bad" is invalid: spec.cronSpec: Required value',
    );
    const wrongType = await api.post(crontabs, crontab('bad', { cronSpec: 'x', replicas: 'three' }));
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.details.causes[0]).toMatchObject({
      reason: 'FieldValueTypeInvalid',
      field: 'spec.replicas',
    });
    const tooFew = await api.post(crontabs, crontab('bad', { cronSpec: 'x', replicas: 0 }));
    expect(tooFew.body.details.causes[0].message).toContain('should be greater than or equal to 1');
  });

  it('prunes unknown fields, warning about them, or refuses them when validation is strict', async () => {
    const warned = await api.post(crontabs, crontab('pruned', { cronSpec: 'x', colour: 'blue' }));
    expect(warned.status).toBe(201);
    expect(warned.body.spec).toEqual({ cronSpec: 'x' });
    expect(String(warned.headers.warning)).toContain('unknown field \\"spec.colour\\"');
    const strict = await api.post(
      `${crontabs}?fieldValidation=Strict`,
      crontab('strict', { cronSpec: 'x', colour: 'blue' }),
    );
    expect(strict.status).toBe(400);
    expect(strict.body.message).toContain('strict decoding error: unknown field "spec.colour"');
  });

  it('refuses a CRD whose schema is not structural', async () => {
    const bad = structuredClone(crd);
    bad.metadata.name = 'widgets.stable.example.com';
    bad.spec.names = { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: [] };
    (bad.spec.versions[0]!.schema.openAPIV3Schema.properties.spec as { type?: string }).type = undefined;
    const res = await api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', bad);
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(
      'spec.validation.openAPIV3Schema.properties[spec].type: Required value',
    );
  });

  it('takes the resource and its objects away when the CRD is deleted', async () => {
    await api.delete('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com');
    await until(
      async () =>
        (await api.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com'))
          .status,
      (s) => s === 404,
    );
    expect((await api.get(crontabs)).status).toBe(404);
    const { count } = await cluster.store.range('/registry/stable.example.com/crontabs/', {
      end: '/registry/stable.example.com/crontabs0',
      countOnly: true,
    });
    expect(count).toBe(0);
  });
});
