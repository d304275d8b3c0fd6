import { describe, expect, it } from 'vitest';
import {
  applyDefaults,
  crdSchemaPath,
  pruneObject,
  structuralErrors,
  validateObject,
  type JSONSchemaProps,
} from '../../../embedded-cluster/api/crd-schema/index.js';
import type { FieldCause } from '../../../embedded-cluster/api/errors.js';

const CRON = '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$';

/** The CronTab of the Kubernetes CRD walkthrough, grown to exercise every rule. */
const cronTab: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: {
        cronSpec: { type: 'string', pattern: CRON },
        image: { type: 'string', minLength: 1, maxLength: 64 },
        replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        concurrencyPolicy: { type: 'string', enum: ['Allow', 'Forbid', 'Replace'], default: 'Allow' },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
        weight: { type: 'number', multipleOf: 0.5 },
        batch: { type: 'integer', multipleOf: 2 },
        count32: { type: 'integer', format: 'int32' },
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        startAt: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        uid: { type: 'string', format: 'uuid' },
        payload: { type: 'string', format: 'byte' },
        code: { type: 'string', allOf: [{ minLength: 2 }, { maxLength: 3 }] },
        user: { type: 'string', not: { enum: ['root'] } },
        trigger: {
          type: 'object',
          properties: { cron: { type: 'string' }, at: { type: 'string' } },
          oneOf: [{ required: ['cron'] }, { required: ['at'] }],
        },
        labels: { type: 'object', maxProperties: 2, additionalProperties: { type: 'string', maxLength: 8 } },
        selector: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } },
        tags: { type: 'array', maxItems: 3, items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        ports: {
          type: 'array',
          minItems: 1,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string' },
              port: { type: 'integer', default: 80 },
              protocol: { type: 'string', default: 'TCP' },
            },
          },
        },
        endpoints: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['host', 'protocol'],
          items: {
            type: 'object',
            required: ['host', 'protocol'],
            properties: { host: { type: 'string' }, protocol: { type: 'string' } },
          },
        },
        schedule: {
          type: 'object',
          properties: {
            timezone: { type: 'string', default: 'UTC' },
            note: { type: 'string', nullable: true },
          },
        },
        env: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: { value: { type: 'string' }, secret: { type: 'boolean', default: false } },
          },
        },
        extra: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
};

const validSpec = { cronSpec: '*/5 * * * *', image: 'my-awesome-cron-image' };

function cr(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'stable.example.com/v1',
    kind: 'CronTab',
    metadata: { name: 'my-new-cron-object' },
    spec: { ...validSpec, ...spec },
  };
}

/** `field: message`, as the 422's message lists each cause. */
function lines(causes: FieldCause[]): string[] {
  return causes.map((c) => `${c.field}: ${c.message}`);
}

function check(spec: Record<string, unknown>): string[] {
  return lines(validateObject(cr(spec), cronTab));
}

