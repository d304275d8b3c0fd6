import type { FieldProblem } from '../catalog.js';
import { forbidden, invalid, problemString, required } from '../validation/index.js';
import { compileGoRegexp } from './go-regexp.js';
import {
  additionalOf,
  childPath,
  has,
  isSchema,
  itemsOf,
  keyPath,
  propertyOf,
  type JSONSchemaProps,
} from './schema.js';

/**
 * `ValidateStructural` (apiextensions-apiserver/pkg/apiserver/schema:
 * validation.go and complete.go): the invariants that make a CRD schema
 * structural, checked when a CRD is created or updated. Every specified field
 * has a `type` (unless `x-kubernetes-int-or-string` or
 * `x-kubernetes-preserve-unknown-fields` stand in), the root is an object
 * without `additionalProperties`, `metadata` may only restrict `name` and
 * `generateName`, the logic junctors (`allOf`, `anyOf`, `oneOf`, `not`) only
 * add value validations to fields specified outside them, and embedded
 * resources are objects. Sorted by message, as Kubernetes sorts them.
 */
export function structuralProblems(schema: JSONSchemaProps, path: string): FieldProblem[] {
  const out = [...invariants(schema, 'root', path), ...completeness(schema, path)];
  return out
    .map((p) => [problemString(p), p] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, p]) => p);
}

type Level = 'root' | 'item' | 'field';

const TYPE_REQUIRED: Record<Level, string> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

