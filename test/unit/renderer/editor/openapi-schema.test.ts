import { describe, expect, it } from 'vitest';
import { combinedSchema } from '../../../../src-renderer/editor/schema/combined-schema.js';
import {
  convertSchema,
  kindSchema,
  kindsOf,
  openApiPathOf,
  type OpenApiDocument,
} from '../../../../src-renderer/editor/schema/openapi-schema.js';

/** A small document shaped as the API server publishes one (see live-cluster.test.ts for a real one). */
const DOC: OpenApiDocument = {
  components: {
    schemas: {
      'com.example.v1.Widget': {
        type: 'object',
        'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: {
            allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
          },
          spec: {
            type: 'object',
            required: ['size'],
            properties: {
              size: { type: 'integer', format: 'int32' },
              port: { 'x-kubernetes-int-or-string': true },
              target: { type: 'string', format: 'int-or-string' },
              memory: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
              note: { type: 'string', nullable: true },
              free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: {} } },
              template: {
                type: 'object',
                'x-kubernetes-embedded-resource': true,
                'x-kubernetes-preserve-unknown-fields': true,
              },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        },
      },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
        type: 'object',
        properties: {
          name: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
      'io.k8s.api.unused.v1.Other': { type: 'object', properties: { x: { type: 'string' } } },
      'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': {
        type: 'object',
        'x-kubernetes-group-version-kind': [
          { group: 'example.com', version: 'v1', kind: 'DeleteOptions' },
          { group: '', version: 'v1', kind: 'DeleteOptions' },
        ],
      },
    },
  },
};

describe('OpenAPI v3 → JSON Schema', () => {
  it('indexes kinds by x-kubernetes-group-version-kind', () => {
    const kinds = kindsOf(DOC);
    expect(kinds.get('example.com/v1/Widget')).toBe('com.example.v1.Widget');
    expect(kinds.get('v1/DeleteOptions')).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  });

  it('keeps only the definitions a kind reaches, with refs rewritten to #/definitions', () => {
    const schema = kindSchema(DOC, 'example.com/v1', 'Widget')!;
    expect(schema.root).toBe('com.example.v1.Widget');
    expect(Object.keys(schema.definitions).sort()).toEqual([
      'com.example.v1.Widget',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    ]);
    const root = schema.definitions['com.example.v1.Widget']!;
    expect(root.properties?.metadata).toEqual({
      allOf: [{ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    });
    expect(kindSchema(DOC, 'example.com/v1', 'Gadget')).toBeUndefined();
  });

  it('translates what OpenAPI says differently from JSON Schema', () => {
    const schema = kindSchema(DOC, 'example.com/v1', 'Widget')!;
    const spec = schema.definitions['com.example.v1.Widget']!.properties!.spec!;
    const p = spec.properties!;
    expect(p.size).toEqual({ type: 'integer' });
    expect(p.port).toEqual({ type: ['integer', 'string'] });
    expect(p.target).toEqual({ type: ['integer', 'string'] });
    expect(p.note).toEqual({ type: ['string', 'null'] });
    expect(schema.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual({
      type: ['string', 'number'],
    });
    // strict: unknown fields are errors, except where the schema preserves them
    expect(spec.additionalProperties).toBe(false);
    expect(spec.required).toEqual(['size']);
    expect(p.free!.additionalProperties).toBeUndefined();
    expect(p.labels!.additionalProperties).toEqual({ type: 'string' });
    expect(Object.keys(p.template!.properties!)).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it('drops extensions it does not need', () => {
    expect(
      convertSchema({
        type: 'array',
        items: { type: 'string' },
        'x-kubernetes-list-type': 'set',
        description: 'd',
      }),
    ).toEqual({ type: 'array', items: { type: 'string' }, description: 'd' });
  });

  it('names the /openapi/v3 path of a group-version', () => {
    expect(openApiPathOf('v1')).toBe('api/v1');
    expect(openApiPathOf('apps/v1')).toBe('apis/apps/v1');
    expect(openApiPathOf('networking.k8s.io/v1')).toBe('apis/networking.k8s.io/v1');
  });

  it('combines kinds into one schema chosen per document by apiVersion and kind', () => {
    const widget = kindSchema(DOC, 'example.com/v1', 'Widget')!;
    const schema = combinedSchema([{ apiVersion: 'example.com/v1', kind: 'Widget', schema: widget }], {
      apiVersions: ['v1', 'example.com/v1'],
    });
    expect(schema.allOf).toEqual([
      {
        if: {
          properties: { apiVersion: { const: 'example.com/v1' }, kind: { const: 'Widget' } },
          required: ['apiVersion', 'kind'],
        },
        then: { $ref: '#/definitions/com.example.v1.Widget' },
      },
    ]);
    expect(schema.definitions).toEqual(widget.definitions);
    expect(schema.properties?.apiVersion).toMatchObject({ examples: ['v1', 'example.com/v1'] });
  });
});