describe('validateObject', () => {
  it('accepts a valid CronTab', () => {
    expect(
      check({
        replicas: 3,
        port: 'http',
        startAt: '2024-05-01T10:00:00Z',
        day: '2024-02-29',
        uid: '123e4567-e89b-12d3-a456-426614174000',
        payload: 'aGVsbG8=',
        tags: ['a', 'b'],
        ports: [{ name: 'http', port: 80 }, { name: 'https' }],
        schedule: { note: null },
      }),
    ).toEqual([]);
  });

  it('reports a type mismatch with the type it got', () => {
    const causes = validateObject(cr({ replicas: 'three' }), cronTab);
    expect(causes).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.replicas',
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      },
    ]);
  });

  it('reports a missing required field', () => {
    const body = cr({});
    delete (body.spec as Record<string, unknown>).cronSpec;
    expect(validateObject(body, cronTab)).toEqual([
      { reason: 'FieldValueRequired', field: 'spec.cronSpec', message: 'Required value' },
    ]);
  });

  it('reports a required field of the root', () => {
    expect(lines(validateObject({ kind: 'CronTab' }, { ...cronTab, required: ['spec'] }))).toEqual([
      'spec: Required value',
    ]);
  });

  it('reports an enum value with the supported values', () => {
    const [cause] = validateObject(cr({ concurrencyPolicy: 'Sometimes' }), cronTab);
    expect(cause).toEqual({
      reason: 'FieldValueNotSupported',
      field: 'spec.concurrencyPolicy',
      message: 'Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    });
  });

  it('prints non-string enum values as JSON', () => {
    const schema: JSONSchemaProps = { type: 'object', properties: { n: { type: 'integer', enum: [1, 2] } } };
    expect(lines(validateObject({ n: 3 }, schema))).toEqual([
      'n: Unsupported value: 3: supported values: "1", "2"',
    ]);
  });

  it('checks minimum and maximum', () => {
    expect(check({ replicas: 0 })).toEqual([
      'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
    ]);
    expect(check({ replicas: 11 })).toEqual([
      'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
    ]);
  });

  it('checks exclusive bounds, on integers and floats', () => {
    expect(check({ ratio: 0 })).toEqual([
      'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0',
    ]);
    expect(check({ ratio: 1.5 })).toEqual([
      'spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1',
    ]);
    expect(check({ ratio: 0.5 })).toEqual([]);
  });

  it('compares integers against the bound truncated to an integer, as Go does', () => {
    const schema: JSONSchemaProps = { type: 'object', properties: { n: { type: 'integer', maximum: 2.5 } } };
    expect(lines(validateObject({ n: 3 }, schema))).toEqual([
      'n: Invalid value: 3: n in body should be less than or equal to 2',
    ]);
  });

  it('checks multipleOf', () => {
    expect(check({ weight: 0.3 })).toEqual([
      'spec.weight: Invalid value: 0.3: spec.weight in body should be a multiple of 0.5',
    ]);
    expect(check({ batch: 3 })).toEqual([
      'spec.batch: Invalid value: 3: spec.batch in body should be a multiple of 2',
    ]);
    expect(check({ weight: 1.5, batch: 4 })).toEqual([]);
  });

  it('checks minLength and maxLength (in characters, reported in bytes)', () => {
    expect(check({ image: '' })).toEqual([
      'spec.image: Invalid value: "": spec.image in body should be at least 1 chars long',
    ]);
    const [long] = validateObject(cr({ image: 'x'.repeat(65) }), cronTab);
    expect(long).toEqual({
      reason: 'FieldValueTooLong',
      field: 'spec.image',
      message: 'Too long: may not be more than 64 bytes',
    });
    expect(check({ image: 'é'.repeat(64) })).toEqual([]);
  });

  it('checks a pattern and quotes it as written', () => {
    expect(check({ cronSpec: 'every minute' })).toEqual([
      `spec.cronSpec: Invalid value: "every minute": spec.cronSpec in body should match '${CRON}'`,
    ]);
  });

  it('checks minItems and maxItems', () => {
    expect(check({ ports: [] })).toEqual([
      'spec.ports: Invalid value: 0: spec.ports in body should have at least 1 items',
    ]);
    const [tooMany] = validateObject(cr({ tags: ['a', 'b', 'c', 'd'] }), cronTab);
    expect(tooMany).toEqual({
      reason: 'FieldValueTooMany',
      field: 'spec.tags',
      message: 'Too many: 4: must have at most 3 items',
    });
  });

  it('checks uniqueItems', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { u: { type: 'array', uniqueItems: true, items: { type: 'object' } } },
    };
    expect(lines(validateObject({ u: [{ a: 1 }, { a: 1 }] }, schema))).toEqual([
      'u: Invalid value: "": u in body shouldn\'t contain duplicates',
    ]);
  });

  it('checks minProperties and maxProperties', () => {
    expect(check({ selector: {} })).toEqual([
      'spec.selector: Invalid value: 0: spec.selector in body should have at least 1 properties',
    ]);
    expect(check({ labels: { a: '1', b: '2', c: '3' } })).toEqual([
      'spec.labels: Too many: 3: must have at most 2 items',
    ]);
  });

  it('validates map values by additionalProperties, named with dots', () => {
    expect(check({ labels: { team: 'platform-infra' } })).toEqual([
      'spec.labels.team: Too long: may not be more than 8 bytes',
    ]);
  });

  it('checks the formats Kubernetes supports', () => {
    expect(check({ startAt: 'yesterday' })).toEqual([
      'spec.startAt: Invalid value: "yesterday": spec.startAt in body must be of type date-time: "yesterday"',
    ]);
    expect(check({ day: '2023-02-29' })).toEqual([
      'spec.day: Invalid value: "2023-02-29": spec.day in body must be of type date: "2023-02-29"',
    ]);
    expect(check({ uid: 'nope' })).toEqual([
      'spec.uid: Invalid value: "nope": spec.uid in body must be of type uuid: "nope"',
    ]);
    expect(check({ payload: 'not base64!' })).toEqual([
      'spec.payload: Invalid value: "not base64!": spec.payload in body must be of type byte: "not base64!"',
    ]);
    expect(check({ startAt: '2024-05-01t10:00:00.123+02:00' })).toEqual([]);
  });

  it('names the format, and the Go type it got, for a non-string in a formatted field', () => {
    expect(check({ startAt: 5 })).toEqual([
      'spec.startAt: Invalid value: "int64": spec.startAt in body must be of type date-time: "int64"',
    ]);
  });

  it('does not range-check int32/int64: Kubernetes strips those formats', () => {
    expect(check({ count32: 3_000_000_000 })).toEqual([]);
  });

  it('rejects null where the schema is not nullable, in fields and array items', () => {
    expect(check({ image: null })).toEqual([
      'spec.image: Invalid value: "null": spec.image in body must be of type string: "null"',
    ]);
    expect(check({ tags: [null] })).toEqual([
      'spec.tags[0]: Invalid value: "null": spec.tags[0] in body must be of type string: "null"',
    ]);
    expect(check({ schedule: { note: null } })).toEqual([]);
  });

  it('accepts an integer or a string for x-kubernetes-int-or-string, and says so otherwise', () => {
    expect(check({ port: 8080 })).toEqual([]);
    expect(check({ port: 'http' })).toEqual([]);
    expect(validateObject(cr({ port: true }), cronTab)).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.port',
        message: 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
      },
      {
        reason: 'FieldValueInvalid',
        field: '<nil>',
        message: 'Invalid value: "": "spec.port" must validate at least one schema (anyOf)',
      },
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.port',
        message: 'Invalid value: "boolean": spec.port in body must be of type integer: "boolean"',
      },
    ]);
  });

  it('checks allOf, with each failing schema and the summary at <nil>', () => {
    expect(check({ code: 'a' })).toEqual([
      'spec.code: Invalid value: "a": spec.code in body should be at least 2 chars long',
      '<nil>: Invalid value: "": "spec.code" must validate all the schemas (allOf)',
    ]);
  });

  it('checks oneOf: none valid (with the best failure) or several', () => {
    expect(check({ trigger: {} })).toEqual([
      '<nil>: Invalid value: "": "spec.trigger" must validate one and only one schema (oneOf). Found none valid',
      'spec.trigger.cron: Required value',
    ]);
    expect(check({ trigger: { cron: '@daily', at: '10:00' } })).toEqual([
      '<nil>: Invalid value: "": "spec.trigger" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    ]);
    expect(check({ trigger: { at: '10:00' } })).toEqual([]);
  });

  it('checks not', () => {
    expect(check({ user: 'root' })).toEqual([
      '<nil>: Invalid value: "": "spec.user" must not validate the schema (not)',
    ]);
    expect(check({ user: 'alice' })).toEqual([]);
  });

  it('reports duplicates in a list-type set at their second appearance', () => {
    expect(validateObject(cr({ tags: ['a', 'b', 'a'] }), cronTab)).toEqual([
      { reason: 'FieldValueDuplicate', field: 'spec.tags[2]', message: 'Duplicate value: "a"' },
    ]);
  });

  it('reports duplicate keys in a list-type map', () => {
    expect(
      check({
        ports: [
          { name: 'http', port: 80 },
          { name: 'http', port: 8080 },
        ],
      }),
    ).toEqual(['spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}']);
    expect(
      check({
        endpoints: [
          { host: 'a', protocol: 'TCP' },
          { host: 'a', protocol: 'UDP' },
          { host: 'a', protocol: 'UDP' },
        ],
      }),
    ).toEqual(['spec.endpoints[2]: Duplicate value: map[string]interface {}{"host":"a", "protocol":"UDP"}']);
  });

  it('requires apiVersion and kind in an embedded resource', () => {
    expect(check({ template: { spec: {} } })).toEqual([
      'spec.template.apiVersion: Required value: must not be empty',
      'spec.template.kind: Required value: must not be empty',
    ]);
    expect(check({ template: { apiVersion: 'v1', kind: 'Pod', spec: { anything: true } } })).toEqual([]);
  });

  it('reports the problems of nested objects and arrays with their paths', () => {
    expect(check({ ports: [{ name: 'http', port: 'eighty' }], env: { A: { secret: 'yes' } } })).toEqual([
      'spec.ports[0].port: Invalid value: "string": spec.ports[0].port in body must be of type integer: "string"',
      'spec.env.A.secret: Invalid value: "string": spec.env.A.secret in body must be of type boolean: "string"',
    ]);
  });
});

