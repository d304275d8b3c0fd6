import { goQuote } from '../validation/index.js';
import { checkFormat, effectiveFormat } from './formats.js';
import { goNumber } from './go-values.js';
import { validateNumber } from './openapi-number.js';
import { composite, err, IN, invalidType, Result, sErr } from './openapi-result.js';
import { compileGoRegexp } from './go-regexp.js';
import { additionalOf, has, isObj, itemsOf, jsonEqual, jsonKind, type JSONSchemaProps } from './schema.js';

/**
 * The schema validator the API server runs over a custom resource:
 * kube-openapi's `validate.SchemaValidator` (pkg/validation/validate:
 * schema.go, type.go, validator.go, object_validator.go, slice_validator.go,
 * schema_props.go, values.go) with its error texts (pkg/validation/errors),
 * over the schema as apiextensions converts it (`x-kubernetes-int-or-string`
 * becomes `type: [integer, string]`, unsupported formats are dropped).
 *
 * It keeps kube-openapi's shape on purpose, because its quirks show in the
 * messages: every validator that applies runs (a type error does not stop the
 * enum check), `anyOf`/`oneOf` report the failures of the branch with the
 * highest match count, paths are `spec.items[0].name` and `spec.labels.app`,
 * integers compare against truncated bounds, and identical messages are kept once.
 */

export type { OpenAPICode, OpenAPIError } from './openapi-result.js';

