import type { FieldProblem } from '../catalog.js';
import {
  forbidden,
  GoSyntax,
  goQuote,
  goSyntax,
  invalid,
  notSupported,
  required,
} from '../validation/index.js';
import {
  additionalOf,
  childPath,
  indexPath,
  isObj,
  isSchema,
  keyPath,
  type JSONSchemaProps,
} from './schema.js';

/**
 * The per-node checks of `ValidateCustomResourceDefinitionOpenAPISchema`
 * (apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go)
 * for an apiextensions.k8s.io/v1 CRD: unsupported JSON-Schema keywords,
 * `properties` with `additionalProperties`, `uniqueItems`, defaults where
 * they may not be, and the list/map-type extensions. Visits properties in the
 * order the schema declares them.
 */
export function schemaKeywordProblems(schema: JSONSchemaProps, path: string): FieldProblem[] {
  return check(schema, path, { allowDefaults: true, reason: '', insideMeta: false }, true);
}

interface Context {
  allowDefaults: boolean;
  /** Why defaults are not allowed, appended to `must not be set`. */
  reason: string;
  /** Inside the `apiVersion`, `kind` or `metadata` of the root or an embedded resource. */
  insideMeta: boolean;
}

const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

function check(s: JSONSchemaProps | undefined, path: string, ctx: Context, isRoot: boolean): FieldProblem[] {
  if (!isSchema(s)) return [];
  const out = keywordProblems(s, path, ctx);
  if (s.uniqueItems) {
    out.push(
      forbidden(
        childPath(path, 'uniqueItems'),
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  }
  const additional = additionalOf(s);
  if (additional) {
    if (Object.keys(s.properties ?? {}).length > 0 && (!additional.allows || additional.schema)) {
      out.push(
        forbidden(
          childPath(path, 'additionalProperties'),
          'additionalProperties and properties are mutual exclusive',
        ),
      );
    }
    const sub = ctx.insideMeta
      ? { ...ctx, allowDefaults: false, reason: 'inside additionalProperties applying to object metadata' }
      : ctx;
    out.push(...check(additional.schema, childPath(path, 'additionalProperties'), sub, false));
  }
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    let sub = ctx;
    if ((isRoot || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(k)) {
      sub = { ...sub, insideMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, reason: `in top-level ${k}` };
    }
    out.push(...check(prop, keyPath(childPath(path, 'properties'), k), sub, false));
  }
  out.push(...check(s.not, childPath(path, 'not'), ctx, false));
  for (const junctor of ['allOf', 'oneOf', 'anyOf'] as const) {
    (s[junctor] ?? []).forEach((x, i) =>
      out.push(...check(x, indexPath(childPath(path, junctor), i), ctx, false)),
    );
  }
  for (const [k, x] of Object.entries(s.definitions ?? {})) {
    out.push(...check(x, keyPath(childPath(path, 'definitions'), k), ctx, false));
  }
  if (Array.isArray(s.items))
    s.items.forEach((x, i) => out.push(...check(x, indexPath(childPath(path, 'items'), i), ctx, false)));
  else out.push(...check(s.items, childPath(path, 'items'), ctx, false));
  for (const [k, x] of Object.entries(s.dependencies ?? {})) {
    if (!Array.isArray(x)) out.push(...check(x, keyPath(childPath(path, 'dependencies'), k), ctx, false));
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    out.push(
      invalid(childPath(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'),
    );
  }
  out.push(...listTypeProblems(s, path), ...mapTypeProblems(s, path));
  const listType = s['x-kubernetes-list-type'];
  if ((s['x-kubernetes-list-map-keys'] ?? []).length > 0) {
    const why = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (listType === undefined) out.push(required(childPath(path, 'x-kubernetes-list-type'), why));
    else if (listType !== 'map') out.push(invalid(childPath(path, 'x-kubernetes-list-type'), listType, why));
  }
  out.push(...mapListKeysMapSetProblems(s, path), ...celRuleTextProblems(s, path));
  return out;
}

/** `specStandardValidatorV3.validate`: the JSON-Schema keywords CRDs do not support. */
function keywordProblems(s: JSONSchemaProps, path: string, ctx: Context): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (s.type && !TYPES.includes(s.type)) out.push(notSupported(childPath(path, 'type'), s.type, TYPES));
  if (s.default !== undefined && !ctx.allowDefaults) {
    out.push(forbidden(childPath(path, 'default'), `must not be set${ctx.reason ? ` ${ctx.reason}` : ''}`));
  }
  if (s.id) out.push(forbidden(childPath(path, 'id'), 'id is not supported'));
  if (s.additionalItems !== undefined)
    out.push(forbidden(childPath(path, 'additionalItems'), 'additionalItems is not supported'));
  if (Object.keys(s.patternProperties ?? {}).length > 0) {
    out.push(forbidden(childPath(path, 'patternProperties'), 'patternProperties is not supported'));
  }
  if (Object.keys(s.definitions ?? {}).length > 0)
    out.push(forbidden(childPath(path, 'definitions'), 'definitions is not supported'));
  if (s.dependencies !== undefined)
    out.push(forbidden(childPath(path, 'dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) out.push(forbidden(childPath(path, '$ref'), '$ref is not supported'));
  if (s.type === 'null')
    out.push(
      forbidden(childPath(path, 'type'), 'type cannot be set to null, use nullable as an alternative'),
    );
  if (Array.isArray(s.items))
    out.push(forbidden(childPath(path, 'items'), 'items must be a schema object and not an array'));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource']) {
    out.push(
      forbidden(
        childPath(path, 'x-kubernetes-embedded-resource'),
        'must not be used inside of resource meta',
      ),
    );
  }
  return out;
}

const SET_ITEM_ATOMIC = 'must be atomic as item of a list with x-kubernetes-list-type=set';

/** `xlisttypenotnil` and `validateXListTypeMap`. */
function listTypeProblems(s: JSONSchemaProps, path: string): FieldProblem[] {
  const listType = s['x-kubernetes-list-type'];
  if (listType === undefined) return [];
  const out: FieldProblem[] = [];
  const typePath = childPath(path, 'type');
  if (s.type !== 'array') {
    const why = 'must be array if x-kubernetes-list-type is specified';
    out.push(s.type ? invalid(typePath, s.type, why) : required(typePath, why));
  }
  const items = isObj(s.items) ? (s.items as JSONSchemaProps) : undefined;
  if (s.type === 'array' && listType === 'set' && items) {
    const itemsPath = childPath(path, 'items');
    const itemListType = items['x-kubernetes-list-type'];
    if (items.type === 'array' && itemListType !== undefined && itemListType !== 'atomic') {
      out.push(invalid(childPath(itemsPath, 'x-kubernetes-list-type'), itemListType, SET_ITEM_ATOMIC));
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      // Kubernetes reports the items' list type here (nil, so "null"), not the map type.
      out.push(
        invalid(childPath(itemsPath, 'x-kubernetes-map-type'), itemListType ?? 'null', SET_ITEM_ATOMIC),
      );
    }
  }
  if (!['atomic', 'set', 'map'].includes(listType)) {
    out.push(notSupported(childPath(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (listType === 'map') out.push(...listMapProblems(s, path));
  return out;
}

function listMapProblems(s: JSONSchemaProps, path: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const keysPath = childPath(path, 'x-kubernetes-list-map-keys');
  const itemsPath = childPath(path, 'items');
  if (keys.length === 0) out.push(required(keysPath, 'must not be empty if x-kubernetes-list-type is map'));
  if (s.items === undefined) {
    out.push(required(itemsPath, 'must have a schema if x-kubernetes-list-type is map'));
    return out;
  }
  if (Array.isArray(s.items)) {
    out.push(
      invalid(
        itemsPath,
        new GoSyntax(goSyntax(s.items)),
        'must only have a single schema if x-kubernetes-list-type is map',
      ),
    );
    return out;
  }
  const items = s.items;
  if (items.type !== 'object') {
    out.push(
      invalid(
        childPath(itemsPath, 'type'),
        items.type ?? '',
        "must be object if parent array's x-kubernetes-list-type is map",
      ),
    );
    return out;
  }
  const keysValue = new GoSyntax(`[]string{${keys.map(goQuote).join(', ')}}`);
  const seen = new Set<string>();
  for (const k of keys) {
    const prop = items.properties?.[k];
    if (prop) {
      if (prop.type === 'array' || prop.type === 'object') {
        out.push(
          invalid(
            childPath(keyPath(childPath(itemsPath, 'properties'), k), 'type'),
            items.type,
            "must be a scalar type if parent array's x-kubernetes-list-type is map",
          ),
        );
      }
    } else {
      out.push(invalid(keysPath, keysValue, 'entries must all be names of item properties'));
    }
    if (seen.has(k)) out.push(invalid(keysPath, keysValue, 'must not contain duplicate entries'));
    seen.add(k);
  }
  return out;
}

/** `xmaptypenotnil`. */
function mapTypeProblems(s: JSONSchemaProps, path: string): FieldProblem[] {
  const mapType = s['x-kubernetes-map-type'];
  if (mapType === undefined) return [];
  const out: FieldProblem[] = [];
  if (s.type !== 'object') {
    const why = 'must be object if x-kubernetes-map-type is specified';
    out.push(s.type ? invalid(childPath(path, 'type'), s.type, why) : required(childPath(path, 'type'), why));
  }
  if (mapType !== 'atomic' && mapType !== 'granular') {
    out.push(notSupported(childPath(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  return out;
}

/** `validateMapListKeysMapSet`: set/map items are not nullable; map keys are required or defaulted, never nullable. */
function mapListKeysMapSetProblems(s: JSONSchemaProps, path: string): FieldProblem[] {
  const listType = s['x-kubernetes-list-type'];
  if (!isObj(s.items) || (listType !== 'set' && listType !== 'map')) return [];
  const items = s.items as JSONSchemaProps;
  const out: FieldProblem[] = [];
  const itemsPath = childPath(path, 'items');
  if (items.nullable)
    out.push(
      forbidden(
        childPath(itemsPath, 'nullable'),
        `cannot be nullable when x-kubernetes-list-type is ${listType}`,
      ),
    );
  if (listType !== 'map') return out;
  for (const k of s['x-kubernetes-list-map-keys'] ?? []) {
    const prop = items.properties?.[k];
    if (!prop) continue;
    const propPath = keyPath(childPath(itemsPath, 'properties'), k);
    if (!(items.required ?? []).includes(k) && prop.default === undefined) {
      out.push(
        required(
          childPath(propPath, 'default'),
          'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
        ),
      );
    }
    if (prop.nullable) {
      out.push(
        forbidden(
          childPath(propPath, 'nullable'),
          'this property is in x-kubernetes-list-map-keys, so it cannot be nullable',
        ),
      );
    }
  }
  return out;
}

/**
 * The text checks on `x-kubernetes-validations` rules. Compiling and running
 * the CEL itself is out of scope.
 */
function celRuleTextProblems(s: JSONSchemaProps, path: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  (s['x-kubernetes-validations'] ?? []).forEach((raw, i) => {
    const rule = isObj(raw) ? raw : {};
    const p = indexPath(childPath(path, 'x-kubernetes-validations'), i);
    const ruleText = typeof rule.rule === 'string' ? rule.rule.trim() : '';
    const message = typeof rule.message === 'string' ? rule.message : '';
    const trimmedMessage = message.trim();
    if (ruleText === '') out.push(required(childPath(p, 'rule'), 'rule is not specified'));
    else if (message.length > 0 && trimmedMessage === '') {
      out.push(invalid(childPath(p, 'message'), message, 'message must be non-empty if specified'));
    } else if (/[\n\r]/.test(trimmedMessage)) {
      out.push(invalid(childPath(p, 'message'), message, 'message must not contain line breaks'));
    } else if (/[\n\r]/.test(ruleText) && trimmedMessage === '') {
      out.push(required(childPath(p, 'message'), 'message must be specified if rule contains line breaks'));
    }
  });
  return out;
}