/** Whether a JSONSchemaProps field carries a value (Go zero values, empty lists and `false` do not). */
function set(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

function invariants(s: JSONSchemaProps | undefined, lvl: Level, path: string): FieldProblem[] {
  if (!s) return [];
  const out: FieldProblem[] = [];
  const items = itemsOf(s);
  if (s.type === 'array' && !items) out.push(required(childPath(path, 'items'), 'must be specified'));
  out.push(...invariants(items, 'item', childPath(path, 'items')));
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    out.push(...invariants(v, 'field', keyPath(childPath(path, 'properties'), k)));
  }
  const additional = additionalOf(s);
  if (additional) {
    if (lvl === 'root')
      out.push(forbidden(childPath(path, 'additionalProperties'), 'must not be used at the root'));
    out.push(...invariants(additional.schema, 'field', childPath(path, 'additionalProperties')));
  }
  const intOrString = !!s['x-kubernetes-int-or-string'];
  const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
  const embedded = !!s['x-kubernetes-embedded-resource'];
  if (intOrString && preserve) {
    out.push(
      invalid(
        childPath(path, 'x-kubernetes-preserve-unknown-fields'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  if (intOrString && embedded) {
    out.push(
      invalid(
        childPath(path, 'x-kubernetes-embedded-resource'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  out.push(
    ...valueValidation(s, isIntOrStringAnyOf(s.anyOf), isIntOrStringAnyOf(s.allOf?.[0]?.anyOf), lvl, path),
  );

  const checkMetadata = lvl === 'root' || embedded;
  const typePath = childPath(path, 'type');
  if (embedded && s.type !== 'object') {
    const why = 'must be object if x-kubernetes-embedded-resource is true';
    out.push(s.type ? invalid(typePath, s.type, why) : required(typePath, why));
  } else if (!s.type && !intOrString && !preserve) {
    out.push(required(typePath, TYPE_REQUIRED[lvl]));
  }
  if (embedded && additional) {
    out.push(
      forbidden(
        childPath(path, 'additionalProperties'),
        'must not be used if x-kubernetes-embedded-resource is set',
      ),
    );
  }
  if (lvl === 'root' && s.type && s.type !== 'object')
    out.push(invalid(typePath, s.type, 'must be object at the root'));
  for (const typeMeta of ['kind', 'apiVersion']) {
    const prop = propertyOf(s, typeMeta);
    if (prop && checkMetadata && prop.type !== 'string') {
      out.push(
        invalid(
          childPath(keyPath(childPath(path, 'properties'), typeMeta), 'type'),
          prop.type ?? '',
          'must be string',
        ),
      );
    }
  }
  const metadata = propertyOf(s, 'metadata');
  if (metadata)
    out.push(
      ...metadataInvariants(metadata, checkMetadata, lvl, keyPath(childPath(path, 'properties'), 'metadata')),
    );
  if (embedded && !preserve && Object.keys(s.properties ?? {}).length === 0) {
    out.push(
      required(
        childPath(path, 'properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  }
  return out;
}

/** Only `name` and `generateName` may be restricted in the root `metadata`; and it must be an object. */
function metadataInvariants(
  s: JSONSchemaProps,
  checkMetadata: boolean,
  lvl: Level,
  path: string,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (checkMetadata && s.type !== 'object')
    out.push(invalid(childPath(path, 'type'), s.type ?? '', 'must be object'));
  if (lvl !== 'root') return out;
  const names = Object.keys(s.properties ?? {});
  const onlyNames =
    names.length > 0 && names.length <= 2 && names.every((n) => n === 'name' || n === 'generateName');
  const rest = Object.entries(s).filter(([k, v]) => {
    if (k === 'type' || k === 'default' || k === 'example' || k === 'id' || k === '$schema') return false;
    if (k === 'properties') return names.length > 0 && !onlyNames;
    if (k === 'additionalProperties' || k === 'items' || k === 'not' || k === 'externalDocs')
      return v !== undefined;
    return set(v);
  });
  if (rest.length > 0) {
    out.push(
      forbidden(
        path,
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
  }
  return out;
}

/** `anyOf: [{type: integer}, {type: string}]`, the int-or-string pattern whose types are allowed. */
function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  if (anyOf?.length !== 2) return false;
  const only = (s: JSONSchemaProps, type: string) => Object.keys(s).length === 1 && s.type === type;
  return only(anyOf[0]!, 'integer') && only(anyOf[1]!, 'string');
}

function valueValidation(
  v: JSONSchemaProps,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  lvl: Level,
  path: string,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!skipAnyOf)
    (v.anyOf ?? []).forEach((x, i) =>
      out.push(...nested(x, false, lvl, `${childPath(path, 'anyOf')}[${i}]`)),
    );
  (v.allOf ?? []).forEach((x, i) =>
    out.push(...nested(x, skipFirstAllOfAnyOf && i === 0, lvl, `${childPath(path, 'allOf')}[${i}]`)),
  );
  (v.oneOf ?? []).forEach((x, i) => out.push(...nested(x, false, lvl, `${childPath(path, 'oneOf')}[${i}]`)));
  if (v.not) out.push(...nested(v.not, false, lvl, childPath(path, 'not')));
  if (v.pattern) {
    try {
      compileGoRegexp(v.pattern);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      out.push(
        invalid(
          childPath(path, 'pattern'),
          v.pattern,
          `must be a valid regular expression, but isn't: ${why}`,
        ),
      );
    }
  }
  return out;
}

/** What a schema inside a junctor may not say: types, defaults, descriptions, extensions, metadata. */
const NESTED_FORBIDDEN: [key: keyof JSONSchemaProps, detail: string][] = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['externalDocs', 'must be undefined to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
  ['x-kubernetes-validations', 'must be empty to be structural'],
];

function nested(
  v: JSONSchemaProps | undefined,
  skipAnyOf: boolean,
  lvl: Level,
  path: string,
): FieldProblem[] {
  if (!isSchema(v)) return [];
  const out = valueValidation(v, skipAnyOf, false, lvl, path);
  out.push(...nested(itemsOf(v), false, lvl, childPath(path, 'items')));
  for (const [k, x] of Object.entries(v.properties ?? {})) {
    out.push(...nested(x, false, 'field', keyPath(childPath(path, 'properties'), k)));
  }
  for (const [key, detail] of NESTED_FORBIDDEN) {
    const value = v[key];
    const present =
      key === 'additionalProperties' || key === 'default' || key === 'externalDocs'
        ? value !== undefined
        : set(value);
    if (present) out.push(forbidden(childPath(path, key), detail));
  }
  if (has(v.properties, 'metadata')) {
    out.push(
      forbidden(
        keyPath(childPath(path, 'properties'), 'metadata'),
        'must not be specified in a nested context',
      ),
    );
  }
  return out;
}

/**
 * `validateStructuralCompleteness`: fields and items the root's junctors
 * talk about must be specified outside them (Kubernetes checks the root's
 * junctors only).
 */
function completeness(s: JSONSchemaProps, path: string): FieldProblem[] {
  return junctorCompleteness(s, s, path, path);
}

function because(sPath: string, vPath: string): FieldProblem {
  return required(sPath, `because it is defined in ${vPath}`);
}

function junctorCompleteness(
  v: JSONSchemaProps,
  s: JSONSchemaProps | undefined,
  sPath: string,
  vPath: string,
): FieldProblem[] {
  if (!v.not && !v.allOf?.length && !v.anyOf?.length && !v.oneOf?.length) return [];
  if (!s) return [because(sPath, vPath)];
  const out: FieldProblem[] = [];
  if (v.not) out.push(...nestedCompleteness(v.not, s, sPath, childPath(vPath, 'not')));
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    (v[junctor] ?? []).forEach((x, i) =>
      out.push(...nestedCompleteness(x, s, sPath, `${childPath(vPath, junctor)}[${i}]`)),
    );
  }
  return out;
}

function nestedCompleteness(
  v: JSONSchemaProps | undefined,
  s: JSONSchemaProps | undefined,
  sPath: string,
  vPath: string,
): FieldProblem[] {
  if (!isSchema(v)) return [];
  if (!s) return [because(sPath, vPath)];
  const out = junctorCompleteness(v, s, sPath, vPath);
  out.push(
    ...nestedCompleteness(itemsOf(v), itemsOf(s), childPath(sPath, 'items'), childPath(vPath, 'items')),
  );
  for (const [k, x] of Object.entries(v.properties ?? {})) {
    const sField = propertyOf(s, k);
    const sKey = keyPath(childPath(sPath, 'properties'), k);
    const vKey = keyPath(childPath(vPath, 'properties'), k);
    if (!sField) out.push(because(sKey, vKey));
    else out.push(...nestedCompleteness(x, sField, sKey, vKey));
  }
  return out;
}