/** The type list kube-openapi sees: `x-kubernetes-int-or-string` is `integer,string`. */
export function typesOf(s: JSONSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

/** `SchemaValidator.Validate`: runs every validator that applies to the value's kind. */
export function validateSchema(s: JSONSchemaProps, data: unknown, path: string): Result {
  const result = new Result();
  if (data === null || data === undefined) {
    result.merge(validateType(s, null, path));
    result.merge(validateEnum(s, null, path));
    return result;
  }
  const kind = jsonKind(data);
  if (typesOf(s).length > 0 || effectiveFormat(s.format) !== '') {
    result.merge(validateType(s, data, path));
    result.inc();
  }
  result.merge(validateSchemaProps(s, data, path));
  result.inc();
  if (typeof data === 'string') {
    result.merge(validateString(s, data, path));
    result.inc();
    const format = effectiveFormat(s.format);
    if (format !== '') {
      if (!checkFormat(format, data)) result.addErrors(invalidType(path, format, data));
      result.inc();
    }
  }
  if (typeof data === 'number') {
    result.merge(validateNumber(s, data, path));
    result.inc();
  }
  if (Array.isArray(data)) {
    result.merge(validateSlice(s, data, path));
    result.inc();
  }
  result.merge(validateEnum(s, data, path));
  result.inc();
  if (kind === 'object') {
    result.merge(validateObjectProps(s, data as Record<string, unknown>, path));
    result.inc();
  }
  result.inc();
  return result;
}

/** `typeValidator.Validate` (type.go), including its format-versus-kind checks and `nullable`. */
function validateType(s: JSONSchemaProps, data: unknown, path: string): Result {
  const types = typesOf(s);
  const format = effectiveFormat(s.format);
  if (data === null) {
    if (types.length > 0 && !types.includes('null') && !s.nullable) {
      return sErr(invalidType(path, types.join(','), 'null'));
    }
    return ok();
  }
  const kind = jsonKind(data);
  const dataFormat = kind === 'integer' ? 'int64' : kind === 'number' ? 'float64' : '';
  const isIntFloat = kind === 'integer' && types.includes('number');
  const stringOrSlice = kind === 'string' || kind === 'array';
  if (!stringOrSlice && format !== '' && !(types.includes(kind) || dataFormat === format || isIntFloat)) {
    return sErr(invalidType(path, format, dataFormat));
  }
  if (!(types.includes('number') || types.includes('integer')) && format !== '' && stringOrSlice) return ok();
  if (!(types.includes(kind) || isIntFloat)) return sErr(invalidType(path, types.join(','), kind));
  return ok();
}

function ok(): Result {
  const r = new Result();
  r.inc();
  return r;
}

/** `schemaPropsValidator.Validate` (schema_props.go): anyOf, oneOf, allOf, not. */
function validateSchemaProps(s: JSONSchemaProps, data: unknown, path: string): Result {
  const main = new Result();
  const q = goQuote(path);
  if (s.anyOf?.length) {
    let best: Result | undefined;
    let firstSuccess: Result | undefined;
    for (const sub of s.anyOf) {
      const r = validateSchema(sub, data, path);
      if (r.valid) {
        best = undefined;
        firstSuccess = r;
        break;
      }
      if (!best || r.matchCount > best.matchCount) best = r;
    }
    if (!firstSuccess) main.addErrors(composite(`${q} must validate at least one schema (anyOf)`));
    main.merge(best ?? firstSuccess);
  }
  if (s.oneOf?.length) {
    let best: Result | undefined;
    let firstSuccess: Result | undefined;
    let validated = 0;
    for (const sub of s.oneOf) {
      const r = validateSchema(sub, data, path);
      if (r.valid) {
        validated++;
        best = undefined;
        firstSuccess ??= r;
        continue;
      }
      if (validated === 0 && (!best || r.matchCount > best.matchCount)) best = r;
    }
    if (validated !== 1) {
      const found = validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`;
      main.addErrors(composite(`${q} must validate one and only one schema (oneOf). ${found}`));
      main.merge(best);
    } else {
      main.merge(firstSuccess);
    }
  }
  if (s.allOf?.length) {
    let validated = 0;
    for (const sub of s.allOf) {
      const r = validateSchema(sub, data, path);
      if (r.valid) validated++;
      main.merge(r);
    }
    if (validated !== s.allOf.length) {
      main.addErrors(
        composite(`${q} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}`),
      );
    }
  }
  if (s.not && validateSchema(s.not, data, path).valid) {
    main.addErrors(composite(`${q} must not validate the schema (not)`));
  }
  main.inc();
  return main;
}

/** `stringValidator.Validate`: the first failing of maxLength, minLength, pattern (lengths in runes). */
function validateString(s: JSONSchemaProps, data: string, path: string): Result | undefined {
  const runes = [...data].length;
  if (s.maxLength !== undefined && runes > s.maxLength) {
    return sErr(
      err('tooLong', path, `${path} in ${IN} should be at most ${s.maxLength} chars long`, {
        value: data,
        valid: s.maxLength,
      }),
    );
  }
  if (s.minLength !== undefined && runes < s.minLength) {
    return sErr(
      err('tooShort', path, `${path} in ${IN} should be at least ${s.minLength} chars long`, { value: data }),
    );
  }
  if (s.pattern) {
    let re: RegExp;
    try {
      re = compileGoRegexp(s.pattern);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return sErr(
        err('pattern', path, `${path} in ${IN} should match '${s.pattern}, but pattern is invalid: ${why}'`, {
          value: data,
        }),
      );
    }
    if (!re.test(data)) {
      return sErr(err('pattern', path, `${path} in ${IN} should match '${s.pattern}'`, { value: data }));
    }
  }
  return undefined;
}

/** `schemaSliceValidator.Validate`: items, then minItems, maxItems, uniqueItems. */
function validateSlice(s: JSONSchemaProps, data: unknown[], path: string): Result {
  const result = new Result();
  const items = itemsOf(s);
  if (items) data.forEach((x, i) => result.merge(validateSchema(items, x, `${path}[${i}]`)));
  const size = data.length;
  if (s.minItems !== undefined && size < s.minItems) {
    result.addErrors(
      err('minItems', path, `${path} in ${IN} should have at least ${s.minItems} items`, { value: size }),
    );
  }
  if (s.maxItems !== undefined && size > s.maxItems) {
    result.addErrors(
      err('maxItems', path, `${path} in ${IN} should have at most ${s.maxItems} items`, {
        value: size,
        valid: s.maxItems,
      }),
    );
  }
  if (s.uniqueItems && data.some((x, i) => data.slice(0, i).some((y) => jsonEqual(x, y)))) {
    result.addErrors(err('unique', path, `${path} in ${IN} shouldn't contain duplicates`));
  }
  result.inc();
  return result;
}

/** `basicCommonValidator.Validate`: the value must equal one of the enum; null never does. */
function validateEnum(s: JSONSchemaProps, data: unknown, path: string): Result | undefined {
  if (!s.enum?.length) return undefined;
  if (data !== null && data !== undefined && s.enum.some((e) => e !== null && jsonEqual(data, e)))
    return undefined;
  const shown = s.enum
    .map((e) => (typeof e === 'string' ? e : typeof e === 'number' ? goNumber(e) : JSON.stringify(e)))
    .join(' ');
  return sErr(
    err('enum', path, `${path} in ${IN} should be one of [${shown}]`, { value: data, values: s.enum }),
  );
}

/** `objectValidator.Validate`: property counts, additionalProperties, properties, then required. */
function validateObjectProps(s: JSONSchemaProps, data: Record<string, unknown>, path: string): Result {
  const keys = Object.keys(data);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    return sErr(
      err('tooFewProperties', path, `${path} in ${IN} should have at least ${s.minProperties} properties`, {
        value: keys.length,
      }),
    );
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    return sErr(
      err('tooManyProperties', path, `${path} in ${IN} should have at most ${s.maxProperties} properties`, {
        value: keys.length,
        valid: s.maxProperties,
      }),
    );
  }
  const res = new Result();
  const props = s.properties ?? {};
  const additional = additionalOf(s);
  if (additional && !additional.allows) {
    for (const k of keys) {
      if (!has(props, k)) {
        res.addErrors(
          err('unallowedProperty', path, `${path}.${k} in ${IN} is a forbidden property`, { value: k }),
        );
      }
    }
  } else if (additional?.schema) {
    for (const k of keys)
      if (!has(props, k)) res.merge(validateSchema(additional.schema, data[k], `${path}.${k}`));
  }
  for (const [name, schema] of Object.entries(props)) {
    if (has(data, name) && isObj(schema)) {
      res.merge(validateSchema(schema, data[name], path !== '' ? `${path}.${name}` : name));
    }
  }
  for (const k of s.required ?? []) {
    if (!has(data, k)) res.addErrors(err('required', `${path}.${k}`, `${path}.${k} in ${IN} is required`));
  }
  return res;
}