describe('pruneObject', () => {
  const body = {
    apiVersion: 'stable.example.com/v1',
    kind: 'CronTab',
    metadata: { name: 'x', somethingElse: 1 },
    spec: {
      cronSpec: '* * * * *',
      foo: 1,
      ports: [{ name: 'http', bar: true }],
      env: { A: { value: 'x', junk: 1 } },
      extra: { anything: { deep: 1 }, known: { a: 'x', b: 2 } },
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } },
    },
    status: { phase: 'Ok', junk: 2 },
    topLevel: true,
  };

  it('drops unknown fields and names them as fieldValidation does, without touching the input', () => {
    const before = JSON.stringify(body);
    const { object, pruned } = pruneObject(body, cronTab);
    expect(pruned).toEqual([
      'spec.env.A.junk',
      'spec.extra.known.b',
      'spec.foo',
      'spec.ports[0].bar',
      'status.junk',
      'topLevel',
    ]);
    expect(object).toEqual({
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'x', somethingElse: 1 },
      spec: {
        cronSpec: '* * * * *',
        ports: [{ name: 'http' }],
        env: { A: { value: 'x' } },
        extra: { anything: { deep: 1 }, known: { a: 'x' } },
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } },
      },
      status: { phase: 'Ok' },
    });
    expect(JSON.stringify(body)).toBe(before);
  });

  it('keeps apiVersion, kind and metadata of the root even when the schema omits them', () => {
    const { object, pruned } = pruneObject(
      { apiVersion: 'a/v1', kind: 'K', metadata: { name: 'n' }, x: 1 },
      { type: 'object' },
    );
    expect(object).toEqual({ apiVersion: 'a/v1', kind: 'K', metadata: { name: 'n' } });
    expect(pruned).toEqual(['x']);
  });

  it('prunes inside an embedded resource but keeps its type and object meta', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            child: {
              type: 'object',
              'x-kubernetes-embedded-resource': true,
              properties: { data: { type: 'object', additionalProperties: { type: 'string' } } },
            },
          },
        },
      },
    };
    const child = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { a: 'b' },
      immutable: true,
    };
    const { object, pruned } = pruneObject({ spec: { child } }, schema);
    expect(object).toEqual({
      spec: { child: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } } },
    });
    expect(pruned).toEqual(['spec.child.immutable']);
  });
});

