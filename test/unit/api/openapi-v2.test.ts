import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../../../embedded-cluster/api/builtin-resources.js';
import { crdDefinitions, crdResourceTypes } from '../../../embedded-cluster/api/openapi/crd-schemas.js';
import { buildOpenApiV2, OpenApiV2Cache } from '../../../embedded-cluster/api/openapi/openapi-v2.js';
import { definitionsV132 } from '../../../embedded-cluster/api/openapi/v1.32-additions.js';
import { cronTabCrd } from './openapi-fixtures.js';

type Op = Record<string, unknown> & { parameters: { name: string; in: string }[]; consumes: string[] };

describe('/openapi/v2', () => {
  const defs = definitionsV132();
  const doc = buildOpenApiV2(BUILTIN_RESOURCES, defs);
  const op = (path: string, method: string) => doc.paths[path]?.[method] as Op | undefined;

  it('is a v1.32 Kubernetes swagger document with bearer-token security', () => {
    expect(doc.swagger).toBe('2.0');
    expect(doc.info).toEqual({ title: 'Kubernetes', version: 'v1.32.0' });
    expect(doc.securityDefinitions.BearerToken).toMatchObject({
      type: 'apiKey',
      name: 'authorization',
      in: 'header',
    });
    expect(doc.security).toEqual([{ BearerToken: [] }]);
  });

  it('documents every served resource: definition, list, item and watch paths', () => {
    for (const r of BUILTIN_RESOURCES) {
      expect(doc.definitions[r.definition], r.definition).toBeDefined();
      const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
      const collection = r.namespaced
        ? `${base}/namespaces/{namespace}/${r.resource}`
        : `${base}/${r.resource}`;
      if (r.verbs.includes('create')) expect(op(collection, 'post'), collection).toBeDefined();
      if (r.verbs.includes('list')) {
        expect(doc.definitions[`${r.definition}List`], `${r.definition}List`).toBeDefined();
        expect(op(collection, 'get')?.['x-kubernetes-action']).toBe('list');
      }
      if (r.verbs.includes('get')) {
        expect(op(`${collection}/{name}`, 'get')?.['x-kubernetes-group-version-kind']).toEqual({
          group: r.group,
          version: r.version,
          kind: r.kind,
        });
      }
      if (r.verbs.includes('watch')) {
        const watch = r.namespaced
          ? `${base}/watch/namespaces/{namespace}/${r.resource}`
          : `${base}/watch/${r.resource}`;
        expect(op(watch, 'get')?.['x-kubernetes-action']).toBe('watchlist');
        expect(op(`${watch}/{name}`, 'get')?.['x-kubernetes-action']).toBe('watch');
      }
    }
  });

  it('gives write operations dryRun, fieldManager and fieldValidation, and patch the four patch types', () => {
    const patch = op('/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'patch');
    expect(patch?.['x-kubernetes-action']).toBe('patch');
    expect(patch?.consumes).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    expect(patch?.parameters.map((p) => p.name)).toEqual([
      'body',
      'dryRun',
      'fieldManager',
      'fieldValidation',
      'force',
    ]);
    const create = op('/api/v1/namespaces/{namespace}/pods', 'post');
    expect(create?.parameters.map((p) => p.name)).toEqual([
      'body',
      'dryRun',
      'fieldManager',
      'fieldValidation',
    ]);
    expect(op('/api/v1/namespaces/{namespace}/pods', 'delete')?.['x-kubernetes-action']).toBe(
      'deletecollection',
    );
    expect(op('/api/v1/pods', 'get')?.operationId).toBe('listCoreV1PodForAllNamespaces');
  });

  it('documents status and scale subresources', () => {
    expect(op('/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status', 'put')?.operationId).toBe(
      'replaceAppsV1NamespacedDeploymentStatus',
    );
    const scale = op('/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}/scale', 'get');
    expect(scale?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    expect(doc.definitions['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
  });

  it('has no dangling $ref', () => {
    const json = JSON.stringify(doc);
    const missing = [...json.matchAll(/"#\/definitions\/([^"]+)"/g)]
      .map((m) => m[1] as string)
      .filter((n) => !defs[n]);
    expect(missing).toEqual([]);
  });

  it('serves from a cache that changes only with the resource list', () => {
    const cache = new OpenApiV2Cache();
    const first = cache.get(BUILTIN_RESOURCES, defs);
    expect(cache.get([...BUILTIN_RESOURCES], defs)).toBe(first);
    expect(first.etag).toBe(`"${first.hash}"`);
    expect(first.hash).toMatch(/^[0-9A-F]{128}$/);
    const crd = cronTabCrd();
    const withCrd = cache.get([...BUILTIN_RESOURCES, ...crdResourceTypes(crd)], {
      ...defs,
      ...crdDefinitions(crd),
    });
    expect(withCrd.hash).not.toBe(first.hash);
    const crdPatch = (JSON.parse(withCrd.body.toString()) as typeof doc).paths[
      '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'
    ]?.patch as Op;
    expect(crdPatch.consumes).not.toContain('application/strategic-merge-patch+json');
  });
});