describe('applyDefaults', () => {
  it('defaults properties whose parent exists, not the others', () => {
    const out = applyDefaults(cr({}), cronTab) as { spec: Record<string, unknown> };
    expect(out.spec.replicas).toBe(1);
    expect(out.spec.concurrencyPolicy).toBe('Allow');
    expect(out.spec).not.toHaveProperty('schedule');
    expect(
      (applyDefaults(cr({ schedule: {} }), cronTab) as { spec: { schedule: unknown } }).spec.schedule,
    ).toEqual({
      timezone: 'UTC',
    });
  });

  it('defaults inside array items and map values', () => {
    const out = applyDefaults(cr({ ports: [{ name: 'http' }], env: { A: { value: 'x' } } }), cronTab) as {
      spec: Record<string, unknown>;
    };
    expect(out.spec.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }]);
    expect(out.spec.env).toEqual({ A: { value: 'x', secret: false } });
  });

  it('replaces a non-nullable null by its default, drops one without default, keeps a nullable one', () => {
    const out = applyDefaults(cr({ replicas: null, image: null, schedule: { note: null } }), cronTab) as {
      spec: Record<string, unknown>;
    };
    expect(out.spec.replicas).toBe(1);
    expect(out.spec).not.toHaveProperty('image');
    expect(out.spec.schedule).toEqual({ timezone: 'UTC', note: null });
  });

  it('defaults array items that are null from the items default', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { list: { type: 'array', items: { type: 'string', default: 'x' } } },
    };
    expect(applyDefaults({ list: [null, 'a'] }, schema)).toEqual({ list: ['x', 'a'] });
  });

  it('goes on defaulting inside a defaulted value, and leaves the input alone', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          default: {},
          properties: { size: { type: 'integer', default: 3 }, mode: { type: 'string' } },
        },
      },
    };
    const input = { kind: 'Thing' };
    expect(applyDefaults(input, schema)).toEqual({ kind: 'Thing', spec: { size: 3 } });
    expect(input).toEqual({ kind: 'Thing' });
  });
});

describe('structuralErrors', () => {
  const P = 'spec.versions[0].schema.openAPIV3Schema';

  function errs(schema: JSONSchemaProps): string[] {
    return lines(structuralErrors(schema));
  }

  it('accepts the CronTab schema', () => {
    expect(errs(cronTab)).toEqual([]);
  });

  it('requires a type on specified fields, items and the root', () => {
    expect(
      errs({
        properties: {
          spec: { properties: { a: { type: 'string' } } },
          list: { type: 'array', items: { description: 'no type' } },
          slice: { type: 'array' },
          any: { 'x-kubernetes-preserve-unknown-fields': true },
          port: { 'x-kubernetes-int-or-string': true },
        },
      }),
    ).toEqual([
      `${P}.properties[list].items.type: Required value: must not be empty for specified array items`,
      `${P}.properties[slice].items: Required value: must be specified`,
      `${P}.properties[spec].type: Required value: must not be empty for specified object fields`,
      `${P}.type: Required value: must not be empty at the root`,
    ]);
  });

  it('forbids additionalProperties at the root, and with properties', () => {
    expect(errs({ type: 'object', additionalProperties: { type: 'string' } })).toEqual([
      `${P}.additionalProperties: Forbidden: must not be used at the root`,
    ]);
    expect(
      errs({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { a: { type: 'string' } },
            additionalProperties: { type: 'string' },
          },
        },
      }),
    ).toEqual([
      `${P}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
  });

  it('lets the root metadata restrict only name and generateName', () => {
    expect(
      errs({
        type: 'object',
        properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10 } } } },
      }),
    ).toEqual([]);
    expect(
      errs({
        type: 'object',
        properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } },
      }),
    ).toEqual([
      `${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    ]);
    expect(errs({ type: 'object', properties: { metadata: { type: 'object', default: {} } } })).toEqual([
      `${P}.properties[metadata].default: Forbidden: must not be set in top-level metadata`,
    ]);
  });

  it('checks the root type and the type of kind and apiVersion', () => {
    expect(errs({ type: 'string' })).toEqual([
      `${P}.type: Invalid value: "string": must be object at the root`,
    ]);
    expect(errs({ type: 'object', properties: { kind: { type: 'integer' } } })).toEqual([
      `${P}.properties[kind].type: Invalid value: "integer": must be string`,
    ]);
    expect(errs({ type: 'object', nullable: true })).toEqual([
      `${P}.nullable: Forbidden: nullable cannot be true at the root`,
    ]);
  });

  it('keeps types and metadata out of the logic junctors, and fields they name inside the schema', () => {
    expect(
      errs({
        type: 'object',
        properties: { a: { type: 'string', anyOf: [{ type: 'string' }, { maxLength: 3 }] } },
      }),
    ).toEqual([`${P}.properties[a].anyOf[0].type: Forbidden: must be empty to be structural`]);
    expect(
      errs({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ properties: { b: {} } }] }),
    ).toEqual([`${P}.properties[b]: Required value: because it is defined in ${P}.anyOf[0].properties[b]`]);
    expect(
      errs({ type: 'object', properties: { a: { type: 'string' } }, not: { properties: { metadata: {} } } }),
    ).toEqual([
      `${P}.not.properties[metadata]: Forbidden: must not be specified in a nested context`,
      `${P}.properties[metadata]: Required value: because it is defined in ${P}.not.properties[metadata]`,
    ]);
  });

  it('checks embedded resources', () => {
    expect(
      errs({ type: 'object', properties: { t: { type: 'object', 'x-kubernetes-embedded-resource': true } } }),
    ).toEqual([
      `${P}.properties[t].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
    ]);
    expect(
      errs({
        type: 'object',
        properties: {
          t: { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        },
      }),
    ).toEqual([
      `${P}.properties[t].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
    ]);
  });

  it('reports defaults that do not validate, with the validator messages under .default', () => {
    const schema = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec } });
    expect(
      errs(schema({ type: 'object', properties: { replicas: { type: 'integer', default: 'one' } } })),
    ).toEqual([
      `${P}.properties[spec].properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string"`,
    ]);
    expect(
      errs(
        schema({
          type: 'object',
          properties: { policy: { type: 'string', enum: ['Allow', 'Forbid'], default: 'Never' } },
        }),
      ),
    ).toEqual([
      `${P}.properties[spec].properties[policy].default: Unsupported value: "Never": supported values: "Allow", "Forbid"`,
    ]);
    expect(
      errs(
        schema({ type: 'object', default: { replicas: 'x' }, properties: { replicas: { type: 'integer' } } }),
      ),
    ).toEqual([
      `${P}.properties[spec].default.replicas: Invalid value: "string": replicas in body must be of type integer: "string"`,
    ]);
    expect(
      errs(schema({ type: 'object', default: { foo: 1 }, properties: { replicas: { type: 'integer' } } })),
    ).toEqual([
      `${P}.properties[spec].default: Invalid value: map[string]interface {}{"foo":1}: must not have unknown fields`,
    ]);
  });

  it('checks the keywords and extensions CRDs restrict', () => {
    expect(
      errs({
        type: 'object',
        properties: {
          when: { type: 'date' },
          tags: { type: 'array', uniqueItems: true, items: { type: 'string' } },
          ports: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } },
          keep: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false },
        },
      }),
    ).toEqual([
      `${P}.properties[when].type: Unsupported value: "date": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      `${P}.properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
      `${P}.properties[ports].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${P}.properties[keep].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
    ]);
  });

  it('reports under the path it is given', () => {
    expect(lines(structuralErrors({ type: 'string' }, 'spec.validation.openAPIV3Schema'))).toEqual([
      'spec.validation.openAPIV3Schema.type: Invalid value: "string": must be object at the root',
    ]);
  });
});

describe('crdSchemaPath', () => {
  it('is spec.validation when all versions share a schema, else the version', () => {
    const a = { schema: { openAPIV3Schema: { type: 'object' } } };
    const b = { schema: { openAPIV3Schema: { type: 'object', properties: {} } } };
    expect(crdSchemaPath([a], 0)).toBe('spec.validation.openAPIV3Schema');
    expect(crdSchemaPath([a, structuredClone(a)], 1)).toBe('spec.validation.openAPIV3Schema');
    expect(crdSchemaPath([a, b], 1)).toBe('spec.versions[1].schema.openAPIV3Schema');
  });
});
